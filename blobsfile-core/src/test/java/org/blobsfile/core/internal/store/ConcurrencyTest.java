package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.randomBlobs;

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
import org.blobsfile.api.StorageIOException;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.testing.GatedIndexProvider;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConcurrencyTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void manyThreadsPutGetAndEnumerateAcrossRollovers(Durability durability) throws Exception {
        int threads = 8;
        Map<BlobRef, byte[]> stored = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 2);
        CountDownLatch start = new CountDownLatch(1);
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(64 * 1024).durability(durability).open()) {
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

    @Test
    void groupCommitSharesForcesBetweenConcurrentPuts() throws Exception {
        int threads = 16;
        int rounds = 20;
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BlobStore store = BlobStore.builder(tmp).durability(Durability.GROUP).open()) {
            List<Future<List<BlobRef>>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int seed = t;
                fs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    List<BlobRef> mine = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        barrier.await(); // all threads put at once, so their forces can be shared
                        mine.add(store.put(random(rnd, 512)));
                    }
                    return mine;
                }));
            }
            List<BlobRef> all = new ArrayList<>();
            for (Future<List<BlobRef>> f : fs) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            var s = store.stats();
            assertThat(s.groupCommitEntries()).isEqualTo(threads * rounds);
            assertThat(s.groupCommits()).as("one force served several puts").isLessThan(threads * rounds);
            assertThat(s.forces()).isEqualTo(s.groupCommits());
            for (BlobRef r : all) {
                assertThat(store.exists(r)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void putAllCostsOneForce() {
        try (BlobStore store = BlobStore.builder(tmp).durability(Durability.GROUP).open()) {
            List<byte[]> blobs = randomBlobs(new Random(SEED.seed(9)), 100, 1000);
            store.putAll(blobs);
            assertThat(store.stats().forces()).isEqualTo(1);
            assertThat(store.stats().blobs()).isEqualTo(100);
        }
    }

    @Test
    void aPutAllLargeEnoughToOverlapItsAppendsStillCostsOneForce() {
        try (BlobStore store = BlobStore.builder(tmp).durability(Durability.GROUP).open()) {
            // 2 MiB in all: staged on every core, appended as staged
            List<byte[]> blobs = randomBlobs(new Random(SEED.seed(10)), 64, 32 * 1024);
            BlobRef before = store.put(blobs.get(7));
            long forcesBefore = store.stats().forces();
            List<BlobRef> refs = store.putAll(blobs);
            assertThat(store.stats().forces() - forcesBefore).isEqualTo(1);
            assertThat(store.stats().blobs()).isEqualTo(64);
            assertThat(store.stats().dedupedPuts()).as("the blob stored before").isEqualTo(1);
            assertThat(refs.get(7)).isEqualTo(before);
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aPutReturnsAndReadsBackWhileItsIndexBatchIsHeld(Durability mode) throws Exception {
        byte[] blob = ("returned, not yet indexed " + mode).getBytes();
        BlobRef ref = BlobRef.of(Blake2b.hash(blob, 0, blob.length));
        try (BlobStore store = BlobStore.builder(tmp).index(new GatedIndexProvider()).durability(mode).open()) {
            GatedIndexProvider.arm();
            try {
                // the put returns although the index write that records it cannot go through
                assertThat(store.put(blob)).isEqualTo(ref);
                assertThat(GatedIndexProvider.entered().await(30, TimeUnit.SECONDS)).isTrue();
                // the indexer now waits at the gate, inside its write
                assertThat(store.exists(ref)).isTrue();
                assertThat(store.size(ref)).isEqualTo(blob.length);
                assertThat(store.get(ref)).isEqualTo(blob);
                assertThat(store.put(blob)).as("a second put of a queued blob").isEqualTo(ref);
            } finally {
                GatedIndexProvider.open();
            }
            assertThat(store.enumerate().map(BlobInfo::ref).toList()).containsExactly(ref);
            assertThat(store.stats().blobs()).isEqualTo(1);
            assertThat(store.stats().dedupedPuts()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aFailedIndexWriteFailsLaterPutsAndLosesNothing(Durability mode) throws Exception {
        Random r = SEED.random();
        byte[] a = random(r, 700);
        byte[] b = random(r, 900);
        byte[] c = random(r, 1100);
        BlobRef refA = BlobRef.of(Blake2b.hash(a, 0, a.length));
        BlobRef refB = BlobRef.of(Blake2b.hash(b, 0, b.length));
        try (BlobStore store = BlobStore.builder(tmp).index(new GatedIndexProvider()).durability(mode).open()) {
            assertThat(store.put(a)).isEqualTo(refA);
            store.stats(); // a is indexed
            GatedIndexProvider.failNext();
            assertThat(store.put(b)).as("returns: its index write runs later, and fails").isEqualTo(refB);
            assertThatThrownBy(store::stats).isInstanceOf(StorageIOException.class)
                    .hasStackTraceContaining("the index could not be written");
            assertThatThrownBy(() -> store.put(c)).isInstanceOf(StorageIOException.class)
                    .hasStackTraceContaining("the index could not be written");
            assertThat(store.get(refA)).isEqualTo(a);
            assertThat(store.get(refB)).as("found in the queue's table").isEqualTo(b);
        } catch (StorageIOException closing) {
            // the close reports the failure again
        } finally {
            GatedIndexProvider.open();
        }
        try (BlobStore store = BlobStore.builder(tmp).index(new GatedIndexProvider()).durability(mode).open()) {
            assertThat(store.get(refA)).isEqualTo(a);
            assertThat(store.get(refB)).as("indexed again after the checkpoint").isEqualTo(b);
            BlobRef refC = store.put(c);
            assertThat(store.get(refC)).isEqualTo(c);
            assertThat(store.stats().blobs()).isEqualTo(3);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void enumerateWaitsForTheIndexBatchOfForcedPuts() throws Exception {
        byte[] first = "first".getBytes();
        byte[] second = "second".getBytes();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (BlobStore store = BlobStore.builder(tmp).index(new GatedIndexProvider()).durability(Durability.GROUP).open()) {
            BlobRef a = store.put(first);
            GatedIndexProvider.arm();
            Future<BlobRef> leader = pool.submit(() -> store.put(second));
            List<List<BlobRef>> listed = new ArrayList<>();
            Thread lister = new Thread(() -> listed.add(store.enumerate().map(BlobInfo::ref).toList()));
            try {
                assertThat(GatedIndexProvider.entered().await(30, TimeUnit.SECONDS)).isTrue();
                lister.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (lister.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // until the listing parks behind the index batch in flight
                }
                assertThat(lister.getState()).isEqualTo(Thread.State.WAITING);
                assertThat(listed).isEmpty();
            } finally {
                GatedIndexProvider.open();
            }
            BlobRef b = leader.get(30, TimeUnit.SECONDS);
            lister.join(30_000);
            assertThat(listed).containsExactly(List.of(a, b).stream().sorted().toList());
            assertThat(store.stats().blobs()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void interruptedWritersNeitherFailNorBreakTheStore(Durability durability) throws Exception {
        int threads = 4;
        int perThread = 150;
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(64 * 1024).durability(durability).open()) {
            BlobRef before = store.put("before".getBytes());
            Thread.currentThread().interrupt();
            BlobRef mine = store.put("put while interrupted".getBytes());
            assertThat(Thread.interrupted()).as("the interrupt is handed back").isTrue();

            Map<BlobRef, byte[]> stored = new ConcurrentHashMap<>();
            // interrupt the writers again and again while they write, force and roll packs over
            List<Throwable> failures = runInterrupted(threads, seed -> {
                Random rnd = new Random(seed);
                for (int i = 0; i < perThread; i++) {
                    byte[] b = random(rnd, 200 + rnd.nextInt(2000));
                    stored.put(store.put(b), b);
                    Thread.interrupted();
                }
            });
            assertThat(failures).isEmpty();
            assertThat(stored).hasSize(threads * perThread);
            assertThat(store.get(before)).isEqualTo("before".getBytes());
            assertThat(store.get(mine)).isEqualTo("put while interrupted".getBytes());
            for (var e : stored.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(store.verify().isClean()).isTrue();
        }
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            assertThat(store.stats().blobs()).isEqualTo(threads * perThread + 2);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void everyCallOfAnInterruptedThreadCompletesAndKeepsTheInterrupt() throws Exception {
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(64 * 1024).open()) {
            Map<BlobRef, byte[]> stored = fill(store, 3, 120, 500, 3000);
            BlobRef first = stored.keySet().iterator().next();
            List<String> calls = new ArrayList<>();
            List<Runnable> all = List.of(
                    () -> stored.forEach((ref, b) -> assertThat(store.get(ref)).isEqualTo(b)),
                    () -> assertThat(store.exists(first)).isTrue(),
                    () -> assertThat(store.size(first)).isEqualTo(stored.get(first).length),
                    () -> assertThat(store.enumerate().count()).isEqualTo(stored.size()),
                    () -> assertThat(store.stats().blobs()).isEqualTo(stored.size()),
                    () -> assertThat(store.putAll(List.of("a".getBytes(), "b".getBytes()))).hasSize(2),
                    () -> assertThat(store.verify().isClean()).isTrue(),
                    () -> assertThat(store.repair().repaired()).isEmpty(),
                    store::rebuildIndex);
            for (Runnable call : all) {
                Thread.currentThread().interrupt();
                call.run();
                calls.add(Thread.interrupted() ? "kept" : "lost");
            }
            assertThat(calls).as("the interrupt after each call").containsOnly("kept");
            // nothing the interrupted calls did closed a channel under the store
            stored.forEach((ref, b) -> assertThat(store.get(ref)).isEqualTo(b));
            assertThat(store.stats().blobs()).isEqualTo(stored.size() + 2);
            Thread.currentThread().interrupt();
        } finally {
            assertThat(Thread.interrupted()).as("close keeps the interrupt too").isTrue();
        }
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            assertThat(store.stats().uncleanShutdown()).isFalse();
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void readersInterruptedWhileTheyReadNeitherFailNorBreakTheStore() throws Exception {
        int threads = 4;
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(64 * 1024).open()) {
            Map<BlobRef, byte[]> stored = fill(store, 4, 200, 500, 3000);
            List<BlobRef> refs = new ArrayList<>(stored.keySet());
            // interrupts land at any point of a get, in the middle of reads from shared channels too
            List<Throwable> failures = runInterrupted(threads, seed -> {
                Random pick = new Random(seed);
                for (int i = 0; i < 3000; i++) {
                    BlobRef ref = refs.get(pick.nextInt(refs.size()));
                    assertThat(store.get(ref)).isEqualTo(stored.get(ref));
                    Thread.interrupted();
                }
            });
            assertThat(failures).isEmpty();
            stored.forEach((ref, b) -> assertThat(store.get(ref)).isEqualTo(b));
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void readsDuringAnIndexRebuildFindEveryBlob() throws Exception {
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(256 * 1024).open()) {
            Map<BlobRef, byte[]> stored = fill(store, 6, 600, 100, 1500);
            List<BlobRef> refs = new ArrayList<>(stored.keySet());
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean rebuilding = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                final int seed = t;
                Thread r = new Thread(() -> {
                    Random pick = new Random(seed);
                    try {
                        while (rebuilding.get()) {
                            BlobRef ref = refs.get(pick.nextInt(refs.size()));
                            if (seed == 0) {
                                assertThat(store.enumerate().count()).isEqualTo(refs.size());
                            } else if (seed == 1) {
                                assertThat(store.exists(ref)).isTrue();
                                assertThat(store.size(ref)).isEqualTo(stored.get(ref).length);
                            } else {
                                assertThat(store.get(ref)).isEqualTo(stored.get(ref));
                            }
                            reads.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                readers.add(r);
                r.start();
            }
            try {
                for (int i = 0; i < 8 && failures.isEmpty(); i++) {
                    store.rebuildIndex();
                }
            } finally {
                rebuilding.set(false);
                for (Thread r : readers) {
                    r.join();
                }
            }
            assertThat(failures).isEmpty();
            assertThat(reads.get()).isPositive();
            assertThat(store.stats().blobs()).isEqualTo(refs.size());
        }
    }

    /** What a thread of {@link #runInterrupted} does; its number seeds it. */
    private interface Work {
        void run(int seed) throws Exception;
    }

    /**
     * Runs {@code work} on {@code threads} threads while this one interrupts them, one picked at
     * random after another, until all are done.
     *
     * @return what the threads threw
     */
    private static List<Throwable> runInterrupted(int threads, Work work) throws InterruptedException {
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int seed = t;
            Thread w = new Thread(() -> {
                try {
                    work.run(seed);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            workers.add(w);
            w.start();
        }
        Random pick = new Random(threads);
        while (workers.stream().anyMatch(Thread::isAlive)) {
            workers.get(pick.nextInt(threads)).interrupt();
            Thread.yield();
        }
        for (Thread w : workers) {
            w.join();
        }
        return failures;
    }

    /**
     * Puts {@code count} random blobs of {@code min} to {@code min + spread - 1} bytes.
     *
     * @return the blobs by reference, in the order they were put
     */
    private static Map<BlobRef, byte[]> fill(BlobStore store, long seed, int count, int min, int spread) {
        Map<BlobRef, byte[]> stored = new java.util.LinkedHashMap<>();
        Random rnd = new Random(seed);
        for (int i = 0; i < count; i++) {
            byte[] b = random(rnd, min + rnd.nextInt(spread));
            stored.put(store.put(b), b);
        }
        return stored;
    }
}
