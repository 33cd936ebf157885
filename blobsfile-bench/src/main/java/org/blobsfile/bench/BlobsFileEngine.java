package org.blobsfile.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.Durability;

/**
 * Our store behind the engine interface, with any codec, durability and index, and the default
 * pack size. Reads verify the blob's hash, as every read of the store does. Thread-safe once
 * open, as the store is.
 */
public final class BlobsFileEngine implements Engine {
    private final String codec;
    private final Durability durability;
    private final String index;
    private BlobStore store;

    /**
     * Our store with the default index ({@value BlobStoreOptions#DEFAULT_INDEX}).
     *
     * @param codec      the codec name the store writes with, e.g. {@code none} or {@code snappy}
     * @param durability when puts are forced
     */
    public BlobsFileEngine(String codec, Durability durability) {
        this(codec, durability, BlobStoreOptions.DEFAULT_INDEX);
    }

    /**
     * @param codec      the codec name the store writes with: {@code none}, {@code snappy},
     *                   {@code zstd} or {@code lz4}
     * @param durability when puts are forced
     * @param index      the index name: {@code rocksdb} or {@code h2}
     */
    public BlobsFileEngine(String codec, Durability durability, String index) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.durability = Objects.requireNonNull(durability, "durability");
        this.index = Objects.requireNonNull(index, "index");
    }

    /**
     * @return {@code blobsfile} for the defaults (codec {@code none}, {@code GROUP}, RocksDB
     *         index), else {@code blobsfile:CODEC:DURABILITY}, with {@code :INDEX} appended when
     *         the index is not the default: the name {@link Engines#create(String)} takes back
     */
    @Override
    public String name() {
        boolean defaultIndex = index.equals(BlobStoreOptions.DEFAULT_INDEX);
        if (codec.equals("none") && durability == Durability.GROUP && defaultIndex) {
            return Engines.BLOBSFILE;
        }
        return Engines.BLOBSFILE + ":" + codec + ":" + durability.name().toLowerCase(Locale.ROOT)
                + (defaultIndex ? "" : ":" + index);
    }

    @Override
    public void open(Path dir) {
        store = BlobStore.builder(dir).codec(codec).index(index).durability(durability).open();
    }

    @Override
    public byte[] put(byte[] data) {
        return store.put(data).bytes();
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return store.get(BlobRef.of(key));
        } catch (BlobNotFoundException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
