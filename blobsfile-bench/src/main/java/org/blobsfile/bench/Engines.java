package org.blobsfile.bench;

import java.util.Locale;

import org.blobsfile.api.Durability;

/**
 * Makes engines from the names benchmarks take as a parameter, so a run can be pointed at any
 * engine or store configuration from the command line ({@code -p engine=...}).
 */
public final class Engines {
    /** Our store with its defaults for a benchmark: no compression, {@link Durability#GROUP}. */
    public static final String BLOBSFILE = "blobsfile";
    /** {@link FilePerBlobEngine}. */
    public static final String FILE_PER_BLOB = "file-per-blob";
    /** {@link RocksDbBlobDbEngine}. */
    public static final String ROCKSDB_BLOBDB = "rocksdb-blobdb";

    private Engines() {
    }

    /**
     * Creates an unopened engine.
     *
     * @param name {@code blobsfile}, {@code blobsfile:CODEC} or {@code blobsfile:CODEC:DURABILITY}
     *             (e.g. {@code blobsfile:snappy:sync_each}), {@code file-per-blob} or
     *             {@code rocksdb-blobdb}
     * @return the engine
     * @throws IllegalArgumentException naming the known engines, for any other name
     */
    public static Engine create(String name) {
        if (name.equals(FILE_PER_BLOB)) {
            return new FilePerBlobEngine();
        }
        if (name.equals(ROCKSDB_BLOBDB)) {
            return new RocksDbBlobDbEngine();
        }
        if (name.equals(BLOBSFILE) || name.startsWith(BLOBSFILE + ":")) {
            String[] parts = name.split(":", -1);
            if (parts.length > 3) {
                throw unknown(name);
            }
            String codec = parts.length > 1 ? parts[1] : "none";
            Durability durability = parts.length > 2
                    ? Durability.valueOf(parts[2].toUpperCase(Locale.ROOT)) : Durability.GROUP;
            return new BlobsFileEngine(codec, durability);
        }
        throw unknown(name);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown engine '" + name + "'; known: " + BLOBSFILE + "[:CODEC[:DURABILITY]], "
                + FILE_PER_BLOB + ", " + ROCKSDB_BLOBDB);
    }
}
