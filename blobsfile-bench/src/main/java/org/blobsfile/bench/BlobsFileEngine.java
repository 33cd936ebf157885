package org.blobsfile.bench;

import java.nio.file.Path;
import java.util.Objects;

import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;

/**
 * Our store behind the engine interface, with the RocksDB index (the default) and the default
 * pack size. Reads verify the blob's hash, as every read of the store does. Thread-safe once
 * open, as the store is.
 */
public final class BlobsFileEngine implements Engine {
    private final String codec;
    private final Durability durability;
    private BlobStore store;

    /**
     * @param codec      the codec name the store writes with, e.g. {@code none} or {@code snappy}
     * @param durability when puts are forced
     */
    public BlobsFileEngine(String codec, Durability durability) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.durability = Objects.requireNonNull(durability, "durability");
    }

    /** @return {@code blobsfile}, with the codec and durability appended when they are not the defaults */
    @Override
    public String name() {
        if (codec.equals("none") && durability == Durability.GROUP) {
            return "blobsfile";
        }
        return "blobsfile:" + codec + ":" + durability.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void open(Path dir) {
        store = BlobStore.builder(dir).codec(codec).index("rocksdb").durability(durability).open();
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
