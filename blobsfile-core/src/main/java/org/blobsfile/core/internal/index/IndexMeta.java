package org.blobsfile.core.internal.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.blobsfile.core.internal.pack.DeletionLog;

/**
 * The meta values the store keeps in its index next to the blob keys, written in the same
 * batches as the keys so they can never disagree with them.
 */
public final class IndexMeta {
    /** Layout version of index values; an index with another one is rebuilt. */
    static final String FORMAT = "format";
    static final int FORMAT_VERSION = 1;
    /** "pack N is indexed up to offset X": recovery scans from here. */
    public static final String CHECKPOINT = "checkpoint";
    /** Distinct blobs, their bytes and stored bytes. */
    public static final String COUNTERS = "counters";
    /** How far the deletion log is applied, and the dead bytes it left in each pack. */
    public static final String DELETIONS = "deletions";

    private IndexMeta() {
    }

    /**
     * A recovery checkpoint.
     *
     * @param pack   the pack
     * @param offset every entry of {@code pack} before this offset, and of every earlier pack, is indexed
     */
    public record Checkpoint(int pack, long offset) {
        /** @return the 12-byte value stored under {@link IndexMeta#CHECKPOINT} */
        byte[] encode() {
            return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(pack).putLong(offset).array();
        }

        static Checkpoint decode(byte[] v) {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            return new Checkpoint(b.getInt(), b.getLong());
        }
    }

    /**
     * Totals over the distinct blobs in the index.
     *
     * @param blobs       how many
     * @param bytes       their lengths
     * @param storedBytes their payload lengths
     */
    public record Counters(long blobs, long bytes, long storedBytes) {
        /** The totals of an empty index, and what an index without recorded totals counts from. */
        public static final Counters ZERO = new Counters(0, 0, 0);

        /**
         * @param l where a blob not counted yet is
         * @return these totals with that blob added; a blob of unknown length (its codec is
         *         missing) adds to the count and the stored bytes only
         */
        public Counters plus(Location l) {
            return new Counters(blobs + 1, bytes + Math.max(0, l.size()), storedBytes + l.storedSize());
        }

        /**
         * @param l where a blob counted here is
         * @return these totals without that blob
         */
        public Counters minus(Location l) {
            return new Counters(blobs - 1, bytes - Math.max(0, l.size()), storedBytes - l.storedSize());
        }

        /**
         * @param o totals over other blobs, none of them counted here
         * @return the totals over both
         */
        Counters plus(Counters o) {
            return new Counters(blobs + o.blobs, bytes + o.bytes, storedBytes + o.storedBytes);
        }

        /** @return the 24-byte value stored under {@link IndexMeta#COUNTERS} */
        byte[] encode() {
            return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(blobs).putLong(bytes)
                    .putLong(storedBytes).array();
        }

        static Counters decode(byte[] v) {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            return new Counters(b.getLong(), b.getLong(), b.getLong());
        }
    }

