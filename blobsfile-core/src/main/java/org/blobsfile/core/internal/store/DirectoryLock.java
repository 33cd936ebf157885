package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreLockedException;

/**
 * The exclusive lock on a store directory ({@code LOCK}), held while a store is open. The
 * operating system drops it when the process dies, so a crash never leaves a store locked.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "LOCK";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws StoreLockedException when another store instance, here or in another process, holds it
     */
    static DirectoryLock acquire(Path dir) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by another store instance in this JVM
            }
            if (l == null) {
                ch.close();
                throw new StoreLockedException(dir);
            }
            return new DirectoryLock(ch, l);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StorageIOException("cannot lock store " + dir, e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the lock failure is the error worth reporting
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
