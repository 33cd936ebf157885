package org.blobsfile.tck;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;

/**
 * The smallest index that meets the contract: a sorted map behind a read-write lock, forgotten
 * on close. It shows the contract asks nothing RocksDB-specific, and exercises the opt-outs.
 */
public final class MemoryIndexProvider implements IndexProvider {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public BlobIndex open(Path directory) {
        return new MemoryIndex();
    }

    @Override
    public void destroy(Path directory) {
        // nothing outlives close
    }

    private static final class MemoryIndex implements BlobIndex {
        private final ReadWriteLock lock = new ReentrantReadWriteLock();
        private final TreeMap<byte[], byte[]> keys = new TreeMap<>(Arrays::compareUnsigned);
        private final Map<String, byte[]> meta = new TreeMap<>();

        @Override
        public byte[] get(byte[] key) {
            lock.readLock().lock();
            try {
                byte[] v = keys.get(key);
                return v == null ? null : v.clone();
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void write(IndexBatch batch) {
            lock.writeLock().lock();
            try {
                for (IndexRecord r : batch.puts()) {
                    keys.put(r.key().clone(), r.value().clone());
                }
                batch.meta().forEach((name, value) -> meta.put(name, value.clone()));
            } finally {
                lock.writeLock().unlock();
            }
        }

        @Override
        public List<IndexRecord> scan(byte[] fromInclusive, int limit) {
            lock.readLock().lock();
            try {
                List<IndexRecord> out = new ArrayList<>();
                for (Map.Entry<byte[], byte[]> e : keys.tailMap(fromInclusive, true).entrySet()) {
                    if (out.size() >= limit) {
                        break;
                    }
                    out.add(new IndexRecord(e.getKey().clone(), e.getValue().clone()));
                }
                return out;
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public byte[] getMeta(String name) {
            lock.readLock().lock();
            try {
                byte[] v = meta.get(name);
                return v == null ? null : v.clone();
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void close() throws IOException {
            // the maps are garbage once the index is unreachable
        }
    }
}
