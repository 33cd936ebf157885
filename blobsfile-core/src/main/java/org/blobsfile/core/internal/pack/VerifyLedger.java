package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.io.PositionalIo;

/**
 * {@code verify.ledger}: when each pack was last verified, and what was found. v1 tools ignore
 * the file (it is not named like a pack), and the store needs none of it to serve a blob: it
 * orders verification, the packs never verified first, then the one verified longest ago, so that
 * bounded runs of {@code verify} and the background scrub cover every pack before reading one
 * again.
 *
 * <p>The file is a sequence of fixed {@value #RECORD_SIZE}-byte records, each with its own
 * checksum, appended and never changed in place. Every append is one write to a channel opened
 * with {@code APPEND}, so two processes appending at once (a writer's scrub and a read-only
 * {@code verify}) never interleave or overwrite each other's records. A record that fails its
 * checksum (torn by a crash, or garbage) is skipped, and reading resynchronises on the next
 * offset where a whole record verifies. Losing a record costs nothing but an earlier second
 * check of its pack, so records are not forced.
 *
 * <p>Thread-safe: readers and appenders of this object take its monitor.
 */
public final class VerifyLedger {
    /** The file's name in the store directory. */
    public static final String FILE_NAME = "verify.ledger";
    /** Bytes in one record. */
    public static final int RECORD_SIZE = 32;
    /** The file is rewritten with the latest record per pack once it holds this many records per pack. */
    private static final int COMPACT_FACTOR = 8;
    /** ... and at least this many records, so small stores do not rewrite it all the time. */
    private static final int COMPACT_LEAST = 4096;
    private static final byte[] MAGIC = "BFV1".getBytes(StandardCharsets.US_ASCII);
    private static final int PACK_OFFSET = 4;
    private static final int TIME_OFFSET = 8;
    private static final int BYTES_OFFSET = 16;
    private static final int RESULT_OFFSET = 24;
    private static final int CRC_OFFSET = 28;
    private static final byte CLEAN = 0;
    private static final byte DAMAGED = 1;

    /**
     * One pack's verification.
     *
     * @param pack   the pack number
     * @param millis when it was checked, in milliseconds since the epoch
     * @param bytes  bytes read to check it
     * @param clean  whether nothing was found
     * @param seq    its place among the records read: later records are more recent at equal times
     */
    public record Verification(int pack, long millis, long bytes, boolean clean, long seq) {
    }

    private final Path file;
    /** The latest record of each pack read so far. */
    private final Map<Integer, Verification> latest = new HashMap<>();
    /** How far the file has been read, and which file that was: reading goes on from there. */
    private long readTo;
    private Object readKey;
    private long seq;
    private long records;

    /** @param dir the store directory */
    public VerifyLedger(Path dir) {
        this.file = dir.resolve(FILE_NAME);
    }

    /** @return the ledger file */
    public Path file() {
        return file;
    }

