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
 * The lock on a store directory ({@code LOCK}), held exclusively while a store that writes is
 * open, so writers exclude each other. A store opened read-only takes no lock: it only asks
 * ({@link #heldForWriting}). The operating system drops the lock when the process dies, so a
 * crash never leaves a store locked.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    static final String FILE_NAME = "LOCK";

    /**
     * The locks this JVM holds, by lock file. The operating system drops every lock a process
     * holds on a file as soon as the process closes any channel on that file, so a second open
     * of a store this JVM holds must not open the lock file at all: opening it to try the lock,
     * and closing it on failure, would unlock the store for other processes.
     */
    private static final Map<Path, DirectoryLock> HELD = new HashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
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
                DirectoryLock lock = new DirectoryLock(file, ch, l);
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
     * Whether a store open for writing, in this JVM or in another process, holds the lock of
     * {@code dir}. A store opened read-only asks rather than locks: it neither waits for a writer
     * nor keeps one out, and creates or writes nothing. A lock file that is missing or cannot be
     * opened for reading (a read-only directory a store never ran in) means no writer.
     *
     * @param dir the store directory
     * @return true when a writer holds it now
     */
    static boolean heldForWriting(Path dir) {
        Path file = key(dir);
        synchronized (HELD) {
            if (HELD.containsKey(file)) {
                return true; // never open the lock file of a store this JVM holds: see HELD
            }
            FileChannel ch;
            try {
                ch = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.READ);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("store {}: {} cannot be opened ({}), so no process writes it", dir, FILE_NAME, e.toString());
                return false;
            }
            try (ch) {
                // a shared probe, given back at once: this process held no lock on the file, so
                // closing the channel drops nothing anyone relies on
                FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (OverlappingFileLockException e) {
                return true; // locked in this JVM through another path to the directory
            } catch (IOException e) {
                LOG.debug("store {}: cannot probe {} ({}), taking it for held", dir, FILE_NAME, e.toString());
                return true;
            }
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
