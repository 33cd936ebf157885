package org.blobsfile.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simplest durable content-addressed store: one file per blob, named by its hex hash under
 * a two-level fan-out ({@code ab/cd/abcd...}). A put writes a temporary file, forces it, renames
 * it into place atomically and forces the directory, so an acknowledged blob survives a power
 * cut like one in our store. Reads load the file whole and do not check the hash.
 *
 * <p>Thread-safe: concurrent puts use distinct temporary names, and the rename makes a blob
 * appear whole or not at all.
 */
public final class FilePerBlobEngine implements Engine {
    private static final String TMP_SUFFIX = ".tmp";

    private final AtomicLong tmpCounter = new AtomicLong();
    private Path root;

    /** @return {@code file-per-blob} */
    @Override
    public String name() {
        return "file-per-blob";
    }

    @Override
    public void open(Path dir) throws IOException {
        root = Files.createDirectories(dir);
        // temporary files left by a crash are not blobs: a real store would sweep them here too
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.getFileName().toString().endsWith(TMP_SUFFIX)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public byte[] put(byte[] data) throws IOException {
        byte[] key = Hashing.blake2b256(data);
        String hex = Hashing.hex(key);
        Path target = pathOf(hex);
        if (Files.exists(target)) {
            return key;
        }
        Path leaf = ensureDirectory(target.getParent());
        Path tmp = leaf.resolve(hex + "." + tmpCounter.incrementAndGet() + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(leaf);
        return key;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        try {
            return Files.readAllBytes(pathOf(Hashing.hex(key)));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void close() {
        root = null;
    }

    private Path pathOf(String hex) {
        return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
    }

    /**
     * Creates a fan-out directory if needed; a new directory's entry in its parent must be made
     * durable too, or a power cut could lose every blob renamed into it.
     */
    private Path ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        ensureDirectory(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return dir; // another thread made it, and forces the parent itself
        }
        forceDirectory(dir.getParent());
        return dir;
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
