package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Durability;
import org.blobsfile.api.SweepReport;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.testing.BlobPool;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.core.testing.fs.FaultyFileSystem;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Puts, gets and deletes from several threads while other threads compact and sweep. Each worker
 * owns its blobs, so it knows at every moment which of them are live: a get of a live blob never
 * fails (not while compaction moves it), a delete finds exactly the blobs it should. Shared blobs
 * are only ever put again, and must read back always. Sweeps keep everything but "garbage" blobs,
 * which workers put without ever deleting: one whose put began after a sweep had begun is never
 * deleted by it, and one whose put returned before a sweep began is deleted by it. At the end the
 * store, reopened, holds exactly what the workers' models say.
 */
class DeletionConcurrencyTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;
    private static final int WORKERS = 3;
    /** Blobs each worker owns. */
    private static final int OWN = 60;
    /** Steps per worker; compactions and sweeps run meanwhile, as many as fit. */
    private static final int STEPS = 800;
    /** Worker steps per compaction and per sweep: the maintenance threads keep pace with the work. */
    private static final int STEPS_PER_PASS = 20;

    @TempDir
    Path tmp;

    /** One worker's blobs and what it knows of them. */
    private static final class Worker {
        final BlobPool own;
        final Map<BlobRef, byte[]> live = new HashMap<>();
        final Set<BlobRef> deleted = new HashSet<>();
        long gets;
        long deletes;
        long puts;

        Worker(BlobPool own) {
            this.own = own;
        }
    }

    /** A garbage blob's put and the sweeps around it. */
    private record GarbagePut(BlobRef ref, int sweepConfirmedBefore, int sweepsStartedAfter) {
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void readsNeverFailAndSweepsSpareLaterPutsWhileCompactionMovesBlobs(Durability mode) throws Exception {
        Random r = SEED.random();
        int steps = Cases.scaled(STEPS);
        Path dir = tmp.resolve(mode.name());
        boolean rocks = r.nextBoolean();
        KeptMemoryIndex kept = new KeptMemoryIndex();
        // one pool cut in slices: small blobs drawn twice would otherwise belong to two owners
        BlobPool all = BlobPool.create(r, 20 + WORKERS * OWN, 6000);
        BlobPool shared = all.slice(0, 20);
        List<Worker> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            workers.add(new Worker(all.slice(20 + w * OWN, OWN)));
        }
        Set<BlobRef> garbage = ConcurrentHashMap.newKeySet();
        List<GarbagePut> garbagePuts = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sweepsStarted = new AtomicInteger();
        AtomicInteger sweepConfirmed = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        Semaphore sweepTickets = new Semaphore(0);
        Semaphore compactTickets = new Semaphore(0);
        AtomicLong garbageCounter = new AtomicLong();
        long[] totals = new long[6]; // sweeps, deleted, spared, rewritten, moved, compact calls
        long t0 = System.nanoTime();
        // the in-memory index through a file layer that skips the real forces: this test is about
        // interleavings, and forces would only make the run longer (RocksDB needs the real file system)
        var running = BlobStore.builder(rocks ? dir : FaultyFileSystem.create().wrap(dir)).maxPackSize(PACK).durability(mode);
        var builder = BlobStore.builder(dir).maxPackSize(PACK).durability(mode);
        try (BlobStore store = rocks ? running.index("rocksdb").open() : running.index(kept).open()) {
            for (int i = 0; i < shared.size(); i++) {
                store.put(shared.blob(i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 2);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    Worker worker = workers.get(w);
                    long seed = r.nextLong();
                    int id = w;
                    futures.add(pool.submit(() -> {
                        Random wr = new Random(seed);
                        for (int i = 0; i < steps; i++) {
                            work(store, worker, shared, wr, id, garbage, garbagePuts, sweepsStarted, sweepConfirmed,
                                    garbageCounter);
                            if (i % STEPS_PER_PASS == 0) {
                                sweepTickets.release();
                                compactTickets.release();
                            }
                        }
                        return null;
                    }));
                }
                Future<?> sweeper = pool.submit(() -> {
                    while (!done.get()) {
                        if (!sweepTickets.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        int k = sweepsStarted.incrementAndGet();
                        boolean[] confirmed = {false};
                        SweepReport rep = store.sweep(ref -> {
                            if (!confirmed[0]) {
                                confirmed[0] = true;
                                sweepConfirmed.set(k);
                            }
                            return !garbage.contains(ref);
                        });
                        synchronized (totals) {
                            totals[0]++;
                            totals[1] += rep.deleted();
                            totals[2] += rep.spared();
                        }
                    }
                    return null;
                });
                long compactSeed = r.nextLong();
                Future<?> compactor = pool.submit(() -> {
                    Random cr = new Random(compactSeed);
                    while (!done.get()) {
                        if (!compactTickets.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        CompactionOptions o = CompactionOptions.defaults().withMinGarbagePercent(cr.nextInt(41));
                        if (cr.nextInt(4) == 0) {
                            o = o.withBytesPerSecond(16L << 20);
                        }
                        CompactionReport rep = store.compact(o, (d, t) -> { });
                        assertThat(rep.skipped()).as("skipped packs").isEmpty();
                        synchronized (totals) {
                            totals[3] += rep.rewritten().size();
                            totals[4] += rep.blobsMoved();
                            totals[5]++;
                        }
                    }
                    return null;
                });
                try {
                    for (Future<?> f : futures) {
                        f.get(300, TimeUnit.SECONDS);
                    }
                } finally {
                    done.set(true);
                }
                compactor.get(120, TimeUnit.SECONDS);
                sweeper.get(120, TimeUnit.SECONDS);
            } finally {
                done.set(true);
                pool.shutdownNow();
            }
        }
        int sweeps = sweepsStarted.get();
        Map<BlobRef, byte[]> expected = new HashMap<>();
        Set<BlobRef> absent = new HashSet<>();
        for (int i = 0; i < shared.size(); i++) {
            expected.put(shared.refOf(i), shared.blob(i));
        }
        for (Worker w : workers) {
            expected.putAll(w.live);
            absent.addAll(w.deleted);
        }
        Set<BlobRef> either = new HashSet<>();
        int garbageKept = 0;
        int garbageGone = 0;
        for (GarbagePut g : garbagePuts) {
            if (g.sweepsStartedAfter() < sweeps) {
                absent.add(g.ref()); // a later sweep began after its put returned
                garbageGone++;
            } else if (g.sweepConfirmedBefore() == sweeps) {
                expected.put(g.ref(), null); // put after the last sweep began: no sweep deletes it
                garbageKept++;
            } else {
                either.add(g.ref());
            }
        }
        try (BlobStore store = rocks ? builder.index("rocksdb").open() : builder.index(kept).open()) {
            for (Map.Entry<BlobRef, byte[]> e : expected.entrySet()) {
                assertThat(store.exists(e.getKey())).as("%s is live", e.getKey()).isTrue();
                if (e.getValue() != null) {
                    assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
            for (BlobRef ref : absent) {
                assertThat(store.exists(ref)).as("%s was deleted", ref).isFalse();
            }
            Set<BlobRef> listed = new HashSet<>();
            store.enumerate().map(BlobInfo::ref).forEach(listed::add);
            Set<BlobRef> unexpected = new HashSet<>(listed);
            unexpected.removeAll(expected.keySet());
            unexpected.removeAll(either);
            assertThat(unexpected).as("listed but neither live nor undecided").isEmpty();
            assertThat(store.stats().blobs()).isEqualTo(listed.size());
            VerifyReport v = store.verify();
            assertThat(v.isClean()).as("verify: %s %s %s", v.damage(), v.index(), v.warnings()).isTrue();
        }
        String v1 = System.getProperty("blobsfile.v1check");
        if (v1 != null && Files.isExecutable(Path.of(v1))) {
            String[] check = org.blobsfile.core.testing.V1CheckTest.run(dir, "--strict", "--max-pack-size",
                    Long.toString(PACK));
            assertThat(check[0]).as("v1check --strict:\n%s", check[1]).isEqualTo("0");
        }
        long gets = workers.stream().mapToLong(w -> w.gets).sum();
        long deletes = workers.stream().mapToLong(w -> w.deletes).sum();
        long puts = workers.stream().mapToLong(w -> w.puts).sum();
        System.out.printf("deletion concurrency %s (%s): %d puts, %d gets, %d deletes by %d threads during %d"
                        + " compactions (%d packs rewritten, %d blobs moved) and %d sweeps (%d deleted, %d spared);"
                        + " garbage blobs: %d put, %d deleted by a later sweep, %d put during the last sweep and kept,"
                        + " %d undecided; %d ms%n", mode, rocks ? "rocksdb" : "kept-memory", puts, gets, deletes,
                WORKERS, totals[5], totals[3], totals[4], totals[0], totals[1], totals[2], garbagePuts.size(),
                garbageGone, garbageKept, either.size(), (System.nanoTime() - t0) / 1_000_000);
        assertThat(totals[3]).as("packs rewritten").isPositive();
        assertThat(totals[0]).as("sweeps").isPositive();
    }

    /** One random step of a worker on its own blobs, the shared ones, or a garbage blob. */
    private static void work(BlobStore store, Worker w, BlobPool shared, Random r, int id, Set<BlobRef> garbage,
                             List<GarbagePut> garbagePuts, AtomicInteger sweepsStarted, AtomicInteger sweepConfirmed,
                             AtomicLong counter) {
        int k = r.nextInt(100);
        if (k < 30) {
            int i = w.own.pick(r);
            BlobRef ref = store.put(w.own.blob(i));
            assertThat(ref).isEqualTo(w.own.refOf(i));
            w.live.put(ref, w.own.blob(i));
            w.deleted.remove(ref);
            w.puts++;
        } else if (k < 45) {
            int i = w.own.pick(r);
            BlobRef ref = w.own.refOf(i);
            boolean was = w.live.containsKey(ref);
            assertThat(store.delete(ref)).as("delete of a blob of worker %d", id).isEqualTo(was);
            w.live.remove(ref);
            w.deleted.add(ref);
            w.deletes++;
        } else if (k < 80) {
            int i = w.own.pick(r);
            BlobRef ref = w.own.refOf(i);
            byte[] want = w.live.get(ref);
            if (want != null) {
                assertThat(store.get(ref)).as("get of live %s", ref).isEqualTo(want);
            } else {
                try {
                    store.get(ref);
                    throw new AssertionError("a get of " + ref + ", deleted or never put, returned data");
                } catch (BlobNotFoundException expected) {
                    // absent, as it should be
                }
            }
            w.gets++;
        } else if (k < 90) {
            int i = shared.pick(r);
            if (r.nextBoolean()) {
                assertThat(store.get(shared.refOf(i))).isEqualTo(shared.blob(i));
                w.gets++;
            } else {
                assertThat(store.put(shared.blob(i))).isEqualTo(shared.refOf(i));
                w.puts++;
            }
        } else {
            byte[] b = ("garbage of worker " + id + " number " + counter.incrementAndGet() + " ").repeat(
                    1 + r.nextInt(80)).getBytes();
            BlobRef ref = BlobPool.ref(b);
            garbage.add(ref);
            int confirmed = sweepConfirmed.get();
            store.put(b);
            garbagePuts.add(new GarbagePut(ref, confirmed, sweepsStarted.get()));
            w.puts++;
        }
    }
}
