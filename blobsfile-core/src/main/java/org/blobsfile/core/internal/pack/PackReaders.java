package org.blobsfile.core.internal.pack;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.io.Uninterruptibly;

/**
 * Read channels on the packs, opened on first use and shared by every reader thread:
 * positional reads on a {@link FileChannel} are thread-safe and never move a shared position.
 */
public final class PackReaders implements Closeable {
    private final Path dir;
    private final ConcurrentHashMap<Integer, FileChannel> channels = new ConcurrentHashMap<>();
    private final java.util.concurrent.locks.ReentrantLock replacing = new java.util.concurrent.locks.ReentrantLock();

    /** @param dir the store directory; no channel is opened until a pack is read */
    public PackReaders(Path dir) {
        this.dir = dir;
    }

    /**
     * @return the lock held while a pack's file is replaced (compaction, repair, quarantine), so
     *         that a repair that ran beside them can check, and rename, with nothing replacing
     *         the pack in between; held for a rename, never for a read or a wait
     */
    public java.util.concurrent.locks.ReentrantLock replacing() {
        return replacing;
    }

    /** @return the store directory the packs are in */
    public Path dir() {
        return dir;
    }

    /**
     * @param pack a pack number
     * @return the pack's file
     */
    public Path path(int pack) {
        return PackFormat.path(dir, pack);
    }

    /**
     * @param pack a pack number
     * @return the shared read channel on the pack, opened on first use; not to be closed by the caller
     * @throws IOException when the pack cannot be opened
     * @throws CorruptPackException when the pack is not a regular file (a symlink, a directory, a
     *                              device): it is never followed nor read
     */
    public FileChannel channel(int pack) throws IOException {
        try {
            return channels.computeIfAbsent(pack, n -> {
                Path p = path(n);
                String notRegular = PackFormat.notRegular(p);
                if (notRegular != null && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new CorruptPackException(p, 0, notRegular + "; its blobs cannot be read");
                }
                try {
                    return FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Reads exactly {@code len} bytes at {@code pos} of pack {@code pack} into {@code dst}. A read
     * that races with {@link #forget} (the pack was just replaced by a repaired copy), or with an
     * interrupt that closed the shared channel, starts over on a channel opened again: see
     * {@link Uninterruptibly#io}.
     *
     * @param pack the pack number
     * @param pos  where to read in the pack
     * @param dst  receives the bytes
     * @param off  where they go in {@code dst}
     * @param len  how many
     * @throws IOException when the pack cannot be read, or ends before {@code pos + len}
     */
    public void readFully(int pack, long pos, byte[] dst, int off, int len) throws IOException {
        Uninterruptibly.io(() -> {
            try {
                PositionalIo.readFully(channel(pack), pos, dst, off, len);
            } catch (EOFException e) {
                throw new EOFException(path(pack) + " ends before offset " + (pos + len));
            }
            return null;
        }, closed -> channels.computeIfPresent(pack, (n, ch) -> ch.isOpen() ? ch : null));
    }

    /**
     * Closes and forgets the channel of {@code pack}, after the file was replaced: the channel
     * still reads the old file, and the next read opens the new one.
     *
     * @param pack the pack number
     * @throws IOException when closing the old channel fails
     */
    public void forget(int pack) throws IOException {
        FileChannel ch = channels.remove(pack);
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        channels.clear();
        if (first != null) {
            throw first;
        }
    }
}
