package org.blobsfile.core.internal.pack;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blobsfile.core.internal.io.PositionalIo;

/**
 * Walks the entries of one pack file in order, through {@link PackWalker}, and reports where its
 * structure breaks. It checks structure only (headers, flags, lengths); hashing is left to the
 * visitor, so a rebuild can skip it while recovery does it. Not thread-safe: one scanner per scan.
 */
public final class PackScanner {
    /** Read-ahead window: large enough that scanning small entries costs few system calls. */
    private static final int WINDOW = 1 << 20;

    /**
     * An entry header found in the pack, and where.
     *
     * @param offset offset of the 38-byte header
     * @param header the header, as decoded there
     */
    public record Entry(long offset, EntryHeader header) {
        /** @return the 32-byte hash field */
        public byte[] hash() {
            return header.hash();
        }

        /** @return the flag byte */
        public int flag() {
            return header.flag();
        }

        /** @return the codec id byte */
        public int codecId() {
            return header.codecId();
        }

        /** @return the size field: the payload length, or the padding length of an EOF entry */
        public long storedSize() {
            return header.size();
        }

        /** @return where the payload starts, just after the header */
        public long payloadOffset() {
            return offset + EntryHeader.LENGTH;
        }

        /** @return where the entry ends and the next one starts: after the payload, or the padding of an EOF entry */
        public long end() {
            return payloadOffset() + header.size();
        }
    }

    /**
     * Where the structure of a pack breaks.
     *
     * @param offset    where
     * @param reason    what is wrong there
     * @param endOfFile whether the file simply ends inside the entry, as a write cut short leaves it
     */
    public record Damage(long offset, String reason, boolean endOfFile) {
        Damage(long offset, String reason) {
            this(offset, reason, false);
        }
    }

    /**
     * Bytes of a pack in which a resynchronising scan found no entry that verifies.
     *
     * @param from where they start
     * @param to   where they end
     */
    public record Unreadable(long from, long to) {
    }

    /**
     * What a scan found.
     *
     * @param endOfEntries the offset after the last good blob entry
     * @param eof          the EOF entry, or null when the pack has none (it is active, or was filled exactly)
     * @param parity       the parity entries found after the data area
     * @param damage       the first structural damage, or null
     * @param unreadable   where a resynchronising scan found nothing that verifies, in file order
     * @param recovered    entries with a damaged header whose payload verified under another one
     */
    public record Result(long endOfEntries, Entry eof, List<Entry> parity, Damage damage, List<Unreadable> unreadable,
                         int recovered) {
        /**
         * The result of a scan that ended at its first damage.
         *
         * @param endOfEntries the offset after the last good blob entry
         * @param eof          the EOF entry, or null
         * @param parity       the parity entries
         * @param damage       the first structural damage, or null
         */
        public Result(long endOfEntries, Entry eof, List<Entry> parity, Damage damage) {
            this(endOfEntries, eof, parity, damage, List.of(), 0);
        }

        /** @return whether the pack has its EOF entry: its data area is closed and takes no more entries */
        public boolean hasEof() {
            return eof != null;
        }

        /**
         * @return where a run of unreadable bytes reaching the end of the scan starts (a torn
         *         tail, or damage nothing after verifies), or -1 when the entries reach the end
         */
        public long unreadableTail() {
            return eof == null && !unreadable.isEmpty() && unreadable.get(unreadable.size() - 1).from() >= endOfEntries
                    ? unreadable.get(unreadable.size() - 1).from() : -1;
        }
    }

    /** Receives the blob entries (flags 1 and 2) in file order. */
    public interface Visitor {
        /**
         * @param entry   the entry
         * @param scanner the scanner, to read the payload with if needed
         * @throws IOException what reading the payload threw; it ends the scan
         */
        void blob(Entry entry, PackScanner scanner) throws IOException;
    }

    /**
     * Payloads at least this long are skipped rather than read through the window, unless the
     * scan's visitor reads payloads: one small read per header then costs less than copying the
     * payload, and a scan that only wants the headers (a rebuild of plain blobs) no longer moves
     * every byte of the pack through memory. Copying is also what stops a rebuild on two cores
     * from scaling: with 16 KiB entries, skipping them made the scan 1.3&times; faster on two
     * threads and no slower on one.
     */
    public static final int SKIP_PAYLOAD = 8 * 1024;
    /** What a read past a skipped payload fetches: the header, a codec's length prefix, and more. */
    private static final int SPARSE_READ = 4096;

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final PackGeometry geometry;
    private final ByteBuffer window;
    private long windowStart;
    private int windowLength;
    /** How much the next window miss reads: the whole window, or a little after a large payload. */
    private int readAhead = WINDOW;
    /** Whether the visitor has read a whole payload: then payloads are read through, not skipped. */
    private boolean payloadsRead;

