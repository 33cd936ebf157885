package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.StampedLock;
import java.util.stream.IntStream;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's view of its index plugin: typed values, the store's meta values, and rebuilding
 * from the packs. Thread-safe as the plugin is; {@link #rebuild} needs the store's write lock.
 */
public final class StoreIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreIndex.class);

    private static final int PAGE = 4096;

    private final IndexProvider provider;
    private final Path directory;
    private volatile BlobIndex index;
    /**
     * Held for writing while {@link #rebuild} runs, since a lookup meanwhile would meet a closed
     * or half-filled index. Lookups read optimistically, which costs no write to shared memory,
     * and only when a rebuild began during one do they wait for it and look again.
     */
    private final StampedLock rebuilding = new StampedLock();

    /** A lookup in the plugin's index. */
    private interface Lookup<T> {
        T in(BlobIndex index) throws IOException;
    }

    private StoreIndex(IndexProvider provider, Path directory, BlobIndex index) {
        this.provider = provider;
        this.directory = directory;
        this.index = index;
    }

    /**
     * Opens the index of {@code provider} under the store directory. An index that cannot be
     * read, or has another value layout, is thrown away: the caller sees it as new and rebuilds.
     */
    public static StoreIndex open(IndexProvider provider, Path storeDir) throws IOException {
        Path d = storeDir.resolve("index-" + provider.name());
        BlobIndex idx;
        try {
            idx = provider.open(d);
            byte[] format = idx.getMeta(IndexMeta.FORMAT);
            if (format != null && (format.length != 1 || format[0] != IndexMeta.FORMAT_VERSION)) {
                LOG.warn("index {} has value layout {}, this version writes {}: rebuilding it", d,
                        format.length == 1 ? format[0] : "?", IndexMeta.FORMAT_VERSION);
                idx.discard();
                provider.destroy(d);
                idx = provider.open(d);
            }
        } catch (IndexUnreadableException e) {
            LOG.warn("index {} cannot be read ({}): rebuilding it from the packs", d, e.getMessage());
            provider.destroy(d);
            idx = provider.open(d);
        }
        return new StoreIndex(provider, d, idx);
    }

    /** @return the plugin's index, for bulk loading */
    public BlobIndex raw() {
        return index;
    }

    public String name() {
        return provider.name();
    }

    /** @return whether the index was ever completed (a new or reset index has no format mark) */
    public boolean isComplete() throws IOException {
        return index.getMeta(IndexMeta.FORMAT) != null;
    }

    public boolean contains(byte[] hash) {
        try {
            return lookup(idx -> idx.contains(hash));
        } catch (IOException e) {
            throw new StorageIOException("reading index " + directory, e);
        }
    }

    public Location get(byte[] hash) {
        try {
            byte[] v = lookup(idx -> idx.get(hash));
            return v == null ? null : Location.decode(v);
        } catch (IOException e) {
            throw new StorageIOException("reading index " + directory, e);
        }
    }

    List<IndexRecord> scan(byte[] from, int limit) {
        try {
            return lookup(idx -> idx.scan(from, limit));
        } catch (IOException e) {
            throw new StorageIOException("scanning index " + directory, e);
        }
    }

    /** Runs a lookup of the store's readers: see {@link #rebuilding}. */
    private <T> T lookup(Lookup<T> lookup) throws IOException {
        long stamp = rebuilding.tryOptimisticRead();
        if (stamp != 0) {
            try {
                T found = lookup.in(index);
                if (rebuilding.validate(stamp)) {
                    return found;
                }
            } catch (IOException | RuntimeException e) {
                if (rebuilding.validate(stamp)) {
                    throw e;
                }
            }
        }
        long read = rebuilding.readLock();
        try {
            return lookup.in(index);
        } finally {
            rebuilding.unlockRead(read);
        }
    }

    public void write(IndexBatch batch) throws IOException {
        index.write(batch);
    }

    public IndexMeta.Checkpoint checkpoint() throws IOException {
        byte[] v = index.getMeta(IndexMeta.CHECKPOINT);
        return v == null ? null : IndexMeta.Checkpoint.decode(v);
    }

    public IndexMeta.Counters counters() throws IOException {
        byte[] v = index.getMeta(IndexMeta.COUNTERS);
        return v == null ? IndexMeta.Counters.ZERO : IndexMeta.Counters.decode(v);
    }

    /**
     * Empties the index and fills it from packs {@code 0..lastPack}. Lookups wait for it.
     *
     * @param checkpoint where the packs end, recorded as the recovery checkpoint
     * @return the totals over the rebuilt index
     */
    public IndexMeta.Counters rebuild(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, int lastPack,
                               IndexMeta.Checkpoint checkpoint) throws IOException {
        long write = rebuilding.writeLock();
        try {
            reset();
            long t0 = System.nanoTime();
            new IndexRebuilder(readers, codecs, geometry, Runtime.getRuntime().availableProcessors())
                    .rebuild(index, lastPack);
            IndexMeta.Counters c = count();
            markComplete(checkpoint, c);
            LOG.info("rebuilt index {} from {} packs: {} blobs in {} ms", directory, lastPack + 1, c.blobs(),
                    (System.nanoTime() - t0) / 1_000_000);
            return c;
        } finally {
            rebuilding.unlockWrite(write);
        }
    }

    /** Throws every key away. */
    public void reset() throws IOException {
        index.discard();
        provider.destroy(directory);
        index = provider.open(directory);
    }

    /** Records that the index holds every entry up to {@code checkpoint}. */
    public void markComplete(IndexMeta.Checkpoint checkpoint, IndexMeta.Counters c) throws IOException {
        index.write(new IndexBatch()
                .putMeta(IndexMeta.FORMAT, IndexMeta.formatValue())
                .putMeta(IndexMeta.CHECKPOINT, checkpoint.encode())
                .putMeta(IndexMeta.COUNTERS, c.encode()));
    }

    /**
     * Totals over every key, read back from the index so duplicates in the packs count once.
     * Keys are hashes, so each value of their first byte leads about as many of them: the 256
     * slices are counted side by side on the common pool, so a rebuild does not end in a walk
     * of the whole index on one core.
     */
    public IndexMeta.Counters count() throws IOException {
        try {
            return IntStream.range(0, 256).parallel()
                    .mapToObj(first -> {
                        IndexMeta.Counters[] c = {IndexMeta.Counters.ZERO};
                        try {
                            forEach(new byte[] {(byte) first}, (key, location) -> c[0] = c[0].plus(location));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        return c[0];
                    })
                    .reduce(IndexMeta.Counters.ZERO, IndexMeta.Counters::plus);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Receives the records of {@link #forEach}. */
    public interface RecordVisitor {
        void visit(byte[] key, Location location);
    }

    /** Walks every key in order, a page at a time. */
    public void forEach(RecordVisitor visitor) throws IOException {
        forEach(new byte[0], visitor);
    }

    /** Walks the keys that start with {@code prefix} in order, a page at a time. */
    private void forEach(byte[] prefix, RecordVisitor visitor) throws IOException {
        byte[] from = prefix;
        while (true) {
            List<IndexRecord> page = prefix.length == 0 ? index.scan(from, PAGE) : index.scanPrefix(prefix, from, PAGE);
            for (IndexRecord r : page) {
                visitor.visit(r.key(), Location.decode(r.value()));
            }
            if (page.size() < PAGE) {
                return;
            }
            byte[] last = page.get(page.size() - 1).key();
            from = java.util.Arrays.copyOf(last, last.length + 1); // the smallest key after 'last'
        }
    }

    @Override
    public void close() throws IOException {
        index.close();
    }
}
