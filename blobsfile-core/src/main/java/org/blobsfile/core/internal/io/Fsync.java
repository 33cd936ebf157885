package org.blobsfile.core.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Forcing files and directories, and replacing a file atomically. */
public final class Fsync {
    private Fsync() {
    }

    /**
     * Forces a directory's entries (new, renamed and deleted files) to disk. Some file systems
     * and platforms cannot open a directory for this; there the rename is as durable as they
     * allow. A force that fails is an error, though: the entries it should have made durable may
     * be lost, so what depends on them must not be acknowledged.
     *
     * @param dir the directory whose entries changed
     * @throws IOException when the directory was opened but forcing it failed
     */
    public static void directory(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return; // not supported here (for example on Windows or some in-memory file systems)
        }
        try (ch) {
            ch.force(true);
        } catch (UnsupportedOperationException e) {
            // a file system that opens directories but has no force for them
        }
    }

    /**
     * Writes a file through a forced temporary file and an atomic rename, so a crash leaves
     * either the old content or the new, never a part of it.
     *
     * @param target  the file to replace or create
     * @param content its new content
     * @throws IOException when the temporary file cannot be written or renamed
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        directory(target.getParent());
    }
}