    /**
     * What the deletion log has done to the index: how far it is applied, and the garbage it
     * left in the packs. Rebuilt from the log with the index.
     *
     * @param logApplied     the offset in the deletion log up to which its records are applied
     * @param generation     the generation of the deletion log that offset is in (see {@link DeletionLog#generation()})
     * @param compactions    packs rewritten by compaction
     * @param reclaimedBytes dead bytes compaction gave back
     * @param packs          per pack with dead entries: how many, and their bytes
     */
    public record Deletions(long logApplied, int generation, long compactions, long reclaimedBytes,
                            SortedMap<Integer, Garbage> packs) {
        /** An index to which no deletion was ever applied. */
        public static final Deletions NONE = new Deletions(DeletionLog.HEADER_SIZE, 0, 0, 0, new TreeMap<>());

        /**
         * Keeps the map from changing under a reader.
         *
         * @param logApplied     how far the log is applied
         * @param generation     the log's generation
         * @param compactions    packs rewritten
         * @param reclaimedBytes bytes given back
         * @param packs          garbage per pack
         */
        public Deletions {
            packs = Collections.unmodifiableSortedMap(new TreeMap<>(packs));
        }

        /** @return a builder that starts from these deletions, to apply records to one after another */
        public Applying applying() {
            return new Applying(this);
        }

        /** @return deleted blobs whose entries are still in packs */
        public long deletedBlobs() {
            long n = 0;
            for (Garbage g : packs.values()) {
                n += g.entries();
            }
            return n;
        }

        /** @return dead bytes in all packs */
        public long garbageBytes() {
            long n = 0;
            for (Garbage g : packs.values()) {
                n += g.bytes();
            }
            return n;
        }

        /** @return dead bytes per pack that has any */
        public SortedMap<Integer, Long> garbageByPack() {
            TreeMap<Integer, Long> out = new TreeMap<>();
            packs.forEach((p, g) -> out.put(p, g.bytes()));
            return out;
        }

        byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(32 + 20 * packs.size()).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(logApplied).putLong(compactions).putLong(reclaimedBytes).putInt(packs.size());
            packs.forEach((p, g) -> b.putInt(p).putLong(g.entries()).putLong(g.bytes()));
            // last, so that a value written before logs were pruned reads as generation 0
            b.putInt(generation);
            return b.array();
        }

        static Deletions decode(byte[] v) {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            long applied = b.getLong();
            long compactions = b.getLong();
            long reclaimed = b.getLong();
            int n = b.getInt();
            TreeMap<Integer, Garbage> packs = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                packs.put(b.getInt(), new Garbage(b.getLong(), b.getLong()));
            }
            int generation = b.remaining() >= 4 ? b.getInt() : 0;
            return new Deletions(applied, generation, compactions, reclaimed, packs);
        }
    }

    /**
     * Records of the deletion log applied one after another to {@link Deletions}, in one map
     * rather than a copy per record. Not thread-safe.
     */
    public static final class Applying {
        private long logApplied;
        private int generation;
        private long compactions;
        private long reclaimedBytes;
        private final TreeMap<Integer, Garbage> packs;

        private Applying(Deletions from) {
            this.logApplied = from.logApplied();
            this.generation = from.generation();
            this.compactions = from.compactions();
            this.reclaimedBytes = from.reclaimedBytes();
            this.packs = new TreeMap<>(from.packs());
        }

        /**
         * @param r   a record of the log
         * @param end the offset just after it
         * @return this builder, with the record applied
         */
        public Applying apply(DeletionLog.Record r, long end) {
            switch (r.kind()) {
                case DELETED -> packs.merge(r.pack(), new Garbage(1, r.bytes()), Garbage::plus);
                case COMPACTED -> {
                    packs.remove(r.pack());
                    compactions++;
                    reclaimedBytes += r.bytes();
                }
                case PRUNED -> {
                    compactions += r.compactions();
                    reclaimedBytes += r.bytes();
                    generation = r.pack();
                }
            }
            logApplied = end;
            return this;
        }

        /**
         * @param end the offset in the log up to which its records are applied (past damaged slots too)
         * @return this builder, applied that far
         */
        public Applying upTo(long end) {
            logApplied = end;
            return this;
        }

        /**
         * @param generation the generation of the log whose offsets {@link #upTo} names from now on
         * @return this builder, following that log
         */
        public Applying generation(int generation) {
            this.generation = generation;
            return this;
        }

        /** @return the deletions with every record applied */
        public Deletions done() {
            return new Deletions(logApplied, generation, compactions, reclaimedBytes, packs);
        }
    }

    /**
     * The dead entries of one pack.
     *
     * @param entries how many
     * @param bytes   their bytes, headers included
     */
    public record Garbage(long entries, long bytes) {
        Garbage plus(Garbage o) {
            return new Garbage(entries + o.entries, bytes + o.bytes);
        }
    }

    static byte[] formatValue() {
        return new byte[] {FORMAT_VERSION};
    }
}
