package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.io.PositionalIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's deletions, in the file {@value #FILE_NAME} beside the packs, which v1 tools never
 * look at: an append-only list of fixed 64-byte records, each with its own checksum. The packs
 * keep a deleted blob's bytes until compaction; this file is what makes them dead, for every
 * rebuild of the index and every switch of index plugin.
 *
 * <p>A deletion names a position in the order of appends (a pack and an offset in it): every
 * entry of the blob appended before it is dead, and one appended after it (the same bytes put
 * again) is not. So a deletion covers every copy of the blob the packs hold when it is made,
 * wherever a rebuild or a compaction finds them, and never a later put.
 *
 * <p>Once compaction has emptied the packs that held a deleted blob, its deletion may be needed no
 * more; a pruning then writes a shorter log beside this one, which replaces it whole and begins
 * with a {@link Kind#PRUNED} record: the log's generation, and what the records it dropped counted.
 * Offsets into the log mean something within one generation; between two, that record says where
 * the old log's end is in the new one.
 *
 * <p>Records sit at fixed offsets, so a torn or damaged record costs that record only: a reader
 * skips a slot whose checksum fails, and an append after a torn tail starts at the next slot. A
 * damaged header costs nothing either, while records still verify; the next append rewrites it.
 * One thread appends at a time; readers may read meanwhile, and see the records whose append
 * had returned when their read began.
 */
public final class DeletionLog {
    private static final Logger LOG = LoggerFactory.getLogger(DeletionLog.class);
    /** The file's name in the store directory. */
    public static final String FILE_NAME = "deletions.log";
    /**
     * Generations count seconds from here at least, in seconds since the epoch: 2026-01-01T00:00:00Z
     * (a number, since parsing the date would set up the date-time parser at every open).
     */
    static final long GENERATIONS_FROM = 1_767_225_600L;
    /** The suffix of a pruned log written beside the log before it replaces it; one a crash left is removed at open. */
    public static final String REWRITE_SUFFIX = ".pruning";
    /** Bytes before the first record. */
    public static final int HEADER_SIZE = 16;
    /** Bytes per record. */
    public static final int RECORD_SIZE = 64;
    private static final byte[] MAGIC = "BFDELETE".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int CHECKED = 60;
    /** Records read in one go. */
    private static final int READ_RECORDS = 1024;

    /** What a record says. */
    public enum Kind {
        /** A blob was deleted. */
        DELETED(1),
        /** A pack was rewritten by compaction, its dead bytes given back. */
        COMPACTED(2),
        /**
         * The first record of a pruned log: the compactions and bytes given back that the
         * records pruned from it counted, and the log's generation (a number that grows at each
         * pruning) with that of the log it replaced.
         */
        PRUNED(3);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * One record.
     *
     * @param kind      what it says
     * @param hash      the deleted blob's hash; 32 zero bytes for {@link Kind#COMPACTED}
     * @param pack      the pack the deleted blob's indexed entry was in, or the compacted pack
     * @param bytes     that entry's bytes (header and payload), or the bytes the compaction gave back
     * @param endPack   with {@code endOffset}, the position before which every entry of the blob is dead
     * @param endOffset see {@code endPack}
     */
    public record Record(Kind kind, byte[] hash, int pack, long bytes, int endPack, long endOffset) {
        /**
         * @param hash      the blob's hash
         * @param pack      the pack its indexed entry is in
         * @param bytes     that entry's bytes, header included
         * @param endPack   the pack appends had reached when it was deleted
         * @param endOffset the offset appends had reached in {@code endPack}
         * @return a deletion record
         */
        public static Record deleted(byte[] hash, int pack, long bytes, int endPack, long endOffset) {
            return new Record(Kind.DELETED, hash.clone(), pack, bytes, endPack, endOffset);
        }

        /**
         * @param pack      the rewritten pack
         * @param reclaimed the dead bytes it no longer holds
         * @return a compaction record
         */
        public static Record compacted(int pack, long reclaimed) {
            return new Record(Kind.COMPACTED, new byte[32], pack, reclaimed, 0, 0);
        }

        /**
         * @param generation     the new log's generation, a number that grows at each pruning
         * @param previousGeneration the generation of the log it replaces
         * @param compactions    the compactions the pruned records counted
         * @param reclaimedBytes the bytes they gave back
         * @param previousEnd    where the log it replaced ended
         * @param resumeAt       where the same point is in the new log: the records after it were
         *                       appended after the pruning
         * @return the record that begins a pruned log; its {@code pack} is the generation,
         *         {@code bytes} the bytes given back, {@code endOffset} the compactions, and
         *         the hash field holds the two offsets (8 bytes each, little-endian), the
         *         previous generation (4 bytes), then zeros
         */
        public static Record pruned(int generation, int previousGeneration, long compactions, long reclaimedBytes,
                                    long previousEnd, long resumeAt) {
            byte[] offsets = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putLong(previousEnd)
                    .putLong(resumeAt).putInt(previousGeneration).array();
            return new Record(Kind.PRUNED, offsets, generation, reclaimedBytes, 0, compactions);
        }

        /** @return for a {@link Kind#PRUNED} record, the generation of the log it replaced */
        public int previousGeneration() {
            return ByteBuffer.wrap(hash).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        }

        /** @return for a {@link Kind#PRUNED} record, the compactions the records it dropped counted */
        public long compactions() {
            return kind == Kind.PRUNED ? endOffset : 0;
        }

        /** @return for a {@link Kind#PRUNED} record, where the log it replaced ended */
        public long previousEnd() {
            return ByteBuffer.wrap(hash).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        }

        /** @return for a {@link Kind#PRUNED} record, the offset in this log that {@link #previousEnd} became */
        public long resumeAt() {
            return ByteBuffer.wrap(hash).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
        }

        /**
         * @param entryPack   the pack of an entry of this record's blob
         * @param entryOffset the entry's offset in it
         * @return whether this deletion makes that entry dead: it was appended before the deletion
         */
        public boolean covers(int entryPack, long entryOffset) {
            return kind == Kind.DELETED && PackFormat.isBefore(entryPack, entryOffset, endPack, endOffset);
        }

        byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) kind.code).put(new byte[3]).putInt(pack).putLong(bytes).putInt(endPack).putLong(endOffset)
                    .put(hash);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 0, CHECKED);
            b.putInt((int) crc.getValue());
            return b.array();
        }

        /** @return the record in {@code slot}, or null when its checksum or kind is wrong (torn, damaged, never written) */
        static Record decode(ByteBuffer slot) {
            ByteBuffer b = slot.slice().order(ByteOrder.LITTLE_ENDIAN);
            byte[] raw = new byte[RECORD_SIZE];
            b.get(raw);
            CRC32C crc = new CRC32C();
            crc.update(raw, 0, CHECKED);
            ByteBuffer r = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            if (r.getInt(CHECKED) != (int) crc.getValue()) {
                return null;
            }
            Kind kind = Kind.of(raw[0]);
            if (kind == null) {
                return null;
            }
            return new Record(kind, Arrays.copyOfRange(raw, 28, 60), r.getInt(4), r.getLong(8), r.getInt(16),
                    r.getLong(20));
        }
    }

    /** Told of each record read. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * @param record the record
         * @param end    the offset just after it: where a reader that has applied it goes on
         * @throws IOException to stop the read
         */
        void visit(Record record, long end) throws IOException;
    }

    private final Path file;
    /** Where the next record goes: the end of the last whole slot, or {@link #HEADER_SIZE} for an empty log. */
    private volatile long end;
    /** The first record, when the log was pruned: see {@link #generation()}. */
    private volatile Record pruning;
    /** Whether the file holds nothing readable: the first append moves it aside and starts a new one. */
    private boolean unreadable;
    /** Whether the header on disk is damaged: the next append writes it again. */
    private boolean headerDamaged;
    /** Whether the directory was not forced after a new log was renamed into place. */
    private boolean renameUnforced;

    private DeletionLog(Path file, long end) {
        this.file = file;
        this.end = end;
    }

    /**
     * Opens the log of the store in {@code dir}, which need not have one yet: the file is made
     * by the first append.
     *
     * @param dir the store directory
     * @return the log
     * @throws IOException when the file is there but is not a deletion log (a header that is not
     *                     this version's, and no record that verifies), or cannot be read
     */
    public static DeletionLog open(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return new DeletionLog(file, HEADER_SIZE);
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file: the store's deletions cannot be read from it");
        }
        // one channel for the size and the reads: a pruning beside a read-only open renames another file in
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_SIZE + RECORD_SIZE) {
                // a crash while the header or the first record was written: no record had been
                // acknowledged yet, and a torn first slot kept, the one that says the log's generation
                // once it is pruned, would stop every pruning
                return new DeletionLog(file, HEADER_SIZE);
            }
            long records = (size - HEADER_SIZE + RECORD_SIZE - 1) / RECORD_SIZE;
            DeletionLog log = new DeletionLog(file, HEADER_SIZE + records * RECORD_SIZE);
            ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            PositionalIo.readFully(ch, 0, h);
            byte[] magic = Arrays.copyOf(h.array(), MAGIC.length);
            if (!Arrays.equals(magic, MAGIC) || h.getInt(8) != VERSION || h.getInt(12) != RECORD_SIZE) {
                // each record carries its own checksum, so a damaged header costs nothing while records
                // still verify; a file none of whose records verifies is another format, never guessed at
                if (records == 0 || !log.anyRecordVerifies(ch)) {
                    // nothing here reads as a deletion: a header a power cut took before the first
                    // force (no record after it was ever acknowledged), or a file that is no log;
                    // the store starts a new log, and the first deletion moves this one aside
                    LOG.warn("{}: no deletion in it can be read (its header is damaged and no record verifies); it"
                            + " is moved aside with the next deletion, and a new log begins", file);
                    DeletionLog fresh = new DeletionLog(file, HEADER_SIZE);
                    fresh.unreadable = true;
                    return fresh;
                }
                LOG.warn("{}: the header is damaged; its records are read by their checksums, and the header is"
                        + " written again with the next deletion", file);
                log.headerDamaged = true;
            }
            log.pruning = pruning(ch);
            return log;
        }
    }

    /**
     * @param ch a deletion log
     * @return its generation: that of its first record when that says it was pruned, else 0
     * @throws IOException when the file cannot be read
     */
    public static int generation(FileChannel ch) throws IOException {
        Record r = pruning(ch);
        return r != null ? r.pack() : 0;
    }

    /** @return the first record when it says the log was pruned, else null */
    private static Record pruning(FileChannel ch) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(RECORD_SIZE);
        if (PositionalIo.readUpTo(ch, HEADER_SIZE, first) < RECORD_SIZE) {
            return null;
        }
        first.flip();
        Record r = Record.decode(first);
        return r != null && r.kind() == Kind.PRUNED ? r : null;
    }

    /** @return whether some record of the file passes its checksum */
    private boolean anyRecordVerifies(FileChannel ch) throws IOException {
        boolean[] found = {false};
        slots(ch, HEADER_SIZE, end, (r, at) -> {
            found[0] = r != null;
            return !found[0];
        });
        return found[0];
    }

    /** Told of each whole slot read. */
    @FunctionalInterface
    private interface SlotVisitor {
        /**
         * @param record the slot's record, or null when its checksum or kind is wrong
         * @param at     the slot's offset
         * @return whether to read on
         */
        boolean slot(Record record, long at) throws IOException;
    }

    /**
     * Reads the slots from {@code from} to {@code upTo} in order.
     *
     * @return whether the file ends inside a slot: a record torn by a crash, never acknowledged
     */
    private static boolean slots(FileChannel ch, long from, long upTo, SlotVisitor visitor) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(READ_RECORDS * RECORD_SIZE);
        for (long pos = from; pos < upTo; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), upTo - pos));
            int n = PositionalIo.readUpTo(ch, pos, buf);
            for (int i = 0; i < n / RECORD_SIZE; i++) {
                buf.position(i * RECORD_SIZE);
                if (!visitor.slot(Record.decode(buf), pos + (long) i * RECORD_SIZE)) {
                    return false;
                }
            }
            if (n < buf.limit()) {
                return n % RECORD_SIZE != 0;
            }
            pos += n;
        }
        return false;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return where the next record goes; {@link #HEADER_SIZE} when there is none */
    public long end() {
        return end;
    }

    /**
     * @return how often the log was pruned: 0 for a log that only ever grew. A pruned log is
     *         shorter than the one it replaced, so its copies are told apart by generation first
     */
    public int generation() {
        Record r = pruning;
        return r != null ? r.pack() : 0;
    }

    /**
     * @return the record that begins the log when it was pruned, which says where the log it
     *         replaced ended and where that point is in this one; null for a log never pruned
     */
    public Record pruning() {
        return pruning;
    }

    /** @return whether the log holds nothing readable, so it is moved aside by the next append */
    public boolean isUnreadable() {
        return unreadable;
    }

    /** @return whether no record was ever appended */
    public boolean isEmpty() {
        return end == HEADER_SIZE;
    }

    /**
     * Appends records, without forcing them.
     *
     * @param records what to append
     * @return the offset after the last of them
     * @throws IOException when the file cannot be written
     */
    public synchronized long append(List<Record> records) throws IOException {
        if (records.isEmpty()) {
            return end;
        }
        forceRename();
        if (unreadable) {
            Path aside = file.resolveSibling(FILE_NAME + ".unreadable-" + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("{} moved to {}: a new deletion log begins", file, aside.getFileName());
            unreadable = false;
        }
        boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        ByteBuffer all = ByteBuffer.allocate(records.size() * RECORD_SIZE);
        for (Record r : records) {
            all.put(r.encode());
        }
        all.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (ch.size() < HEADER_SIZE || headerDamaged) {
                PositionalIo.writeFully(ch, 0, header());
            }
            PositionalIo.writeFully(ch, end, all);
        }
        headerDamaged = false;
        if (created) {
            Fsync.directory(file.getParent()); // the records are lost with the file's name otherwise
        }
        end += (long) records.size() * RECORD_SIZE;
        return end;
    }

    /**
     * A shorter log written beside this one ({@value #REWRITE_SUFFIX}), which replaces it whole
     * once complete ({@link #replaceWith}); closing one that did not replace the log removes it.
     */
    public final class Rewrite implements AutoCloseable {
        private final Path temp;
        private final FileChannel out;
        /** The first slot is kept for the {@link Kind#PRUNED} record, written when the rest is known. */
        private long written = HEADER_SIZE + RECORD_SIZE;
        private boolean placed;

        private Rewrite() throws IOException {
            temp = file.resolveSibling(FILE_NAME + REWRITE_SUFFIX);
            out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            try {
                PositionalIo.writeFully(out, 0, header());
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        /**
         * @param r a record the new log keeps, in the order of the old one
         * @throws IOException when the file cannot be written
         */
        public void add(Record r) throws IOException {
            PositionalIo.writeFully(out, written, ByteBuffer.wrap(r.encode()));
            written += RECORD_SIZE;
        }

        /** Removes the file unless it replaced the log. */
        @Override
        public void close() throws IOException {
            out.close();
            if (!placed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * @return a new, empty log beside this one, to fill with the records to keep
     * @throws IOException when it cannot be made
     */
    public Rewrite rewrite() throws IOException {
        return new Rewrite();
    }

    /**
     * Replaces this log with {@code rewrite}, after copying to it as they are the slots appended
     * here from {@code from} on (while it was written). The new log is forced before it takes the
     * log's name, so a crash leaves one or the other whole. The caller holds appends back.
     *
     * @param rewrite        the new log
     * @param from           the offset in this log up to which {@code rewrite} already holds what it keeps
     * @param compactions    the compactions the records left out counted
     * @param reclaimedBytes the bytes they gave back
     * @param atLeast        the least generation the new log may have: one no index applied
     * @throws IOException when a file cannot be read, written or renamed: the log is then as it was
     *                     (the new log in place, a failed force of the directory is retried later)
     */
    public synchronized void replaceWith(Rewrite rewrite, long from, long compactions, long reclaimedBytes,
                                         int atLeast) throws IOException {
        if (from < end) {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long pos = from; pos < end; ) {
                    long n = in.transferTo(pos, end - pos, rewrite.out.position(rewrite.written + pos - from));
                    if (n <= 0) {
                        throw new IOException(file + " ends before offset " + end);
                    }
                    pos += n;
                }
            }
            rewrite.written += end - from;
        }
        Record first = Record.pruned(nextGeneration(atLeast), generation(), compactions, reclaimedBytes, end,
                rewrite.written);
        PositionalIo.writeFully(rewrite.out, HEADER_SIZE, ByteBuffer.wrap(first.encode()));
        rewrite.out.force(false);
        Files.move(rewrite.temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // the new file is the log from here on, even if the directory's force fails: the next
        // append or force tries it again, or a power cut could bring the old log back under them
        rewrite.placed = true;
        end = rewrite.written;
        pruning = first;
        headerDamaged = false;
        unreadable = false;
        renameUnforced = true;
        try {
            forceRename();
        } catch (IOException e) {
            // the new log is in place and is what the index must now follow: the next append or force,
            // before anything is acknowledged, forces the directory again
            LOG.warn("{}: the directory was not forced after the pruned log took its place: {}", file, e.getMessage());
        }
    }

    private synchronized void forceRename() throws IOException {
        if (renameUnforced) {
            Fsync.directory(file.getParent());
            renameUnforced = false;
        }
    }

    /**
     * @return the generation of a new log: one more than this one's and at least {@code atLeast},
     *         and no less than the seconds since {@link #GENERATIONS_FROM}, so that a log whose
     *         first record was damaged (and so reads as generation 0) never repeats an earlier
     *         generation, which an index kept from then would take for its own
     */
    private int nextGeneration(int atLeast) {
        long seconds = Math.max(0, Instant.now().getEpochSecond() - GENERATIONS_FROM);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(Math.max(generation() + 1L, atLeast), seconds));
    }

    private static ByteBuffer header() {
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(VERSION).putInt(RECORD_SIZE).flip();
        return h;
    }

    /**
     * Forces what was appended to the disk.
     *
     * @throws IOException when the force fails: the records may be lost
     */
    public void force() throws IOException {
        if (isEmpty()) {
            return;
        }
        forceRename();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(false);
        }
    }

    /**
     * Reads the records from {@code from} to the end, in order. A slot whose checksum fails is
     * skipped and logged.
     *
     * @param from    {@link #HEADER_SIZE}, or an offset a reader got from {@link Visitor#visit}
     * @param visitor told of each record
     * @return how many slots were skipped as damaged
     * @throws IOException when the file cannot be read, or the visitor throws
     */
    public long read(long from, Visitor visitor) throws IOException {
        if (from < HEADER_SIZE || (from - HEADER_SIZE) % RECORD_SIZE != 0) {
            throw new IllegalArgumentException("not a record's offset in " + file + ": " + from);
        }
        long upTo = end;
        if (from >= upTo) {
            return 0;
        }
        long[] skipped = {0};
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            boolean torn = slots(ch, from, upTo, (r, at) -> {
                if (r == null) {
                    skipped[0]++;
                    LOG.warn("{}: the record at offset {} is damaged; skipped", file, at);
                } else {
                    visitor.visit(r, at + RECORD_SIZE);
                }
                return true;
            });
            if (torn) {
                skipped[0]++;
            }
        } catch (NoSuchFileException gone) {
            return 0;
        }
        return skipped[0];
    }
}