    /**
     * Appends one pack's result with one write, and notes it here.
     *
     * @param pack   the pack number
     * @param millis when it was checked
     * @param bytes  bytes read to check it
     * @param clean  whether nothing was found
     * @throws IOException when the record cannot be written (a read-only directory, a full disk)
     */
    public synchronized void append(int pack, long millis, long bytes, boolean clean) throws IOException {
        ByteBuffer b = encode(pack, millis, bytes, clean);
        boolean created = false;
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
            created = true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                // a FIFO would block the open for good, and a device is no ledger: never opened
                throw new IOException(file + " is not a regular file", e);
            }
            ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        }
        try (FileChannel c = ch) {
            int n = c.write(b);
            if (n != RECORD_SIZE) {
                // a short write to a local file means the disk is full: what went is a torn record
                throw new IOException(file + ": only " + n + " of " + RECORD_SIZE + " bytes of a record were written");
            }
        } catch (IOException e) {
            try {
                if (created && Files.size(file) == 0) {
                    // a full disk: the file this append made would be all it left, so it goes too
                    Files.deleteIfExists(file);
                }
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Reads what other processes (or this one) appended since the last call.
     *
     * @return the latest verification of each pack, by pack number
     * @throws IOException when the file exists and cannot be read
     */
    public synchronized Map<Integer, Verification> latest() throws IOException {
        refresh();
        return Map.copyOf(latest);
    }

    /**
     * Orders packs for verification: those never verified first, by number, then by when they
     * were last verified, longest ago first (the record read first first, at equal times).
     *
     * @param packs       the packs to order
     * @param latest      the latest verification of each pack
     * @param nowMillis   the time now
     * @param olderThanMs leave out the packs verified less than this many milliseconds ago; 0 keeps every pack
     * @return the packs to check, in order
     */
    public static List<Integer> order(List<Integer> packs, Map<Integer, Verification> latest, long nowMillis,
                                      long olderThanMs) {
        List<Integer> never = new ArrayList<>();
        List<Verification> seen = new ArrayList<>();
        for (int p : packs) {
            Verification v = latest.get(p);
            if (v == null) {
                never.add(p);
            } else if (olderThanMs <= 0 || nowMillis - v.millis() >= olderThanMs) {
                seen.add(v);
            }
        }
        never.sort(Comparator.naturalOrder());
        seen.sort(Comparator.comparingLong(Verification::millis).thenComparingLong(Verification::seq)
                .thenComparingInt(Verification::pack));
        List<Integer> out = new ArrayList<>(never);
        for (Verification v : seen) {
            out.add(v.pack());
        }
        return out;
    }

    /**
     * Rewrites the file with the latest record of each pack when it has grown to many more
     * records than there are packs: a scrub that runs for years appends without end. Only a
     * store that holds the directory for writing calls this; a record another process appends
     * while the copy is made can be lost, which costs an earlier second check of its pack.
     *
     * @param packs the store's pack count
     * @return whether the file was rewritten
     * @throws IOException when the copy cannot be written or renamed into place
     */
    public synchronized boolean compactIfLarge(int packs) throws IOException {
        refresh();
        if (records < Math.max(COMPACT_LEAST, (long) COMPACT_FACTOR * packs)) {
            return false;
        }
        List<Verification> keep = new ArrayList<>(latest.values());
        keep.sort(Comparator.comparingLong(Verification::seq));
        ByteBuffer all = ByteBuffer.allocate(keep.size() * RECORD_SIZE);
        for (Verification v : keep) {
            all.put(encode(v.pack(), v.millis(), v.bytes(), v.clean()));
        }
        Fsync.writeAtomically(file, all.array());
        latest.clear();
        readTo = 0;
        readKey = null;
        records = 0;
        refresh();
        return true;
    }

    /** Reads the records appended since the last read; reads the file again from the start when it was replaced. */
    private void refresh() throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isRegularFile()) {
            return;
        }
        Object key = attrs.fileKey();
        if (attrs.size() < readTo || !Objects.equals(key, readKey)) {
            // a compaction renamed a new file over it: its records are the latest, read them all
            latest.clear();
            readTo = 0;
            records = 0;
            readKey = key;
        }
        if (attrs.size() - readTo < RECORD_SIZE) {
            return; // nothing whole appended since: stats and every JMX read ask, and the file need not be opened
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate(64 * RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            long pos = readTo;
            while (size - pos >= RECORD_SIZE) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), size - pos));
                int n = PositionalIo.readUpTo(ch, pos, buf);
                if (n < RECORD_SIZE) {
                    break;
                }
                int at = 0;
                while (n - at >= RECORD_SIZE) {
                    Verification v = decode(buf, at);
                    if (v == null) {
                        at++; // torn or garbage: the next whole record may start at any byte
                    } else {
                        note(v);
                        records++;
                        at += RECORD_SIZE;
                    }
                }
                pos += at;
            }
            readTo = pos; // a record being appended now is read whole next time
        }
    }

    private void note(Verification v) {
        Verification withSeq = new Verification(v.pack(), v.millis(), v.bytes(), v.clean(), seq++);
        latest.put(v.pack(), withSeq);
    }

    private static ByteBuffer encode(int pack, long millis, long bytes, boolean clean) {
        ByteBuffer b = ByteBuffer.allocate(RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(PACK_OFFSET, pack).putLong(TIME_OFFSET, millis).putLong(BYTES_OFFSET, bytes)
                .put(RESULT_OFFSET, clean ? CLEAN : DAMAGED);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, CRC_OFFSET);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
        b.position(0).limit(RECORD_SIZE);
        return b;
    }

    /** @return the record at {@code at} of the buffer, or null when it is not a whole, intact record */
    private static Verification decode(ByteBuffer buf, int at) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (buf.get(at + i) != MAGIC[i]) {
                return null;
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), buf.arrayOffset() + at, CRC_OFFSET);
        if ((int) crc.getValue() != buf.getInt(at + CRC_OFFSET)) {
            return null;
        }
        byte result = buf.get(at + RESULT_OFFSET);
        int pack = buf.getInt(at + PACK_OFFSET);
        if (pack < 0 || result != CLEAN && result != DAMAGED) {
            return null;
        }
        return new Verification(pack, buf.getLong(at + TIME_OFFSET), buf.getLong(at + BYTES_OFFSET), result == CLEAN, 0);
    }
}
