package org.blobsfile.bench.growth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Bytes a store's parts take on disk: its packs, and its index directory. */
final class DiskUsage {
    private DiskUsage() {
    }

    /** @return the summed length of the files named {@code blobs-*} directly in {@code storeDir} */
    static long packBytes(Path storeDir) {
        try (Stream<Path> s = Files.list(storeDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("blobs-")).mapToLong(DiskUsage::length).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the summed length of every file under {@code dir}, 0 if there is none */
    static long treeBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).mapToLong(DiskUsage::length).sum();
            } catch (IOException | UncheckedIOException e) {
                // a compaction deletes files while the walk lists them: count again, a few times
                if (attempt == 5) {
                    throw e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
                }
            }
        }
    }

    private static long length(Path p) {
        try {
            return Files.size(p);
        } catch (NoSuchFileException e) {
            return 0; // deleted by a compaction since it was listed
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
