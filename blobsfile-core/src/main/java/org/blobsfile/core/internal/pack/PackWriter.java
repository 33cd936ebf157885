package org.blobsfile.core.internal.pack;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.io.Uninterruptibly;

/**
 * Appends entries to the active pack. Not thread-safe: the store calls it under its write lock,
 * except {@link #force}, which a group commit runs outside that lock while later entries are
 * written. Readers read the same file through their own channels, never through this one.
 *
 * <p>A force that fails is never retried: after a failed fsync the operating system may have
 * dropped the unwritten pages and marked them clean, so a later force that succeeds proves
 * nothing about them. The writer keeps the failure and refuses every later write, force and
 * finish with an {@link IOException} that says so; the store then refuses puts until it is
 * reopened, and opening it again reads the pack back from the disk and indexes only the entries
 * that are there, whole and hashing right.
 *
 * <p>A writer that {@linkplain #preallocate preallocates} writes zeros ahead of its entries, a
 * few MiB at a time, so that most forces land in file space that is already allocated and
 * written: an {@code fdatasync} then has only data to flush, no file size or block allocation to
 * commit, which makes it markedly cheaper. A pack so left after a crash ends in zeros, which no
 * entry starts with (an entry's flag byte is never 0); opening the store cuts them off, and
 * closing the writer cuts them off too, so a pack closed cleanly is a plain v1 pack. Zeros go
 * ahead only while little is written between forces (a sixteenth of the preallocation): a force
 * with more to flush, a large entry's or a bulk load's, barely notices the metadata, and would
 * flush the zeros ahead too, adding to what it writes.
 */
public final class PackWriter implements Closeable {
    /** The most {@link #appendFrom} hands the operating system to copy at once. */
    private static final int COPY_CHUNK = 8 << 20;
    private final Path path;
    private final int number;
    private final PackGeometry geometry;
    /** Opened again if an interrupt closes it; see {@link #reopen}. */
    private volatile FileChannel channel;
    private volatile boolean closed;
    private long end;
    /**
     * Where the bytes written to the file end; below {@link #end} while buffers are reserved.
     * Volatile because a force, outside the write lock, reads it.
     */
    private volatile long written;
    /** The file's length: {@link #written}, or beyond it by the zeros written ahead. */
    private long allocated;
    /** How many bytes of zeros to write ahead of the entries when they reach the end of the file; 0 for none. */
    private long preallocation;
    /**
     * Where {@link #written} was when the latest successful force began: the bytes after it wait
     * for the next force. Atomic because forces run outside the write lock, several at once.
     */
    private final AtomicLong forcedUpTo;
    private final java.util.List<ByteBuffer> reserved = new java.util.ArrayList<>();
    /**
     * The channel whose own position is where the bytes written end, so an append need not seek
     * first (a system call per put); null when unknown. A channel opened anew after an interrupt
     * is never this one.
     */
    private volatile FileChannel positioned;
    /** Blob entries in the pack, or -1 when it was opened with entries of an earlier session. */
    private long entries;
    /** Blob entries reserved and not written yet: given up with their buffers when a write fails. */
    private long reservedEntries;
    /** Set once the EOF entry and padding are written and forced. */
    private volatile boolean finished;
    /** The failure of a force, after which the pack takes no more writes; null while none failed. */
    private volatile IOException forceFailed;

    private PackWriter(Path path, int number, PackGeometry geometry, FileChannel channel, long end, long entries) {
        this.path = path;
        this.number = number;
        this.geometry = geometry;
        this.channel = channel;
        this.end = end;
        this.written = end;
        this.forcedUpTo = new AtomicLong(end);
        this.allocated = end;
        this.entries = entries;
    }

    /**
     * Makes the writer write {@code bytes} of zeros ahead of its entries when they reach the end
     * of the file while little is written between forces, never past the data area: see the
     * class comment. Worth it only where puts force; without forces it only doubles what is
     * written.
     *
     * @param bytes how far ahead, 0 to write nothing ahead
     */
    public void preallocate(long bytes) {
        this.preallocation = Math.max(0, bytes);
    }

