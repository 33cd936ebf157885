package org.blobsfile.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Scratch directories for benchmark data. They live under the system property
 * {@code blobsfile.bench.dir} when it is set (to measure a particular disk), else under the
 * system temporary directory, and are deleted when the benchmark is done.
 */
public final class BenchDirs {
    /** The system property naming the parent of the scratch directories. */
    public static final String PROPERTY = "blobsfile.bench.dir";

    private BenchDirs() {
    }

    /**
     * @param prefix the start of the directory name, to tell runs apart while they are on disk
     * @return a new empty directory
     */
    public static Path create(String prefix) {
        try {
            String parent = System.getProperty(PROPERTY);
            Path base = parent != null ? Files.createDirectories(Paths.get(parent))
                    : Paths.get(System.getProperty("java.io.tmpdir"));
            return Files.createTempDirectory(base, prefix.replaceAll("[^A-Za-z0-9_.-]", "_") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a directory and everything in it; a missing one is fine.
     *
     * @param dir the directory
     */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
