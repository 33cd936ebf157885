package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at a random moment while it compacts, sweeps and deletes (with
 * puts going on), reopens the store and checks it: every blob whose put was acknowledged and
 * whose deletion was never begun reads back, no blob whose deletion was acknowledged is there,
 * before and after the index is rebuilt from the packs, verify finds nothing, and the independent
 * v1 checker passes every pack with {@code --strict}. A deletion the kill caught half-way may have
 * happened or not; whichever it was, a rebuild must not change it, and the next cycles hold the
 * store to it. Each store lives through {@value #CYCLES_PER_STORE} kills; two lanes run side by
 * side.
 *
 * <p>Run by failsafe in the {@code verify} phase, with {@link CrashIT}'s cycle count
 * ({@code blobsfile.crash.cycles}: 20 by default, 210 under {@code -Pci}). A fresh seed each run;
 * {@code -Dblobsfile.seed=N} replays the blobs, the choices of each child and the kill delays,
 * though where a kill lands still depends on timing.
 */
class CompactionCrashIT {
    /** Small, so that a few hundred blobs fill several sealed packs; not a multiple of 10. */
    private static final long PACK_SIZE = 65_557;
    /** The live blobs each child tops the store up to before it deletes. */
    private static final int LIVE_BLOBS = 120;
    private static final int CYCLES = Integer.getInteger("blobsfile.crash.cycles", CrashIT.DEFAULT_CYCLES);
    private static final int CYCLES_PER_STORE = 6;

    @RegisterExtension
    final RandomSeed seeds = new RandomSeed();

    /** Kept when the test fails: the store of the failing cycle, with the lines its child printed beside it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    /** Counts over the run, by name; kills by the phase the child was in. */
    private final Map<String, Long> tally = new TreeMap<>();

    @Test
    void aKillDuringCompactionOrSweepLosesNoLiveBlobAndBringsBackNoDeletedOne() throws Exception {
        long seed = seeds.seed();
        long started = System.nanoTime();
        Lanes.run(seed, CYCLES, this::runLane);
        StringBuilder summary = new StringBuilder("seed " + seed + ", " + (System.nanoTime() - started) / 1_000_000_000
                + " s\n");
        tally.forEach((k, v) -> summary.append(k).append('\t').append(v).append('\n'));
        Files.writeString(Path.of("target", "compaction-crash-summary.txt"), summary);
        System.out.print(summary);
        assertThat(count("cycles")).isEqualTo(CYCLES);
        assertThat(count("lost live blobs")).as("seed %d", seed).isZero();
        assertThat(count("deleted blobs back")).as("seed %d", seed).isZero();
        assertThat(count("lost live blobs after rebuild")).as("seed %d", seed).isZero();
        assertThat(count("deleted blobs back after rebuild")).as("seed %d", seed).isZero();
        assertThat(count("acknowledged deletions")).isPositive();
        assertThat(count("kills in phase compact")).as("kills during compaction").isPositive();
        assertThat(count("kills in phase sweep")).as("kills during a sweep").isPositive();
        assertThat(count("cycles on a pruned deletion log")).as("cycles after a pruning").isPositive();
    }

    /** @return the generation of the store's deletion log, 0 for one never pruned: its first record says (docs/FORMAT.md) */
    private static int deletionLogGeneration(Path dir) throws IOException {
        Path log = dir.resolve("deletions.log");
        if (!Files.exists(log) || Files.size(log) < 16 + 64) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(first, 16);
            return first.get(0) == 3 ? first.getInt(4) : 0;
        }
    }

    private long count(String what) {
        synchronized (tally) {
            return tally.getOrDefault(what, 0L);
        }
    }

    private void add(String what, long n) {
        synchronized (tally) {
            tally.merge(what, n, Long::sum);
        }
    }

    /** What the lines of a child say of a blob, the last word counting. */
    private enum Fate {
        LIVE, DELETED, UNDECIDED
    }

    /** What the parent knows of one store across its kills. */
    private static final class Model {
        final Set<String> live = new HashSet<>();
        final Set<String> deleted = new HashSet<>();
        /** The deletion log's generation after the last cycle. */
        int generation;
    }

    private void runLane(int lane, long seed, int cycles) throws Exception {
        Random rnd = new Random(seed);
        Path dir = null;
        Model model = null;
        for (int c = 0; c < cycles; c++) {
            if (c % CYCLES_PER_STORE == 0) {
                if (dir != null) {
                    remove(dir, lane);
                }
                dir = tmp.resolve("lane" + lane + "-store" + c);
                model = new Model();
            }
            Durability mode = Durability.values()[c % 3];
            // the kill's clock starts as the child begins one of its first compactions, sweeps or deletions
            int pick = rnd.nextInt(20);
            String target = pick < 9 ? "compact" : pick < 17 ? "sweep" : "delete";
            int delayMs = rnd.nextInt(target.equals("compact") ? 120 : 25);
            KilledChild.Trigger trigger = new KilledChild.Trigger("phase " + target, 1);
            long t0 = System.nanoTime();
            Path said = dir.resolveSibling(dir.getFileName() + ".lines");
            KilledChild.run(CompactionChild.class, dir, jvmTmp(lane), trigger, delayMs, dir.toString(), mode.name(),
                    Long.toString(rnd.nextLong()), Long.toString(PACK_SIZE), Integer.toString(LIVE_BLOBS), said.toString());
            // the child's own record of its lines: its output may lose the last of them to the kill
            List<String> lines = Files.readAllLines(said);
            long t1 = System.nanoTime();
            check(dir, model, lines, "cycle " + c + " of lane " + lane + " in " + dir + " (seed " + seed + ")");
            add("ms in children", (t1 - t0) / 1_000_000);
            add("ms in checks", (System.nanoTime() - t1) / 1_000_000);
            add("cycles", 1);
        }
        remove(dir, lane);
    }

    /** Reads what the child promised, then holds the reopened store to it. */
    private void check(Path dir, Model model, List<String> lines, String cycle) throws Exception {
        Map<String, Fate> fates = new HashMap<>();
        String phase = "idle";
        long acknowledged = 0;
        for (String l : lines) {
            if (l.startsWith("phase ")) {
                phase = l.substring(6);
            } else if (l.length() == 66 && l.charAt(1) == ' ') {
                String hash = l.substring(2);
                switch (l.charAt(0)) {
                    // a put that returns after its blob's deletion began changes nothing: the deletion came after it
                    case 'P' -> fates.putIfAbsent(hash, Fate.LIVE);
                    case 'd' -> fates.put(hash, Fate.UNDECIDED);
                    case 'K' -> fates.put(hash, Fate.LIVE);
                    case 'D' -> {
                        fates.put(hash, Fate.DELETED);
                        acknowledged++;
                    }
                    default -> throw new AssertionError("child printed " + l);
                }
            }
        }
        add("kills in phase " + phase, 1);
        add("acknowledged deletions", acknowledged);
        Set<String> undecided = new HashSet<>();
        fates.forEach((hash, fate) -> {
            model.live.remove(hash);
            switch (fate) {
                case LIVE -> model.live.add(hash);
                case DELETED -> model.deleted.add(hash);
                case UNDECIDED -> undecided.add(hash);
            }
        });
        add("deletions caught half-way", undecided.size());
        Set<String> survived = new HashSet<>();
        long t0 = System.nanoTime();
        try (BlobStore store = BlobStore.builder(dir).open()) {
            add("ms opening", (System.nanoTime() - t0) / 1_000_000);
            assertThat(store.stats().uncleanShutdown()).isTrue();
            holdTo(store, model, "", cycle, lines);
            for (String h : undecided) {
                if (store.exists(BlobRef.parse(h))) {
                    survived.add(h);
                }
            }
            long t1 = System.nanoTime();
            VerifyReport v = store.verify();
            add("ms verifying", (System.nanoTime() - t1) / 1_000_000);
            assertThat(v.isClean()).as("verify after %s: %s", cycle, v).isTrue();
            long t2 = System.nanoTime();
            store.rebuildIndex();
            add("ms rebuilding", (System.nanoTime() - t2) / 1_000_000);
            holdTo(store, model, " after rebuild", cycle, lines);
            for (String h : undecided) {
                assertThat(store.exists(BlobRef.parse(h))).as("blob %s, deleted when killed, after a rebuild (%s)",
                        h, cycle).isEqualTo(survived.contains(h));
            }
        }
        for (String h : undecided) {
            (survived.contains(h) ? model.live : model.deleted).add(h);
        }
        int generation = deletionLogGeneration(dir);
        if (generation > 0) {
            add("cycles on a pruned deletion log", 1);
        }
        // generations grow but are not consecutive: a cycle counts as one that pruned when it changed
        add("cycles that pruned the deletion log", generation != model.generation ? 1 : 0);
        model.generation = generation;
        add("live blobs checked", model.live.size());
        add("deleted blobs checked", model.deleted.size());
        if (V1Check.available()) {
            long t3 = System.nanoTime();
            assertThat(V1Check.failures(dir, PACK_SIZE)).as("v1check --strict after %s", cycle).isNull();
            add("v1check runs", 1);
            add("ms in v1check", (System.nanoTime() - t3) / 1_000_000);
        }
    }

    /** Reads every live blob (get checks its hash) and looks for every deleted one. */
    private void holdTo(BlobStore store, Model model, String when, String cycle, List<String> lines) {
        long lost = 0;
        for (String h : model.live) {
            try {
                assertThat(store.get(BlobRef.parse(h))).isNotNull();
            } catch (BlobNotFoundException e) {
                lost++;
                System.out.println("lost" + when + " in " + cycle + ": " + h + story(lines, h));
            }
        }
        long back = 0;
        for (String h : model.deleted) {
            if (store.exists(BlobRef.parse(h))) {
                back++;
                System.out.println("deleted blob back" + when + " in " + cycle + ": " + h + story(lines, h));
            }
        }
        add("lost live blobs" + when, lost);
        add("deleted blobs back" + when, back);
        // the first cycle that breaks a rule ends the lane, leaving its store as the kill and the check left it
        assertThat(lost + back).as("blobs lost or back%s in %s", when, cycle).isZero();
    }

    /** @return what the child of this cycle said about a blob, with the phases around it, for the failure's message */
    private static String story(List<String> lines, String hash) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith("phase ") || l.endsWith(hash)) {
                b.append("\n  ").append(l.startsWith("phase ") ? l : l.charAt(0) + " (this blob)");
            }
        }
        return b.toString();
    }

    private Path jvmTmp(int lane) {
        return tmp.resolve("lane" + lane + "-jvm-tmp");
    }

    /** Deletes a store whose kills are over, and its children's temporary files, to bound disk use. */
    private void remove(Path dir, int lane) throws Exception {
        Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".lines"));
        for (Path d : new Path[] {dir, jvmTmp(lane)}) {
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
