package org.blobsfile.cli.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * The kind of store a fuzz case damages: its codec, its index and its pack size, and whether some
 * of its blobs were deleted and its packs compacted. Pack sizes are small and not multiples of
 * 10, so a store of a few dozen blobs has several sealed packs and shards that do not line up
 * with entries.
 *
 * @param codec     the codec blobs are written with
 * @param index     the index plugin
 * @param packSize  the maximum pack size in bytes
 * @param compacted whether a share of the blobs was deleted and the packs compacted (some are
 *                  then empty sealed packs, and the store has a deletion log)
 */
record StoreShape(String codec, String index, int packSize, boolean compacted) {
    /** A store that never deleted anything. */
    StoreShape(String codec, String index, int packSize) {
        this(codec, index, packSize, false);
    }

    static final List<String> CODECS = List.of("none", "snappy", "zstd", "lz4");
    static final List<String> INDEXES = List.of("rocksdb", "h2");
    static final int[] PACK_SIZES = {6_007, 9_221, 13_313};

    /**
     * @return every codec with every index, each pair with one of the pack sizes; then every codec
     *     again, compacted, with the indexes in turn
     */
    static List<StoreShape> all() {
        List<StoreShape> shapes = new ArrayList<>();
        int i = 0;
        for (String codec : CODECS) {
            for (String index : INDEXES) {
                shapes.add(new StoreShape(codec, index, PACK_SIZES[i++ % PACK_SIZES.length]));
            }
        }
        for (String codec : CODECS) {
            shapes.add(new StoreShape(codec, INDEXES.get(i % INDEXES.size()), PACK_SIZES[i++ % PACK_SIZES.length], true));
        }
        return shapes;
    }

    /** @return the index's file or directory in the store */
    String indexPath() {
        return "index-" + index;
    }

    @Override
    public String toString() {
        return codec + "/" + index + "/" + packSize + (compacted ? "/compacted" : "");
    }
}
