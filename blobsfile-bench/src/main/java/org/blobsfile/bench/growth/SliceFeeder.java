package org.blobsfile.bench.growth;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.blobsfile.api.BlobStore;
import org.blobsfile.bench.BlobSource;

/**
 * Puts slices of fresh blobs into one store from several threads, each calling
 * {@link BlobStore#putAll(List)} with batches of its own blobs. Each thread keeps its
 * {@link BlobSource} from slice to slice, so no blob is ever put twice.
 */
final class SliceFeeder implements AutoCloseable {
    private static final long SEED = 0x5eed_b10bL;

    private final BlobStore store;
    private final int batch;
    private final ExecutorService pool;
    private final List<BlobSource> sources = new ArrayList<>();

    SliceFeeder(BlobStore store, int size, int batch, int threads) {
        this.store = store;
        this.batch = batch;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "feeder");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < threads; i++) {
            sources.add(new BlobSource(size, SEED, i));
        }
    }

    /** Puts {@code count} blobs and returns when every one of them is stored. */
    void put(long count) throws InterruptedException {
        AtomicLong left = new AtomicLong(count);
        List<Future<?>> running = new ArrayList<>();
        for (BlobSource source : sources) {
            running.add(pool.submit(() -> feed(source, left)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a putAll failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private void feed(BlobSource source, AtomicLong left) {
        while (true) {
            long claimed = Math.min(batch, left.getAndAdd(-batch));
            if (claimed <= 0) {
                return;
            }
            List<byte[]> blobs = new ArrayList<>((int) claimed);
            for (int i = 0; i < claimed; i++) {
                // the source hands out one array, changed each time: each blob needs its own
                blobs.add(source.next().clone());
            }
            store.putAll(blobs);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
