package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;

/**
 * An index held in memory only, for a store opened read-only: built from the packs when the
 * index on disk cannot be opened without writing, or holding what follows the checkpoint of an
 * index opened read-only. Nothing of it reaches a file. Thread-safe; a batch is applied under a
 * write lock, so no reader sees half of one.
 */
final class MemoryIndex implements BlobIndex {
    private final ConcurrentSkipListMap<byte[], byte[]> keys = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final Map<String, byte[]> meta = new ConcurrentHashMap<>();
    private final ReadWriteLock batches = new ReentrantReadWriteLock();

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        batches.readLock().lock();
        try {
            byte[] v = keys.get(key);
            return v == null ? null : v.clone();
        } finally {
            batches.readLock().unlock();
        }
    }

    @Override
    public void write(IndexBatch batch) {
        batches.writeLock().lock();
        try {
            for (IndexRecord r : batch.puts()) {
                keys.put(r.key().clone(), r.value().clone());
            }
            for (byte[] k : batch.deletes()) {
                keys.remove(k);
            }
            for (Map.Entry<String, byte[]> m : batch.meta().entrySet()) {
                meta.put(m.getKey(), m.getValue().clone());
            }
        } finally {
            batches.writeLock().unlock();
        }
    }

    @Override
    public List<IndexRecord> scan(byte[] fromInclusive, int limit) {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        List<IndexRecord> out = new ArrayList<>(Math.max(0, Math.min(limit, 1024)));
        batches.readLock().lock();
        try {
            for (Map.Entry<byte[], byte[]> e : keys.tailMap(fromInclusive, true).entrySet()) {
                if (out.size() >= limit) {
                    break;
                }
                out.add(new IndexRecord(e.getKey().clone(), e.getValue().clone()));
            }
        } finally {
            batches.readLock().unlock();
        }
        return out;
    }

    @Override
    public byte[] getMeta(String name) throws IOException {
        byte[] v = meta.get(Objects.requireNonNull(name, "name"));
        return v == null ? null : v.clone();
    }

    /** @return how many keys it holds */
    int size() {
        return keys.size();
    }

    /** Keys are plain memory: closing frees nothing but the references. */
    @Override
    public void close() {
        batches.writeLock().lock();
        try {
            keys.clear();
            meta.clear();
        } finally {
            batches.writeLock().unlock();
        }
    }
}
