package org.blobsfile.core.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;

/**
 * An index held in memory that outlives its store: reopening the store in the same directory,
 * through any file system, finds what the last store wrote, as a process crash would leave an
 * index that writes at once. {@link #fence} makes every index opened so far refuse writes, so a
 * store abandoned after a simulated power cut cannot write into the index of the store reopened
 * after it; {@link #forget} loses a directory's index, so the next open rebuilds it. Thread-safe.
 */
public final class KeptMemoryIndex implements IndexProvider {
    /** The provider's name. */
    public static final String NAME = "kept-memory";

    /** One directory's index: keys and meta values behind one lock. */
    private static final class Content {
        final TreeMap<byte[], byte[]> keys = new TreeMap<>(Arrays::compareUnsigned);
        final Map<String, byte[]> meta = new TreeMap<>();
    }

    private final Map<String, Content> indexes = new ConcurrentHashMap<>();
    private volatile int generation;

    private static String key(Path directory) {
        return directory.toAbsolutePath().normalize().toString();
    }

    /** Makes every index opened so far refuse writes; indexes opened later write as usual. */
    public synchronized void fence() {
        generation++;
    }

    /**
     * Loses the index of a directory, as a deleted or unreadable index would be.
     *
     * @param storeDir the store directory the index belongs to
     */
    public void forget(Path storeDir) {
        String prefix = key(storeDir);
        indexes.keySet().removeIf(k -> k.startsWith(prefix));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlobIndex open(Path directory) {
        Content c = indexes.computeIfAbsent(key(directory), k -> new Content());
        return new Handle(c, generation);
    }

    @Override
    public void destroy(Path directory) {
        indexes.remove(key(directory));
    }

    /** An open index: reads always, writes while its generation is current. */
    private final class Handle implements BlobIndex {
        private final Content c;
        private final int opened;

        Handle(Content c, int opened) {
            this.c = c;
            this.opened = opened;
        }

        @Override
        public byte[] get(byte[] key) {
            synchronized (c) {
                byte[] v = c.keys.get(key);
                return v == null ? null : v.clone();
            }
        }

        @Override
        public void write(IndexBatch batch) throws IOException {
            synchronized (KeptMemoryIndex.this) {
                if (opened != generation) {
                    throw new IOException("this index was fenced off: its store was abandoned");
                }
                synchronized (c) {
                    for (IndexRecord r : batch.puts()) {
                        c.keys.put(r.key().clone(), r.value().clone());
                    }
                    for (byte[] k : batch.deletes()) {
                        c.keys.remove(k);
                    }
                    batch.meta().forEach((name, value) -> c.meta.put(name, value.clone()));
                }
            }
        }

        @Override
        public List<IndexRecord> scan(byte[] fromInclusive, int limit) {
            synchronized (c) {
                List<IndexRecord> out = new ArrayList<>();
                for (Map.Entry<byte[], byte[]> e : c.keys.tailMap(fromInclusive, true).entrySet()) {
                    if (out.size() >= limit) {
                        break;
                    }
                    out.add(new IndexRecord(e.getKey().clone(), e.getValue().clone()));
                }
                return out;
            }
        }

        @Override
        public byte[] getMeta(String name) {
            synchronized (c) {
                byte[] v = c.meta.get(name);
                return v == null ? null : v.clone();
            }
        }

        @Override
        public void close() {
            // the content outlives the handle
        }
    }
}
