package org.blobsfile.index.rocksdb;

import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;

/**
 * The settings that keep the index's cost flat as the store grows to tens of millions of blobs,
 * each measured with {@code bench/growth.sh}. Keys are 32-byte hashes arriving in random order,
 * so every byte written is later rewritten by compactions: what is written, and how often, is
 * what these settings bound.
 */
final class RocksDbTuning {
    /**
     * The write-ahead logs kept at most before RocksDB flushes the memtables they cover: a bound on
     * what an open after a crash replays.
     */
    static final long MAX_TOTAL_WAL_BYTES = 128L << 20;

    private RocksDbTuning() {
    }

    /**
     * Flushes every column family together. The meta family takes a few bytes per batch and
     * would never fill its memtable; each log file holds some of those bytes, so no log could be
     * deleted until the total log size forced a flush: grown to 3,000,000 blobs, the index
     * directory took 98 bytes a blob, logs included, against 52 with this.
     */
    static void apply(DBOptions options) {
        options.setAtomicFlush(true).setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES);
    }

    /**
     * Compresses with LZ4 where data is rewritten soon, and with ZSTD in the last level, which
     * holds nearly all of it: hashes do not compress, but each value's zero high bytes and the
     * sequence numbers the last level zeroes do. Measured on a million keys and values of the
     * store's layout, fully compacted: 66.8 bytes a key uncompressed, 45.0 with Snappy (RocksDB's
     * default), 45.1 with LZ4, 39.6 with ZSTD.
     */
    static void apply(ColumnFamilyOptions options) {
        options.setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
    }
}
