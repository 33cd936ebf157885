package org.blobsfile.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.StoreTestSupport.random;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    void manyThreadsPutGetAndEnumerateAcrossRollovers() throws Exception {
        int threads = 8;
        Map<BlobRef, byte[]> stored = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 2);
        CountDownLatch start = new CountDownLatch(1);
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(64 * 1024).durability(Durability.NONE).open()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int seed = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 150; i++) {
                        // every thread also puts the same shared blobs: each must be stored once
                        byte[] b = i % 10 == 0 ? ("shared-" + i).getBytes() : random(rnd, rnd.nextInt(3000));
                        BlobRef ref = store.put(b);
                        stored.put(ref, b);
                        assertThat(store.get(ref)).isEqualTo(b);
                    }
                    return null;
                }));
            }
            fs.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 30; i++) {
                    List<BlobInfo> all = store.enumerate().toList();
                    for (int j = 1; j < all.size(); j++) {
                        assertThat(all.get(j - 1).ref()).isLessThan(all.get(j).ref());
                    }
                }
                return null;
            }));
            start.countDown();
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(store.enumerate().count()).isEqualTo(stored.size());
            assertThat(store.stats().blobs()).isEqualTo(stored.size());
            for (var e : stored.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
        } finally {
            pool.shutdownNow();
        }
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            store.rebuildIndex();
            assertThat(store.enumerate().count()).as("no blob was written twice").isEqualTo(stored.size());
            assertThat(store.stats().blobs()).isEqualTo(stored.size());
        }
    }
}
