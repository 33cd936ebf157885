package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at a random moment while it puts blobs from several threads,
 * reopens the store, and checks that every blob whose put had returned reads back, that verify
 * finds no damage, and that the independent v1 checker accepts the packs. Cycles run in two
 * lanes (one store each) to use both cores; every mode gets a third of them. Every other store
 * uses the H2 index, with generations of 200 keys, the others RocksDB.
 *
 * <p>Run by failsafe in the {@code verify} phase: {@value #DEFAULT_CYCLES} cycles by default,
 * more under the {@code ci} and {@code soak} profiles, any number with
 * {@code -Dblobsfile.crash.cycles=N}. A fresh seed each run; {@code -Dblobsfile.seed=N} replays
 * its blobs, codecs and kill delays, though where a kill lands in the child's work still depends
 * on timing.
 */
class CrashIT {
    private static final long PACK_SIZE = 262_147; // small, so kills land in rollovers and seals; not a multiple of 10
    /** Kill cycles when the build does not set {@code blobsfile.crash.cycles}. */
    static final int DEFAULT_CYCLES = 20;
    private static final int CYCLES = Integer.getInteger("blobsfile.crash.cycles", DEFAULT_CYCLES);
    private static final int CYCLES_PER_STORE = 30;

    /** The seed of the kill moments and of the children's blobs, printed when the test fails. */
    @RegisterExtension
    final RandomSeed seeds = new RandomSeed();

    @TempDir
    Path tmp;

    /** Per durability mode: cycles, acknowledged puts, lost ones. */
    private final Map<Durability, long[]> tally = new EnumMap<>(Durability.class);
    /** Per index: cycles, acknowledged puts, lost ones. */
    private final Map<String, long[]> byIndex = new TreeMap<>();

    @Test
    void noAcknowledgedBlobIsLostToAProcessKill() throws Exception {
        long seed = seeds.seed();
        for (Durability d : Durability.values()) {
            tally.put(d, new long[3]);
        }
        Lanes.run(seed, CYCLES, this::runLane);
        StringBuilder summary = new StringBuilder("seed " + seed + "\n");
        appendTally(summary, "mode", tally);
        appendTally(summary, "index", byIndex);
        Files.writeString(Path.of("target", "crash-summary.txt"), summary);
        System.out.print(summary);
        for (var e : tally.entrySet()) {
            assertThat(e.getValue()[2]).as("lost acknowledged blobs in mode %s (seed %d)", e.getKey(), seed).isZero();
            assertThat(e.getValue()[1]).as("mode %s acknowledged puts", e.getKey()).isPositive();
        }
    }

    /** One line per key: cycles, acknowledged puts, lost ones, under a header naming the key. */
    private static void appendTally(StringBuilder out, String key, Map<?, long[]> counts) {
        out.append(key).append("\tcycles\tacknowledged\tlost\n");
        for (var e : counts.entrySet()) {
            out.append(e.getKey()).append('\t').append(e.getValue()[0]).append('\t').append(e.getValue()[1])
                    .append('\t').append(e.getValue()[2]).append('\n');
        }
    }

    private void runLane(int lane, long seed, int cycles) throws Exception {
        Random rnd = new Random(seed);
        Path dir = null;
        String index = null;
        // every blob acknowledged in the store's cycles so far: a later recovery must keep them too
        List<String> stored = new ArrayList<>();
        for (int c = 0; c < cycles; c++) {
            if (c % CYCLES_PER_STORE == 0) {
                if (dir != null) {
                    finishStore(dir, index, stored, seed);
                }
                dir = tmp.resolve("lane" + lane + "-store" + c);
                index = (lane + c / CYCLES_PER_STORE) % 2 == 0 ? "rocksdb" : "h2";
                stored.clear();
            }
            Durability mode = Durability.values()[c % 3];
            int delayMs = rnd.nextInt(10) == 0 ? 0 : 10 + rnd.nextInt(400);
            List<String> acked = killOnce(dir, index, mode, rnd.nextLong(), delayMs);
            stored.addAll(acked);
            long lost = check(dir, index, stored, seed, c);
            synchronized (tally) {
                for (long[] t : List.of(tally.get(mode), byIndex.computeIfAbsent(index, k -> new long[3]))) {
                    t[0]++;
                    t[1] += acked.size();
                    t[2] += lost;
                }
            }
        }
        finishStore(dir, index, stored, seed);
    }

    /** Starts a child, lets it write for {@code delayMs}, kills it, and returns the hashes it acknowledged. */
    private static List<String> killOnce(Path dir, String index, Durability mode, long childSeed, int delayMs)
            throws Exception {
        List<String> lines = KilledChild.run(CrashChild.class, dir, jvmTmp(dir), KilledChild.Trigger.READY, delayMs,
                dir.toString(), mode.name(), "4", Long.toString(childSeed), Long.toString(PACK_SIZE), index);
        List<String> acked = new ArrayList<>();
        for (String l : lines) {
            if (l.length() == 64) { // a line cut by the kill is no promise
                acked.add(l);
            }
        }
        return acked;
    }

    /**
     * Reopens the store and reads every blob acknowledged in it so far; returns how many are
     * missing. Verify finds no damage, and the index agrees with the packs.
     */
    private static long check(Path dir, String index, List<String> acked, long seed, int cycle) {
        long lost = 0;
        try (BlobStore store = BlobStore.builder(dir).index(index).open()) {
            for (String h : acked) {
                try {
                    byte[] b = store.get(BlobRef.parse(h)); // get checks the hash
                    assertThat(b).isNotNull();
                } catch (BlobNotFoundException e) {
                    lost++;
                }
            }
            StoreStats s = store.stats();
            assertThat(s.uncleanShutdown()).isTrue();
            VerifyReport v = store.verify();
            assertThat(v.damage()).as("damage after kill cycle %d (seed %d)", cycle, seed).isEmpty();
            assertThat(v.index()).as("index findings after kill cycle %d (seed %d)", cycle, seed).isEmpty();
        }
        return lost;
    }

    /** The temporary directory of the children of a lane, emptied with each of its stores. */
    private static Path jvmTmp(Path store) {
        String lane = store.getFileName().toString().split("-")[0];
        return store.resolveSibling(lane + "-jvm-tmp");
    }

    /**
     * After the last kill of a store: a clean open reads every blob acknowledged in it, the
     * independent checker accepts it, then it is deleted to bound disk use.
     */
    private static void finishStore(Path dir, String index, List<String> stored, long seed) throws Exception {
        try (BlobStore store = BlobStore.builder(dir).index(index).open()) {
            assertThat(store.stats().uncleanShutdown()).as("children's stderr:%n%s", KilledChild.errors(dir)).isFalse();
            for (String h : stored) {
                assertThat(store.exists(BlobRef.parse(h))).as("%s after the last cycle of %s (seed %d)", h, dir, seed)
                        .isTrue();
            }
        }
        if (V1Check.available()) {
            assertThat(V1Check.failures(dir, PACK_SIZE)).as("v1check on %s (seed %d)", dir, seed).isNull();
        }
        for (Path d : new Path[] {dir, jvmTmp(dir)}) {
            if (!Files.exists(d)) {
                continue;
            }
            try (var s = Files.walk(d)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