    /**
     * Creates pack {@code n} with its header, forced along with the directory entry. A failed
     * attempt removes the file again, so the next rollover can create it; one cut short by an
     * interrupt is repeated, and the interrupt handed back afterwards.
     *
     * @param dir      the store directory
     * @param n        the new pack's number
     * @param geometry the store's pack geometry, which decides when the pack is full
     * @return a writer positioned after the header
     * @throws IOException when the pack exists already or cannot be written and forced
     */
    public static PackWriter create(Path dir, int n, PackGeometry geometry) throws IOException {
        return Uninterruptibly.io(() -> createOnce(dir, n, geometry), closed -> {
            if (!(closed instanceof ClosedByInterruptException)) {
                throw closed;
            }
        });
    }

    private static PackWriter createOnce(Path dir, int n, PackGeometry geometry) throws IOException {
        Path p = PackFormat.path(dir, n);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            PositionalIo.writeFully(ch, 0, ByteBuffer.wrap(PackFormat.header()));
            ch.force(true);
            Fsync.directory(dir);
            return new PackWriter(p, n, geometry, ch, PackFormat.HEADER_SIZE, 0);
        } catch (IOException e) {
            ch.close();
            try {
                Files.deleteIfExists(p);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Opens an existing pack for appending after {@code end}, the end of its last good entry.
     * Anything after it (a torn entry) has been cut off by recovery already.
     *
     * @param dir      the store directory
     * @param n        the active pack's number
     * @param geometry the store's pack geometry
     * @param end      where recovery found the pack's entries to end
     * @return a writer that appends at {@code end}; its entry count is unknown unless the pack is empty
     * @throws IOException when the pack cannot be opened, is not a regular file (it is never
     *                     written through a link), or its length is not {@code end}
     */
    public static PackWriter open(Path dir, int n, PackGeometry geometry, long end) throws IOException {
        Path p = PackFormat.path(dir, n);
        String notRegular = PackFormat.notRegular(p);
        if (notRegular != null) {
            throw new IOException(p + " is " + notRegular + "; it is never written to");
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        if (ch.size() != end) {
            ch.close();
            throw new IOException(p + " is " + ch.size() + " bytes long, expected its entries to end at " + end);
        }
        return new PackWriter(p, n, geometry, ch, end, end == PackFormat.HEADER_SIZE ? 0 : -1);
    }

    /** @return the pack's number, which index locations and checkpoints record */
    public int number() {
        return number;
    }

    /** @return the pack file */
    public Path path() {
        return path;
    }

    /** @return the blob entries in the pack, or -1 when unknown */
    public long entries() {
        return entries;
    }

    /** @return where the next entry goes */
    public long end() {
        return end;
    }

    /**
     * @param payload a payload length
     * @return whether an entry with a payload of {@code payload} bytes fits before the pack must roll over
     */
    public boolean fits(long payload) {
        return geometry.fits(end, payload);
    }

    /**
     * Writes the buffers at the end of the pack. On failure the pack is cut back to where it
     * was, so a failed append never leaves a partial entry in the middle of the file.
     *
     * @param buffers the entries, headers and payloads, in order
     * @param count   how many entries the buffers hold
     * @return the offset the buffers were written at
     * @throws IOException when the write fails; the buffers are then given up, see {@link #writeReserved}
     */
    public long append(ByteBuffer[] buffers, int count) throws IOException {
        long start = reserve(buffers, count);
        writeReserved();
        return start;
    }

    /**
     * Writes one entry whose payload is read from another file, a piece at a time: a blob too
     * large to hold in memory. Entries reserved before it are written first, so entries keep the
     * order in which they were placed. On failure the pack is cut back to where it was, as for
     * {@link #append}; the reserved entries written first stay, as their commit would write them.
     *
     * @param header  the entry's encoded header
     * @param source  holds the payload from position 0
     * @param length  the payload's length
     * @return the offset the entry was written at
     * @throws IOException when the write or a read of {@code source} fails, or a force of the pack failed before
     */
    public long appendFrom(byte[] header, FileChannel source, long length) throws IOException {
        writeReserved();
        long start = end;
        try {
            uninterruptible(() -> {
                copyOnce(start, header, source, length);
                return null;
            });
        } catch (IOException e) {
            positioned = null;
            try {
                channel.truncate(start);
                allocated = start;
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        positioned = null; // written at positions: the channel's own position is not the end
        end = start + header.length + length;
        written = end;
        allocated = Math.max(allocated, end);
        if (entries >= 0) {
            entries++;
        }
        return start;
    }

    /**
     * Writes the header and copies the payload after it, by the operating system where it can
     * (no copy through the heap); done again whole on a channel opened anew.
     */
    private void copyOnce(long start, byte[] header, FileChannel source, long length) throws IOException {
        PositionalIo.writeFully(channel, start, ByteBuffer.wrap(header));
        FileChannel ch = channel;
        ch.position(start + header.length);
        for (long pos = 0; pos < length; ) {
            long n = source.transferTo(pos, Math.min(COPY_CHUNK, length - pos), ch);
            if (n <= 0) {
                throw new EOFException("the payload's file ends after " + pos + " of its " + length + " bytes");
            }
            pos += n;
        }
    }

    /**
     * Gives the buffers their place at the end of the pack without writing them yet: group
     * commit writes what many puts reserved in one call, just before its force, so that no put
     * waits in a write while a force is running.
     *
     * @param buffers the entries, headers and payloads, in order; held until written, so not to be reused
     * @param count   how many entries the buffers hold
     * @return the offset the buffers will be written at
     */
    public long reserve(ByteBuffer[] buffers, int count) {
        long start = end;
        for (ByteBuffer b : buffers) {
            end += b.remaining();
            reserved.add(b);
        }
        if (entries >= 0) {
            entries += count;
        }
        reservedEntries += count;
        return start;
    }

    /**
     * Writes every reserved buffer at its place. On failure the pack is cut back to the last
     * byte written before, so a failed write never leaves a partial entry in the file, and the
     * reserved buffers are given up: the puts they belong to fail, and a later write must not
     * put their entries in the pack behind the index's back.
     *
     * @throws IOException when the write fails, or a force of the pack failed before
     */
    public void writeReserved() throws IOException {
        checkForced();
        try {
            uninterruptible(() -> {
                writeReservedOnce();
                return null;
            });
        } catch (IOException e) {
            reserved.clear();
            end = written;
            if (entries >= 0) {
                entries -= reservedEntries;
            }
            reservedEntries = 0;
            throw e;
        }
    }

    private void writeReservedOnce() throws IOException {
        if (reserved.isEmpty()) {
            return;
        }
        ByteBuffer[] buffers = reserved.toArray(new ByteBuffer[0]);
        long total = end - written;
        FileChannel ch = channel;
        try {
            if (positioned != ch) {
                ch.position(written);
            }
            long n = 0;
            while (n < total) {
                n += ch.write(buffers);
            }
            positioned = ch;
            allocated = Math.max(allocated, end);
        } catch (IOException e) {
            positioned = null;
            try {
                channel.truncate(written);
                allocated = written;
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            for (ByteBuffer b : buffers) {
                b.rewind(); // for the write again on a channel reopened after an interrupt
            }
            throw e;
        }
        reserved.clear();
        reservedEntries = 0;
        written = end;
        writeAhead();
    }

    /**
     * Writes zeros ahead of the entries when they have reached the end of the file, unless more
     * than a sixteenth of the preallocation waits for the next force (see the class comment).
     * Only an optimisation: when the zeros cannot be written (a full disk), the file is cut back
     * to the entries and the writer goes on without them.
     */
    private void writeAhead() throws IOException {
        long unforced = written - forcedUpTo.get();
        if (preallocation == 0 || end < allocated || !geometry.isKnown() || unforced > preallocation / 16) {
            return;
        }
        long ahead = Math.min(geometry.dataAreaEnd(), end + preallocation);
        // counted before the write: one an interrupt cuts short may have lengthened the file
        // already, and close must still cut what it wrote
        allocated = ahead;
        try {
            PositionalIo.writeZeros(channel, end, ahead);
        } catch (ClosedChannelException e) {
            throw e; // an interrupt: the channel is reopened; the append itself is written
        } catch (IOException e) {
            positioned = null;
            channel.truncate(end);
            allocated = end;
        }
    }

    /**
     * Forces the pack's bytes to stable storage; puts whose durability mode asks for it are
     * acknowledged only once this returns.
     *
     * @throws IOException when the force fails, or one failed before
     */
    public void force() throws IOException {
        checkForced();
        uninterruptible(() -> {
            forceOnce();
            return null;
        });
    }

    /** Forces the channel, and keeps a failure for good: see the class comment. */
    private void forceOnce() throws IOException {
        // what is written while the force runs may not be covered: it stays unforced
        long covered = written;
        try {
            channel.force(false);
            forcedUpTo.accumulateAndGet(covered, Math::max);
        } catch (ClosedChannelException e) {
            throw e; // closed under the force (an interrupt): the force did not fail, it did not run
        } catch (IOException e) {
            forceFailed = e;
            throw e;
        }
    }

    /** @throws IOException when a force of this pack failed before: the pack takes no more writes */
    private void checkForced() throws IOException {
        IOException failed = forceFailed;
        if (failed != null) {
            throw new IOException(path + ": a force failed (" + failed.getMessage() + "), so what it should have made"
                    + " durable may be lost; the pack takes no more writes until the store is opened again", failed);
        }
    }

    /**
     * Closes the data area: EOF entry, then zero padding up to exactly the pack size, forced.
     * The pack takes no more entries afterwards.
     *
     * @throws IOException when the reserved buffers, the EOF entry or the padding cannot be written and forced
     */
    public void finish() throws IOException {
        checkForced();
        uninterruptible(() -> {
            finishOnce();
            return null;
        });
    }

    private void finishOnce() throws IOException {
        writeReservedOnce();
        long dataEnd = geometry.dataAreaEnd();
        if (!geometry.closes(end)) {
            throw new IllegalStateException(path + ": no room for the EOF entry at " + end);
        }
        PositionalIo.writeFully(channel, end, ByteBuffer.wrap(EntryHeader.eofAt(geometry, end).encode()));
        PositionalIo.writeZeros(channel, end + EntryHeader.LENGTH, dataEnd);
        forceOnce();
        end = dataEnd;
        written = dataEnd;
        allocated = dataEnd;
        finished = true;
    }

    /**
     * Runs channel work that an interrupt does not lose: see {@link Uninterruptibly#io}. The
     * work writes at fixed positions, so it is simply done again on the channel opened anew.
     */
    private void uninterruptible(Uninterruptibly.ChannelWork<Void> work) throws IOException {
        Uninterruptibly.io(work, this::reopen);
    }

    /**
     * Opens the pack again after an interrupt closed its channel, unless the pack was closed on
     * purpose; of two threads that met the same close, the second finds the channel open.
     */
    private synchronized void reopen(ClosedChannelException e) throws IOException {
        if (closed) {
            throw e;
        }
        if (!channel.isOpen()) {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** @return whether the pack is closed with its EOF entry, everything in it forced */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Closes the pack's channel for good: {@link #reopen} no longer replaces it. Zeros written
     * ahead of the entries are cut off first and the cut forced, so the pack is a plain v1 pack;
     * not after a failed force, when the pack takes no more changes (opening the store cuts them).
     *
     * @throws IOException when the zeros cannot be cut off; the channel is closed all the same
     */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        try (FileChannel ch = channel) {
            if (allocated > written && forceFailed == null && ch.isOpen()) {
                ch.truncate(written);
                ch.force(true);
                allocated = written;
            }
        }
    }
}
