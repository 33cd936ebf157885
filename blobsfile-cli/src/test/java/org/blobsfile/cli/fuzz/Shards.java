package org.blobsfile.cli.fuzz;

/**
 * Which Reed-Solomon shard a byte of a sealed pack belongs to: data shards 0-9 cover the first
 * {@code packSize} bytes in slices of {@code ceil(packSize / 10)}, shards 10 and 11 are the two
 * parity entries that follow, each header included.
 */
final class Shards {
    static final int ENTRY_HEADER = 38;

    private Shards() {
    }

    /**
     * @param packSize the pack size
     * @return the data shard size
     */
    static int shardSize(int packSize) {
        return (packSize + 9) / 10;
    }

    /**
     * @param packSize the pack size
     * @param offset   a byte offset in a sealed pack
     * @return its shard, 0 to 11
     */
    static int of(int packSize, long offset) {
        int shard = shardSize(packSize);
        if (offset < packSize) {
            return (int) (offset / shard);
        }
        return (int) Math.min(11, 10 + (offset - packSize) / (ENTRY_HEADER + shard));
    }
}
