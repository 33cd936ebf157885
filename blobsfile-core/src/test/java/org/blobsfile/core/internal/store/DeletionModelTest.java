package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Durability;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.SweepReport;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.testing.BlobPool;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of puts, deletions, sweeps, compactions, reopens, rebuilds and switches of
 * index plugin on a store of small packs, checked against a model: a map of the live blobs to
 * their bytes. After every step a sample of live and deleted blobs is read back; at checkpoints
 * the listing equals the model, the totals agree, verify is clean and, after a compaction, the
 * independent v1 checker accepts every pack. Half the cases prune the deletion log after every
 * compaction. A failure names the case's seed and its steps;
 * {@code -Dblobsfile.model.seed=N} runs that one case alone. Cases: {@value #CASES} times the
 * {@link Cases} factor, or {@code -Dblobsfile.model.cases=N}.
 */
class DeletionModelTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final int CASES = 10;
    private static final int STEPS = 90;
    private static final long PACK = 64 * 1024;
    private static final String V1CHECK = System.getProperty("blobsfile.v1check");

    @TempDir
    Path tmp;

    /** What every case did, for the summary line. */
    private static final class Tally {
        final TreeMap<String, Integer> ops = new TreeMap<>();
        final TreeMap<String, Long> millis = new TreeMap<>();
        long checkedLive;
        long checkedDead;
        int rewritten;
        int v1checks;
        int checkpoints;
    }

    @Test
    void randomSequencesKeepTheStoreEqualToTheModel() throws Exception {
        Long only = Long.getLong("blobsfile.model.seed");
        int cases = only != null ? 1 : Integer.getInteger("blobsfile.model.cases", Cases.scaled(CASES));
        Random root = SEED.random();
        Tally t = new Tally();
        long t0 = System.nanoTime();
        for (int c = 0; c < cases; c++) {
            long caseSeed = only != null ? only : root.nextLong();
            Path dir = tmp.resolve("case-" + c);
            List<Op> ops = Op.generate(new Random(caseSeed), STEPS);
            Throwable failure = new Case(dir, caseSeed, ops, t).run();
            if (failure != null) {
                List<Op> smallest = Boolean.getBoolean("blobsfile.model.shrink") ? shrink(caseSeed, ops, failure)
                        : ops;
                Case last = new Case(tmp.resolve("case-" + c + "-smallest"), caseSeed, smallest, new Tally());
                Throwable again = last.run();
                AssertionError e = new AssertionError("deletion model case seed " + caseSeed
                        + " (replay with -Dblobsfile.model.seed=" + caseSeed + "; add -Dblobsfile.model.shrink=true"
                        + " for the fewest steps that fail) failed after " + smallest.size() + " of " + ops.size()
                        + " steps:\n  " + String.join("\n  ", last.steps) + "\n" + (again != null ? again : failure),
                        again != null ? again : failure);
                throw e;
            }
        }
        System.out.printf("deletion model: %d cases of %d steps, %s; %d live and %d deleted reads checked, %d"
                        + " checkpoints, %d packs compacted, %d v1check runs; %d ms (by step: %s)%n", cases, STEPS, t.ops,
                t.checkedLive, t.checkedDead, t.checkpoints, t.rewritten, t.v1checks,
                (System.nanoTime() - t0) / 1_000_000, t.millis);
        assertThat(t.checkpoints).isPositive();
    }

    /** @return the fewest steps of {@code ops} found that still fail the same way */
    private List<Op> shrink(long caseSeed, List<Op> ops, Throwable failure) {
        String kind = signature(failure);
        List<Op> best = new ArrayList<>(ops);
        int runs = 0;
        for (int chunk = Math.max(1, best.size() / 2); chunk >= 1; chunk /= 2) {
            for (int from = 0; from < best.size() && runs < 400; ) {
                List<Op> fewer = new ArrayList<>(best.subList(0, from));
                fewer.addAll(best.subList(Math.min(best.size(), from + chunk), best.size()));
                runs++;
                Throwable f = new Case(tmp.resolve("shrink-" + runs), caseSeed, fewer, new Tally()).run();
                if (f != null && signature(f).equals(kind)) {
                    best = fewer;
                } else {
                    from += chunk;
                }
            }
        }
        return best;
    }

    /** @return what kind of failure it is: its first line, without the numbers that vary */
    private static String signature(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return t.getClass().getName() + ":" + (nl < 0 ? m : m.substring(0, nl)).replaceAll("[0-9a-f]{64}", "<ref>");
    }

    /** One step of a case: what it does and the seed of its choices, so that a case can be replayed with steps left out. */
    private record Op(int kind, long seed) {
        static List<Op> generate(Random r, int steps) {
            List<Op> ops = new ArrayList<>();
            ops.add(new Op(-1, r.nextLong())); // the first open
            for (int i = 0; i < steps; i++) {
                ops.add(new Op(r.nextInt(100), r.nextLong()));
                if (i % 25 == 24) {
                    ops.add(new Op(99, r.nextLong()));
                }
            }
            ops.add(new Op(99, r.nextLong()));
            return ops;
        }
    }

    /** One random sequence on its own store directory. */
    private static final class Case {
        private final Path dir;
        private final List<Op> ops;
        private Random r;
        private final Tally t;
        private final BlobPool pool;
        private final KeptMemoryIndex kept = new KeptMemoryIndex();
        private final TreeMap<BlobRef, byte[]> model = new TreeMap<>();
        final List<String> steps = new ArrayList<>();
        private BlobStore store;
        private Durability mode = Durability.GROUP;
        private boolean rocks = true;
        private boolean compactedSinceCheck;
        /** Whether this case prunes the deletion log after every compaction. */
        private boolean prune;

        Case(Path dir, long seed, List<Op> ops, Tally t) {
            this.dir = dir;
            this.ops = ops;
            this.t = t;
            this.pool = BlobPool.create(new Random(seed), 60 + new Random(seed).nextInt(60), 6000);
        }

        /** @return what failed, or null */
        Throwable run() {
            // half the cases prune the deletion log after every compaction, so its checks also run on pruned logs
            prune = new Random(ops.get(0).seed()).nextBoolean();
            if (prune) {
                System.setProperty(Compactor.PRUNE_AT_PROPERTY, "1");
                log("pruning forced");
            }
            try {
                for (Op op : ops) {
                    r = new Random(op.seed());
                    if (store == null) {
                        mode = Durability.values()[r.nextInt(3)];
                        rocks = r.nextBoolean();
                        open("open");
                    }
                    long t0 = System.nanoTime();
                    step(op.kind());
                    sample();
                    t.millis.merge(steps.isEmpty() ? "?" : steps.get(steps.size() - 1).split("[ (]")[0],
                            (System.nanoTime() - t0) / 1_000_000, Long::sum);
                }
                store.close();
                store = null;
                if (V1CHECK != null && Files.isExecutable(Path.of(V1CHECK))) {
                    v1check();
                }
                return null;
            } catch (Throwable e) {
                return e;
            } finally {
                if (prune) {
                    System.clearProperty(Compactor.PRUNE_AT_PROPERTY);
                }
                if (store != null) {
                    try {
                        store.close();
                    } catch (RuntimeException ignored) {
                        // the failure is what counts
                    }
                }
            }
        }

        private void log(String s) {
            steps.add(s);
            t.ops.merge(s.split("[ (]")[0], 1, Integer::sum);
        }

        private void open(String why) {
            var b = BlobStore.builder(dir).maxPackSize(PACK).durability(mode);
            store = rocks ? b.index("rocksdb").open() : b.index(kept).open();
            log(why + " (" + (rocks ? "rocksdb" : "kept-memory") + ", " + mode + ")");
        }

        private void step(int k) throws Exception {
            if (k < 0) {
                return; // the first open, made above
            } else if (k < 24) {
                put();
            } else if (k < 40) {
                putAll();
            } else if (k < 53) {
                delete();
            } else if (k < 63) {
                deleteAll();
            } else if (k < 69) {
                sweep(false);
            } else if (k < 74) {
                sweep(true);
            } else if (k < 90) {
                compact();
            } else if (k < 94) {
                store.close();
                mode = Durability.values()[r.nextInt(3)];
                open("reopen");
            } else if (k < 96) {
                store.close();
                rocks = !rocks;
                mode = Durability.values()[r.nextInt(3)];
                open("switch-index");
            } else if (k < 98) {
                log("rebuildIndex");
                store.rebuildIndex();
            } else {
                checkpoint();
            }
        }

        private void put() {
            int i = pool.pick(r);
            boolean withRef = r.nextInt(4) == 0;
            log("put #" + i + (withRef ? " with ref" : "") + (model.containsKey(pool.refOf(i)) ? " (stored)" : ""));
            if (withRef) {
                store.put(pool.refOf(i), pool.blob(i));
            } else {
                assertThat(store.put(pool.blob(i))).isEqualTo(pool.refOf(i));
            }
            model.put(pool.refOf(i), pool.blob(i));
        }

        private void putAll() {
            int n = 1 + r.nextInt(12);
            List<byte[]> blobs = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                int i = pool.pick(r);
                which.add(i);
                blobs.add(pool.blob(i));
            }
            log("putAll " + which);
            List<BlobRef> refs = store.putAll(blobs);
            assertThat(refs).hasSize(n);
            for (int j = 0; j < n; j++) {
                assertThat(refs.get(j)).isEqualTo(pool.refOf(which.get(j)));
                model.put(refs.get(j), blobs.get(j));
            }
        }

        private void delete() {
            int i = pool.pick(r);
            BlobRef ref = pool.refOf(i);
            boolean stored = model.containsKey(ref);
            log("delete #" + i + (stored ? "" : " (absent)"));
            assertThat(store.delete(ref)).as("delete of #%d", i).isEqualTo(stored);
            model.remove(ref);
        }

        private void deleteAll() {
            int n = 1 + r.nextInt(14);
            List<BlobRef> refs = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                int i = pool.pick(r);
                which.add(i);
                refs.add(pool.refOf(i));
            }
            if (r.nextInt(3) == 0) {
                refs.add(BlobPool.ref(("never put " + r.nextLong()).getBytes()));
                which.add(-1);
            }
            log("deleteAll " + which);
            List<BlobRef> expected = new ArrayList<>(new LinkedHashSet<>(refs));
            expected.removeIf(x -> !model.containsKey(x));
            assertThat(store.deleteAll(refs)).containsExactlyElementsOf(expected);
            refs.forEach(model::remove);
        }

        private void sweep(boolean sorted) {
            double keepRate = 0.3 + r.nextDouble() * 0.7;
            Set<BlobRef> keep = new HashSet<>();
            for (BlobRef ref : pool.refs()) {
                if (r.nextDouble() < keepRate) {
                    keep.add(ref);
                }
            }
            // a blob put while the sweep runs: never deleted by it, whether it was stored or not
            int during = r.nextBoolean() ? pool.pick(r) : -1;
            BlobRef duringRef = during < 0 ? null : pool.refOf(during);
            boolean duringWasLive = duringRef != null && model.containsKey(duringRef);
            log((sorted ? "sweep-sorted" : "sweep") + " keeping " + keep.size() + "/" + pool.size()
                    + (during >= 0 ? ", #" + during + " put during it" : ""));
            long examined = model.size();
            long deleted = model.keySet().stream().filter(x -> !keep.contains(x) && !x.equals(duringRef)).count();
            long spared = duringWasLive && !keep.contains(duringRef) ? 1 : 0;
            boolean[] putYet = {false};
            BlobRef[] last = {null};
            SweepReport report;
            if (sorted) {
                TreeSet<BlobRef> live = new TreeSet<>(keep);
                for (int j = 0; j < 3; j++) {
                    live.add(BlobPool.ref(("never put " + r.nextLong()).getBytes()));
                }
                List<BlobRef> stream = new ArrayList<>();
                for (BlobRef ref : live) {
                    stream.add(ref);
                    if (r.nextInt(5) == 0) {
                        stream.add(ref); // repeats are allowed
                    }
                }
                if (duringRef != null) {
                    // the stream is read as the sweep goes: its first ref is asked for inside the sweep
                    report = store.sweep(stream.stream().peek(x -> putDuring(putYet, during)));
                } else {
                    report = store.sweep(stream.stream());
                }
            } else {
                report = store.sweep(ref -> {
                    if (last[0] != null) {
                        assertThat(ref).as("asked in ascending order").isGreaterThan(last[0]);
                    }
                    last[0] = ref;
                    if (duringRef != null) {
                        putDuring(putYet, during);
                    }
                    return keep.contains(ref);
                });
            }
            if (duringRef != null && !putYet[0]) {
                // the sweep asked nothing (an empty store): the put comes after it
                putDuring(putYet, during);
                spared = 0;
            }
            model.keySet().removeIf(x -> !keep.contains(x) && !x.equals(duringRef));
            if (duringRef != null) {
                model.put(duringRef, pool.blob(during));
            }
            assertThat(report.deleted()).as("deleted by %s", report).isEqualTo(deleted);
            assertThat(report.examined()).as("examined by %s", report).isEqualTo(examined);
            assertThat(report.spared()).as("spared by %s", report).isEqualTo(spared);
        }

        private void putDuring(boolean[] putYet, int during) {
            if (!putYet[0]) {
                putYet[0] = true;
                assertThat(store.put(pool.blob(during))).isEqualTo(pool.refOf(during));
            }
        }

        private void compact() {
            int pct = r.nextInt(61);
            long rate = r.nextInt(4) == 0 ? 8L << 20 : 0;
            log("compact " + pct + "%" + (rate > 0 ? " at " + (rate >> 20) + " MiB/s" : ""));
            Set<Integer> sealed = new HashSet<>();
            for (Path p : store.sealedPacks()) {
                sealed.add(PackFormat.packNumber(p.getFileName().toString()));
            }
            StoreStats before = store.stats();
            long dataArea = PackGeometry.of(PACK).dataAreaEnd() - PackFormat.HEADER_SIZE;
            long threshold = (long) Math.ceil(dataArea * (double) pct / 100);
            Set<Integer> due = new TreeSet<>();
            Set<Integer> may = new TreeSet<>();
            for (Map.Entry<Integer, Long> g : before.garbageByPack().entrySet()) {
                if (g.getValue() > 0 && g.getValue() >= threshold) {
                    may.add(g.getKey());
                    if (sealed.contains(g.getKey())) {
                        due.add(g.getKey());
                    }
                }
            }
            long[] progress = {0, 0};
            CompactionReport report = store.compact(CompactionOptions.defaults().withMinGarbagePercent(pct)
                    .withBytesPerSecond(rate), (done, total) -> {
                        assertThat(done).isGreaterThanOrEqualTo(progress[0]);
                        progress[0] = done;
                        progress[1] = total;
                    });
            assertThat(report.skipped()).as("skipped").isEmpty();
            Set<Integer> rewritten = new TreeSet<>();
            for (Path p : report.rewritten()) {
                rewritten.add(PackFormat.packNumber(p.getFileName().toString()));
            }
            assertThat(rewritten).as("rewritten of %s (sealed %s)", may, sealed).containsAll(due);
            assertThat(may).containsAll(rewritten);
            StoreStats after = store.stats();
            for (int n : rewritten) {
                assertThat(after.garbageByPack().getOrDefault(n, 0L)).as("garbage of rewritten pack %d", n).isZero();
            }
            assertThat(after.compactions() - before.compactions()).isEqualTo(rewritten.size());
            assertThat(after.reclaimedBytes() - before.reclaimedBytes()).isEqualTo(report.bytesReclaimed());
            assertThat(after.garbageBytes()).isEqualTo(after.garbageByPack().values().stream().mapToLong(x -> x).sum());
            t.rewritten += rewritten.size();
            compactedSinceCheck |= !rewritten.isEmpty();
            steps.set(steps.size() - 1, steps.get(steps.size() - 1) + " -> rewrote " + rewritten);
        }

        /** Reads back a sample of live blobs and of blobs not stored. */
        private void sample() {
            List<BlobRef> live = new ArrayList<>(model.keySet());
            for (int j = 0; j < 6 && !live.isEmpty(); j++) {
                BlobRef ref = live.get(r.nextInt(live.size()));
                byte[] want = model.get(ref);
                assertThat(store.get(ref)).as("get of live %s", ref).isEqualTo(want);
                assertThat(store.exists(ref)).as("exists of live %s", ref).isTrue();
                assertThat(store.size(ref)).as("size of live %s", ref).isEqualTo(want.length);
                t.checkedLive++;
            }
            for (int j = 0; j < 4; j++) {
                BlobRef ref = pool.refOf(pool.pick(r));
                if (model.containsKey(ref)) {
                    continue;
                }
                assertThat(store.exists(ref)).as("exists of deleted %s", ref).isFalse();
                assertThatThrownBy(() -> store.get(ref)).as("get of deleted %s", ref)
                        .isInstanceOf(BlobNotFoundException.class);
                assertThatThrownBy(() -> store.size(ref)).isInstanceOf(BlobNotFoundException.class);
                t.checkedDead++;
            }
        }

        /** The listing equals the model, the totals agree, verify is clean, and v1check passes after compaction. */
        private void checkpoint() throws Exception {
            log("checkpoint");
            t.checkpoints++;
            List<BlobInfo> listed = store.enumerate().toList();
            assertThat(listed.stream().map(BlobInfo::ref).toList()).as("enumerate").containsExactlyElementsOf(
                    model.keySet());
            for (BlobInfo i : listed) {
                assertThat(i.size()).as("listed size of %s", i.ref()).isEqualTo(model.get(i.ref()).length);
            }
            StoreStats s = store.stats();
            assertThat(s.blobs()).as("stats blobs").isEqualTo(model.size());
            assertThat(s.bytes()).as("stats bytes").isEqualTo(model.values().stream().mapToLong(b -> b.length).sum());
            VerifyReport v = store.verify();
            assertThat(v.isClean()).as("verify: %s %s %s", v.damage(), v.index(), v.warnings()).isTrue();
            for (Map.Entry<BlobRef, byte[]> e : model.entrySet()) {
                assertThat(store.get(e.getKey())).as("get of live %s", e.getKey()).isEqualTo(e.getValue());
            }
            if (compactedSinceCheck && V1CHECK != null && Files.isExecutable(Path.of(V1CHECK))) {
                store.close();
                store = null;
                v1check();
                open("reopen after v1check");
            }
        }

        private void v1check() throws Exception {
            String[] check = org.blobsfile.core.testing.V1CheckTest.run(dir, "--strict", "--max-pack-size",
                    Long.toString(PACK));
            assertThat(check[0]).as("v1check --strict:\n%s", check[1]).isEqualTo("0");
            t.v1checks++;
            compactedSinceCheck = false;
        }
    }
}