    /**
     * @param path        the pack, for messages
     * @param channel     an open channel on it
     * @param fileSize    its length
     * @param geometry    the store's pack geometry, or {@link PackGeometry#unknown} for a lone pack
     */
    public PackScanner(Path path, FileChannel channel, long fileSize, PackGeometry geometry) {
        this(path, channel, fileSize, geometry, newWindow());
    }

    /**
     * A scanner that reads through the caller's window, so a thread scanning many packs reuses one.
     *
     * @param path     the pack, for messages
     * @param channel  an open channel on it
     * @param fileSize its length
     * @param geometry the store's pack geometry, or {@link PackGeometry#unknown} for a lone pack
     * @param window a buffer of {@link #WINDOW} bytes, from {@link #newWindow} or
     *               {@link #newDirectWindow}; not shared with a scanner in use
     */
    public PackScanner(Path path, FileChannel channel, long fileSize, PackGeometry geometry, ByteBuffer window) {
        if (window.capacity() < WINDOW) {
            throw new IllegalArgumentException("a scan window needs " + WINDOW + " bytes, got " + window.capacity());
        }
        this.path = path;
        this.channel = channel;
        this.fileSize = fileSize;
        this.geometry = geometry;
        this.window = window;
    }

    /** What the entries of a pack's data area walk to, for a file at least as long as the data area. */
    public enum DataArea {
        /** The file is shorter than the data area, or the pack size is unknown: not walked. */
        SHORT,
        /**
         * Entries to exactly the pack size, no EOF entry. The Go writer leaves a pack so when a
         * blob fills it to the last byte; such a pack is closed (no entry fits after it) but has
         * no parity, and it never gets any: v1 readers take it as it is.
         */
        FULL_WITHOUT_EOF,
        /** Entries, then an EOF entry whose padding ends at the pack size: closed, and can be sealed. */
        CLOSED,
        /** Anything else: damage, or padding without its EOF entry. */
        BROKEN
    }

    /**
     * Walks the entry headers of a pack's data area once.
     *
     * @param path     the pack, for messages
     * @param channel  an open channel on it
     * @param geometry the store's pack geometry
     * @return what the data area holds
     * @throws IOException when the channel cannot be read
     */
    public static DataArea dataArea(Path path, FileChannel channel, PackGeometry geometry) throws IOException {
        if (!geometry.isKnown() || channel.size() < geometry.dataAreaEnd()) {
            return DataArea.SHORT;
        }
        Result r = new PackScanner(path, channel, geometry.dataAreaEnd(), geometry).scan(PackFormat.HEADER_SIZE, null);
        if (r.damage() != null) {
            return DataArea.BROKEN;
        }
        if (r.eof() != null) {
            return DataArea.CLOSED;
        }
        return r.endOfEntries() == geometry.dataAreaEnd() ? DataArea.FULL_WITHOUT_EOF : DataArea.BROKEN;
    }

