package org.blobsfile.core.internal.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

    static byte[] formatValue() {
        return new byte[] {FORMAT_VERSION};
    }
}
