package org.blobsfile.bench;

import java.util.List;
import java.util.Locale;

import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.Durability;

/**
 * Makes engines from the names benchmarks take as a parameter, so a run can be pointed at any
 * engine or store configuration from the command line ({@code -p engine=...}).
 */
public final class Engines {
    /** Our store with its defaults for a benchmark: no compression, {@link Durability#GROUP}, RocksDB index. */
    public static final String BLOBSFILE = "blobsfile";
    /** {@link FilePerBlobEngine}. */
    public static final String FILE_PER_BLOB = "file-per-blob";
    /** {@link RocksDbBlobDbEngine}. */
    public static final String ROCKSDB_BLOBDB = "rocksdb-blobdb";
    /** {@link H2BlobMapEngine}. */
    public static final String H2_MVSTORE = "h2-mvstore";

    /** The codecs the benchmark module carries, so each can be named in {@code blobsfile:CODEC}. */
    public static final List<String> CODECS = List.of("none", "snappy", "zstd", "lz4");
    /** The indexes the benchmark module carries, so each can be named in {@code blobsfile:CODEC:DURABILITY:INDEX}. */
    public static final List<String> INDEXES = List.of("rocksdb", "h2");

    private Engines() {
    }

    /**
     * Creates an unopened engine.
     *
     * @param name {@code blobsfile}, or {@code blobsfile:CODEC[:DURABILITY[:INDEX]]} with a codec
     *             of {@link #CODECS}, a {@link Durability} in any case and an index of
     *             {@link #INDEXES} (e.g. {@code blobsfile:snappy:sync_each:h2}; left out they
     *             are {@code GROUP} and {@code rocksdb}), {@code file-per-blob},
     *             {@code rocksdb-blobdb} or {@code h2-mvstore}
     * @return the engine
     * @throws IllegalArgumentException naming the known engines, for any other name
     */
    public static Engine create(String name) {
        switch (name) {
            case FILE_PER_BLOB:
                return new FilePerBlobEngine();
            case ROCKSDB_BLOBDB:
                return new RocksDbBlobDbEngine();
            case H2_MVSTORE:
                return new H2BlobMapEngine();
            default:
                break;
        }
        if (!name.equals(BLOBSFILE) && !name.startsWith(BLOBSFILE + ":")) {
            throw unknown(name);
        }
        String[] parts = name.split(":", -1);
        if (parts.length > 4) {
            throw unknown(name);
        }
        String codec = parts.length > 1 ? parts[1] : "none";
        String index = parts.length > 3 ? parts[3] : BlobStoreOptions.DEFAULT_INDEX;
        Durability durability;
        try {
            durability = parts.length > 2 ? Durability.valueOf(parts[2].toUpperCase(Locale.ROOT)) : Durability.GROUP;
        } catch (IllegalArgumentException e) {
            throw unknown(name);
        }
        // a typo would otherwise only surface as a plugin error deep inside a forked benchmark JVM
        if (!CODECS.contains(codec) || !INDEXES.contains(index)) {
            throw unknown(name);
        }
        return new BlobsFileEngine(codec, durability, index);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown engine '" + name + "'; known: " + BLOBSFILE
                + "[:CODEC[:DURABILITY[:INDEX]]] (codecs " + CODECS + ", durabilities sync_each, group, none, indexes "
                + INDEXES + "), " + FILE_PER_BLOB + ", " + ROCKSDB_BLOBDB + ", " + H2_MVSTORE);
    }
}
