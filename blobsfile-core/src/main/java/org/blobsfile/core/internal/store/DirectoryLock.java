package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock on a store directory ({@code LOCK}), held while a store is open: exclusive for a
 * store that writes, shared for one opened read-only. The operating system drops it when the
 * process dies, so a crash never leaves a store locked.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    static final String FILE_NAME = "LOCK";

    /**
     * The locks this JVM holds, by lock file. The operating system drops every lock a process
     * holds on a file as soon as the process closes any channel on that file, so a second open
     * of a store this JVM holds must fail without opening the lock file at all: opening it to
     * try the lock, and closing it on failure, would unlock the store for other processes. And
     * the JVM refuses a second lock on a file it has locked, even a shared one, so read-only
     * stores of one directory share one channel and one lock.
     */
    private static final Map<Path, DirectoryLock> HELD = new HashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    /** Whether read-only stores share it. */
    private final boolean shared;
    /** Read-only stores using a shared lock; guarded by {@link #HELD}. */
    private int users = 1;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock, boolean shared) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.shared = shared;
    }

    /**
     * Takes the exclusive lock, creating the lock file if it is missing.
     *
     * @throws StoreLockedException when another store instance, here or in another process, holds it
     */
    static DirectoryLock acquire(Path dir) {
        Path file = key(dir);
        synchronized (HELD) {
            if (HELD.containsKey(file)) {
                throw new StoreLockedException(dir); // open here already: never touch its lock file
            }
            FileChannel ch = null;
            try {
                ch = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null; // locked in this JVM through another path to the directory
                }
                if (l == null) {
                    ch.close();
                    throw new StoreLockedException(dir);
                }
                DirectoryLock lock = new DirectoryLock(file, ch, l, false);
                HELD.put(file, lock);
                return lock;
            } catch (IOException e) {
                closeQuietly(ch);
                throw new StorageIOException("cannot lock store " + dir, e);
            }
        }
    }

    /** @return the lock file of {@code dir} as the registry of held locks knows it: its real path when it has one */
    private static Path key(Path dir) {
        Path d;
        try {
            d = dir.toRealPath();
        } catch (IOException e) {
            d = dir.toAbsolutePath().normalize();
        }
        return d.resolve(FILE_NAME);
    }

    /**
     * Takes the lock shared, for a store opened read-only, without creating or writing anything:
     * a lock file that is missing or cannot be opened for reading (a read-only directory a
     * store never ran in) means no lock, and the store opens without one.
     *
     * @return the lock, or null when there is no lock file to lock
     * @throws StoreLockedException when a store open for writing, here or in another process, holds it
     */
    static DirectoryLock acquireShared(Path dir) {
        Path file = key(dir);
        synchronized (HELD) {
            DirectoryLock held = HELD.get(file);
            if (held != null && held.shared) {
                held.users++;
                return held;
            }
            if (held != null) {
                throw new StoreLockedException(dir); // open for writing here
            }
            FileChannel ch;
            try {
                ch = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.READ);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("store {} opened read-only without a lock: {} cannot be opened ({})", dir, FILE_NAME, e.toString());
                return null;
            }
            FileLock l;
            try {
                l = ch.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                l = null; // held for writing by a store instance in this JVM
            } catch (IOException e) {
                closeQuietly(ch);
                throw new StorageIOException("cannot lock store " + dir, e);
            }
            if (l == null) {
                closeQuietly(ch);
                throw new StoreLockedException(dir);
            }
            DirectoryLock shared = new DirectoryLock(file, ch, l, true);
            HELD.put(file, shared);
            return shared;
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
        synchronized (HELD) {
            if (shared && --users > 0) {
                return;
            }
            // released before it leaves the registry, so no open in this JVM meets it half closed
            try {
                lock.release();
            } finally {
                channel.close();
                HELD.remove(file, this);
            }
        }
    }
}
