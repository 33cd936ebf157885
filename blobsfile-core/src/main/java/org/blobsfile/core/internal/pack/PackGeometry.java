package org.blobsfile.core.internal.pack;

/**
 * Where things are in the packs of one store, all derived from its pack size: the data area, the
 * Reed-Solomon shards over it, the parity entries after it, and the rollover rule. The one place
 * that does this arithmetic, so that no reader recomputes the shard size its own way (the format
 * says {@code ceil(max / 10)}; {@code max / 10} is wrong whenever max is not a multiple of 10).
 * Immutable and thread-safe.
 */
public final class PackGeometry {
    private static final PackGeometry UNKNOWN = new PackGeometry(0);

    private final long maxPackSize;
    private final long shardSize;

    private PackGeometry(long maxPackSize) {
        this.maxPackSize = maxPackSize;
        this.shardSize = (maxPackSize + PackFormat.DATA_SHARDS - 1) / PackFormat.DATA_SHARDS;
    }

    /**
     * The geometry of a store whose packs are {@code maxPackSize} bytes.
     *
     * @param maxPackSize the pack size, positive
     * @return its geometry
     */
    public static PackGeometry of(long maxPackSize) {
        if (maxPackSize <= 0) {
            throw new IllegalArgumentException("the pack size must be positive, got " + maxPackSize);
        }
        return new PackGeometry(maxPackSize);
    }

    /**
     * The geometry of packs read without knowing the store's pack size, as a lone pack file is:
     * {@link #isKnown} is false and only the checks that need no pack size apply.
     *
     * @return the unknown geometry
     */
    public static PackGeometry unknown() {
        return UNKNOWN;
    }

    /** @return whether the pack size is known */
    public boolean isKnown() {
        return maxPackSize > 0;
    }

    /** @return the pack size, or 0 when unknown */
    public long maxPackSize() {
        return maxPackSize;
    }

    /** @return where the data area of a pack ends: the EOF entry's padding reaches exactly this far */
    public long dataAreaEnd() {
        return maxPackSize;
    }

    /** @return the size of each Reed-Solomon shard of a sealed pack: {@code ceil(max / 10)} */
    public long shardSize() {
        return shardSize;
    }

    /**
     * @param offset an offset in the data area
     * @return the data shard it lies in, 0 to 9
     */
    public int dataShardOf(long offset) {
        return (int) (offset / shardSize);
    }

    /**
     * @param shard a data shard, 0 to 9
     * @return the offset in the data area where it starts
     */
    public long dataShardStart(int shard) {
        return shard * shardSize;
    }

    /** @return the length of a sealed pack: the data area plus two parity entries */
    public long sealedSize() {
        return maxPackSize + PackFormat.PARITY_SHARDS * (EntryHeader.LENGTH + shardSize);
    }

    /**
     * @param k the parity entry, 0 or 1
     * @return the offset of parity entry {@code k} of a sealed pack
     */
    public long parityOffset(int k) {
        return maxPackSize + k * (EntryHeader.LENGTH + shardSize);
    }

    /**
     * @param k the parity entry, 0 or 1
     * @return the offset of the payload of parity entry {@code k}: parity shard {@code k}
     */
    public long parityPayload(int k) {
        return parityOffset(k) + EntryHeader.LENGTH;
    }

    /**
     * @return the largest payload one entry may have: a pack must still hold its header, the
     *         entry's header and the EOF entry's header
     */
    public long maxPayload() {
        return maxPackSize - PackFormat.HEADER_SIZE - 2L * EntryHeader.LENGTH;
    }

    /**
     * The rollover rule: an entry fits in a pack whose entries end at {@code end} when room is
     * left for the EOF entry after it.
     *
     * @param end     where the pack's entries end
     * @param payload the payload length of the next entry
     * @return whether it fits
     */
    public boolean fits(long end, long payload) {
        return closes(end + EntryHeader.LENGTH + payload);
    }

    /**
     * @param end where a pack's entries end
     * @return whether the EOF entry fits after them, so a writer can still close the pack; false
     *         when the pack size is unknown
     */
    public boolean closes(long end) {
        return end + EntryHeader.LENGTH <= maxPackSize;
    }

    @Override
    public String toString() {
        return isKnown() ? "pack size " + maxPackSize + ", shard size " + shardSize : "unknown pack size";
    }
}
