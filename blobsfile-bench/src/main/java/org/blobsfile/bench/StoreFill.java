package org.blobsfile.bench;

import java.util.ArrayList;
import java.util.List;

import org.blobsfile.api.BlobStore;

/**
 * Fills a store quickly for the benchmarks that read a ready-made one (enumerate, rebuild,
 * verify): blobs go in batches through {@link BlobStore#putAll(List)}, one append each, so
 * building the data set costs seconds rather than one force per blob. Open such stores with
 * {@code Durability.NONE}: the data set only has to outlive the trial, not a power cut.
 */
public final class StoreFill {
    private StoreFill() {
    }

    /**
     * Puts {@code count} distinct blobs of {@code size} bytes.
     *
     * @param store the store
     * @param count how many blobs
     * @param size  bytes per blob
     * @param seed  seed of the content, so runs store the same bytes
     */
    public static void put(BlobStore store, long count, int size, long seed) {
        BlobSource blobs = new BlobSource(size, seed);
        // about 8 MiB per batch: big enough to amortize the append, small enough for the heap
        int batch = (int) Math.max(1, Math.min(4096, (8L << 20) / Math.max(1, size)));
        List<byte[]> pending = new ArrayList<>(batch);
        for (long i = 0; i < count; i++) {
            // the source reuses its array: each blob of a batch needs its own
            pending.add(blobs.next().clone());
            if (pending.size() == batch || i == count - 1) {
                store.putAll(pending);
                pending.clear();
            }
        }
    }
}