    /**
     * The pack size a pack's EOF entry states: where its padding ends. Only an EOF entry says what
     * the pack size is; a pack whose entries fill it without one says nothing, since the last blob
     * may end anywhere up to the pack size.
     *
     * @param path    the pack, for messages
     * @param channel an open channel on it
     * @return the pack size, or -1 when the entries do not walk to an EOF entry
     * @throws IOException when the channel cannot be read
     */
    public static long packSizeFromEof(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < PackFormat.HEADER_SIZE) {
            return -1;
        }
        Result r = new PackScanner(path, channel, size, PackGeometry.unknown()).scan(PackFormat.HEADER_SIZE, null);
        return r.eof() != null && r.eof().end() > PackFormat.HEADER_SIZE ? r.eof().end() : -1;
    }

    /** @return a window on the heap, for scans too short to pay for native memory */
    static ByteBuffer newWindow() {
        return ByteBuffer.allocate(WINDOW);
    }

    /**
     * @return a window in native memory: the channel reads straight into it, where a heap window
     *         costs a second copy of every byte through the JDK's temporary buffer
     */
    public static ByteBuffer newDirectWindow() {
        return ByteBuffer.allocateDirect(WINDOW);
    }

    Path path() {
        return path;
    }

    /**
     * Reads and checks the 64-byte header.
     *
     * @return null when it is a v1 header, else what is wrong
     * @throws IOException when the channel cannot be read
     */
    public String headerProblem() throws IOException {
        byte[] h = new byte[PackFormat.HEADER_SIZE];
        int n = PositionalIo.readUpTo(channel, 0, h, PackFormat.HEADER_SIZE);
        return PackFormat.headerProblem(h, n);
    }

    /**
     * Scans entries from {@code from} (64 for a whole pack) to the end of the file.
     *
     * @param from    an entry boundary
     * @param visitor told of every blob entry, or null when only the structure matters
     * @return what was found; structural damage ends the scan and is reported there, not thrown
     * @throws IOException when the channel cannot be read, or the visitor throws
     */
    public Result scan(long from, Visitor visitor) throws IOException {
        return scan(from, null, visitor);
    }

    /**
     * Scans entries from {@code from} to the end of the file; with a check, it resynchronises
     * after a break in the structure instead of ending there (see {@link PackWalker}).
     *
     * @param from    an entry boundary
     * @param check   proves entries where the structure breaks (reading through {@link #source}),
     *                or null to end the scan at the first break
     * @param visitor told of every blob entry, recovered ones with the header that verifies; or null
     * @return what was found; structural damage is reported there, not thrown
     * @throws IOException when the channel cannot be read, or the visitor throws
     */
    public Result scan(long from, PackWalker.Check check, Visitor visitor) throws IOException {
        Result[] stopped = {null};
        Damage[] first = {null};
        long[] end = {from};
        List<Unreadable> unreadable = new ArrayList<>();
        int[] recovered = {0};
        long pos = PackWalker.walk(this::readFully, from, fileSize, geometry, check, new PackWalker.Steps() {
            @Override
            public void parsed(Entry e) {
                readAhead = e.storedSize() >= SKIP_PAYLOAD && !payloadsRead ? SPARSE_READ : WINDOW;
            }

            @Override
            public void blob(Entry e) throws IOException {
                end[0] = e.end();
                if (visitor != null) {
                    visitor.blob(e, PackScanner.this);
                }
            }

            @Override
            public void recovered(Entry e, EntryHeader found) throws IOException {
                recovered[0]++;
                blob(e);
            }

            @Override
            public void skipped(long a, long b) {
                unreadable.add(new Unreadable(a, b));
            }

            @Override
            public void eof(Entry e) throws IOException {
                stopped[0] = afterEof(e.offset(), e);
            }

            @Override
            public void broken(PackWalker.Break kind, long at, Entry e) {
                if (first[0] == null) {
                    first[0] = damage(kind, at, e);
                }
                if (check == null) {
                    stopped[0] = new Result(at, null, List.of(), first[0]);
                }
            }
        });
        Result r = stopped[0] != null ? stopped[0]
                : new Result(check == null ? pos : end[0], null, List.of(), null);
        if (check == null) {
            return r;
        }
        Damage damage = first[0] != null ? first[0] : r.damage();
        return new Result(r.eof() != null ? r.endOfEntries() : end[0], r.eof(), r.parity(), damage,
                List.copyOf(unreadable), recovered[0]);
    }

    /** @return where a check reads payloads from: this scan's window */
    public PackWalker.Source source() {
        return this::readFully;
    }

    /** @return the damage a break in the entries is to a scan: a write cut short when the file just ends */
    private Damage damage(PackWalker.Break kind, long at, Entry e) {
        return switch (kind) {
            case TRUNCATED_HEADER -> new Damage(at,
                    "truncated entry header (" + (fileSize - at) + " of " + EntryHeader.LENGTH + " bytes)", true);
            case PAST_LIMIT -> new Damage(at, "truncated payload: entry of "
                    + e.storedSize() + " bytes needs " + (e.end() - fileSize) + " more than the file has", true);
            case PAST_DATA_AREA -> new Damage(at, "entry of " + e.storedSize()
                    + " bytes runs past the pack size " + geometry.maxPackSize());
            case PARITY_BEFORE_EOF -> new Damage(at, "parity entry before the EOF entry");
            case UNKNOWN_FLAG -> new Damage(at, String.format("unknown entry flag 0x%02x", e.flag()));
            case IMPLAUSIBLE_EOF -> new Damage(at, "an EOF entry with a nonzero hash or codec id (a damaged flag byte)");
        };
    }

    private Result afterEof(long pos, Entry eof) throws IOException {
        long dataEnd = eof.end();
        if (geometry.isKnown() && dataEnd != geometry.dataAreaEnd()) {
            return new Result(pos, eof, List.of(), new Damage(pos, "EOF entry padding ends at " + dataEnd
                    + ", not at the pack size " + geometry.maxPackSize()));
        }
        if (dataEnd > fileSize) {
            return new Result(pos, eof, List.of(), new Damage(fileSize, "padding truncated: the file ends at "
                    + fileSize + ", the EOF entry says " + dataEnd));
        }
        List<Entry> parity = new ArrayList<>();
        long p = dataEnd;
        byte[] h = new byte[EntryHeader.LENGTH];
        while (p < fileSize && parity.size() < PackFormat.PARITY_SHARDS) {
            if (fileSize - p < EntryHeader.LENGTH) {
                return new Result(pos, eof, parity, new Damage(p, "truncated parity entry header"));
            }
            Entry e = readEntry(p, h);
            if (e.flag() != PackFormat.FLAG_PARITY) {
                return new Result(pos, eof, parity, new Damage(p,
                        String.format("expected a parity entry, found flag 0x%02x", e.flag())));
            }
            if (e.end() > fileSize) {
                return new Result(pos, eof, parity, new Damage(p, "truncated parity entry"));
            }
            parity.add(e);
            p = e.end();
        }
        if (p < fileSize) {
            return new Result(pos, eof, parity, new Damage(p, (fileSize - p) + " unexpected bytes after the parity entries"));
        }
        return new Result(pos, eof, parity, null);
    }

    private Entry readEntry(long pos, byte[] h) throws IOException {
        readFully(pos, h, 0, EntryHeader.LENGTH);
        return new Entry(pos, EntryHeader.decode(h, 0));
    }

    /**
     * Reads a whole payload; from then on this scan reads payloads through its window rather than
     * skipping them, since the visitor wants them.
     *
     * @param e an entry the scan found
     * @return the whole payload of {@code e}
     * @throws IOException when the payload cannot be read
     */
    public byte[] payload(Entry e) throws IOException {
        payloadsRead = true;
        byte[] out = new byte[Math.toIntExact(e.storedSize())];
        readFully(e.payloadOffset(), out, 0, out.length);
        return out;
    }

    /**
     * @param e   an entry the scan found
     * @param max how many bytes at most: enough for a codec to state the blob's length
     * @return up to {@code max} leading bytes of the payload of {@code e}
     * @throws IOException when the payload cannot be read
     */
    public byte[] payloadPrefix(Entry e, int max) throws IOException {
        byte[] out = new byte[(int) Math.min(max, e.storedSize())];
        readFully(e.payloadOffset(), out, 0, out.length);
        return out;
    }

    /** Reads through the window for small reads, straight from the channel for large ones. */
    void readFully(long pos, byte[] dst, int off, int len) throws IOException {
        if (len > WINDOW / 2) {
            readChannel(pos, dst, off, len);
            return;
        }
        if (pos < windowStart || pos + len > windowStart + windowLength) {
            windowStart = pos;
            windowLength = fill(pos, (int) Math.min(Math.max(readAhead, len), fileSize - pos));
            if (windowLength < len) {
                throw new EOFException(path + ": unexpected end of file at " + (pos + windowLength));
            }
        }
        window.get((int) (pos - windowStart), dst, off, len);
    }

    /** Reads up to {@code len} bytes at {@code pos} into the window, fewer only where the file ends. */
    private int fill(long pos, int len) throws IOException {
        window.clear().limit(len);
        return PositionalIo.readUpTo(channel, pos, window);
    }

    private void readChannel(long pos, byte[] dst, int off, int len) throws IOException {
        try {
            PositionalIo.readFully(channel, pos, dst, off, len);
        } catch (EOFException e) {
            throw new EOFException(path + ": " + e.getMessage());
        }
    }
}
