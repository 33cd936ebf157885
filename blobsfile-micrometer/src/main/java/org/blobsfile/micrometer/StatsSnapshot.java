package org.blobsfile.micrometer;

import java.util.function.LongSupplier;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.StoreStats;

/**
 * One store's {@link StoreStats}, taken at most once per {@code maxAgeNanos}: a registry reads
 * every meter of the store one after the other, and each read would otherwise take a snapshot of
 * its own (a wait for the index queue and an index read each). Thread-safe.
 */
final class StatsSnapshot {
    private final BlobStore store;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private StoreStats last;
    private long takenAt;

    /**
     * @param store       the store
     * @param maxAgeNanos how long a snapshot is used for, in nanoseconds
     * @param nanoTime    the clock that measures it
     */
    StatsSnapshot(BlobStore store, long maxAgeNanos, LongSupplier nanoTime) {
        this.store = store;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * @return the store's stats, taken now unless the last snapshot is recent; once the store is
     *         closed (or its stats cannot be read), the last snapshot taken, or zeros if none was
     */
    synchronized StoreStats get() {
        long now = nanoTime.getAsLong();
        if (last == null || now - takenAt >= maxAgeNanos) {
            try {
                last = store.stats();
                takenAt = now;
            } catch (BlobStoreException e) {
                // a scrape must not fail because one store closed: its meters keep their last values
                if (last == null) {
                    last = StoreStats.builder().build();
                }
            }
        }
        return last;
    }
}
