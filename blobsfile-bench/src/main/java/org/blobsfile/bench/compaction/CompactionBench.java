package org.blobsfile.bench.compaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Durability;
import org.blobsfile.api.Progress;
import org.blobsfile.api.SweepReport;
import org.blobsfile.bench.BenchArgs;
import org.blobsfile.bench.BenchDirs;

/**
 * Measures what deletion and compaction cost, in one run:
 * <ul>
 *   <li>{@code compact}: a store of 4 KiB blobs in packs of {@code packMiB}, a share of them
 *   deleted, then compacted; reports the live MB/s moved and the disk before and after;</li>
 *   <li>{@code latency}: puts and gets from one thread at a fixed pace, with and without a
 *   compaction running beside them, alternating; reports p50 and p99 of each and their ratio;</li>
 *   <li>{@code sweep}: a store of {@code sweepBlobs} blobs of 512 B swept with a live set of half
 *   of them, in a JVM whose heap is capped (run it with {@code -Xmx256m}): finishing is the proof
 *   that the sweep fits; the heap used at the end of each batch is sampled too.</li>
 * </ul>
 * Arguments are {@code name=value}: {@code phase} (compact, latency, sweep), {@code dir},
 * {@code packMiB} (64), {@code blobs} (160000), {@code deleteShare} (0.4), {@code sweepBlobs}
 * (10000000), {@code rounds} (3), {@code rateMBs} (the compaction's rate limit in the latency
 * phase, 16 MB/s; 0 for none).
 */
public final class CompactionBench {
    private CompactionBench() {
    }

    /**
     * Runs one phase and prints its results as Markdown.
     *
     * @param args {@code name=value} pairs
     * @throws Exception when the store fails
     */
    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        Path dir = Path.of(a.getOrDefault("dir", System.getProperty("java.io.tmpdir") + "/blobsfile-compaction"));
        long packSize = Long.parseLong(a.getOrDefault("packMiB", "64")) << 20;
        int blobs = Integer.parseInt(a.getOrDefault("blobs", "160000"));
        double share = Double.parseDouble(a.getOrDefault("deleteShare", "0.4"));
        switch (a.getOrDefault("phase", "compact")) {
            case "compact" -> compact(dir, packSize, blobs, share);
            case "latency" -> latency(dir, packSize, blobs, share, Integer.parseInt(a.getOrDefault("rounds", "3")),
                    (long) (Double.parseDouble(a.getOrDefault("rateMBs", "16")) * 1e6));
            case "sweep" -> sweep(dir, Integer.parseInt(a.getOrDefault("sweepBlobs", "10000000")));
            case "prune" -> prune(dir, packSize, blobs, Integer.parseInt(a.getOrDefault("rounds", "3")));
            default -> throw new IllegalArgumentException("phase is compact, latency, prune or sweep");
        }
    }

    /** Fills a fresh store with 4 KiB blobs, every pack but the last sealed. */
    private static List<BlobRef> fill(Path dir, long packSize, int blobs) throws IOException {
        BenchDirs.delete(dir);
        Random rnd = new Random(1);
        List<BlobRef> refs = new ArrayList<>(blobs);
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(packSize).durability(Durability.NONE).open()) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < blobs; i++) {
                byte[] b = new byte[4096];
                rnd.nextBytes(b);
                batch.add(b);
                if (batch.size() == 1000 || i == blobs - 1) {
                    refs.addAll(store.putAll(batch));
                    batch.clear();
                }
            }
        }
        return refs;
    }

    private static List<BlobRef> doomed(List<BlobRef> refs, double share) {
        Random rnd = new Random(2);
        List<BlobRef> out = new ArrayList<>();
        for (BlobRef r : refs) {
            if (rnd.nextDouble() < share) {
                out.add(r);
            }
        }
        return out;
    }

    /** Measures the disk of the closed store (an open index may hold preallocated logs) before and after. */
    private static void compact(Path dir, long packSize, int blobs, double share) throws IOException {
        List<BlobRef> refs = fill(dir, packSize, blobs);
        long diskBefore = allocated(dir);
        List<BlobRef> gone = doomed(refs, share);
        long t0;
        double deleteS;
        try (BlobStore store = BlobStore.builder(dir).open()) {
            t0 = System.nanoTime();
            store.deleteAll(gone);
            deleteS = (System.nanoTime() - t0) / 1e9;
        }
        long diskDeleted = allocated(dir);
        CompactionReport r;
        double compactS;
        try (BlobStore store = BlobStore.builder(dir).open()) {
            t0 = System.nanoTime();
            r = store.compact(CompactionOptions.defaults(), Progress.NONE);
            compactS = (System.nanoTime() - t0) / 1e9;
        }
        long diskAfter = allocated(dir);
        System.out.println("### Compaction, " + blobs + " blobs of 4 KiB, packs of " + (packSize >> 20) + " MiB, "
                + Math.round(share * 100) + "% deleted");
        System.out.println();
        System.out.println("| deleted blobs | delete s | packs rewritten | live MB moved | compact s | live MB/s"
                + " | reclaimed MB | disk before MB | after deletes MB | after compaction MB |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        System.out.printf("| %,d | %.2f | %d | %.1f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", gone.size(),
                deleteS, r.rewritten().size(), r.bytesMoved() / 1e6, compactS, r.bytesMoved() / 1e6 / compactS,
                r.bytesReclaimed() / 1e6, diskBefore / 1e6, diskDeleted / 1e6, diskAfter / 1e6);
    }

    /**
     * Puts and gets at a fixed pace in one thread, round after round, with a compaction beside
     * them in every other round, each round on a fresh copy of the same store.
     */
    private static void latency(Path dir, long packSize, int blobs, double share, int rounds, long rate) throws Exception {
        List<BlobRef> refs = fill(dir, packSize, blobs);
        List<BlobRef> gone = doomed(refs, share);
        List<BlobRef> kept = new ArrayList<>(refs);
        kept.removeAll(new java.util.HashSet<>(gone));
        try (BlobStore store = BlobStore.builder(dir).open()) {
            store.deleteAll(gone);
        }
        Path template = dir.resolveSibling(dir.getFileName() + "-template");
        BenchDirs.delete(template);
        copy(dir, template);
        long[][] quiet = {new long[0], new long[0]};
        long[][] busy = {new long[0], new long[0]};
        for (int round = 0; round < 2 * rounds; round++) {
            boolean compacting = round % 2 == 1;
            BenchDirs.delete(dir);
            copy(template, dir);
            try (BlobStore store = BlobStore.builder(dir).durability(Durability.GROUP).open()) {
                Thread compactor = null;
                if (compacting) {
                    compactor = new Thread(() -> store.compact(CompactionOptions.defaults().withBytesPerSecond(rate),
                            Progress.NONE));
                    compactor.start();
                }
                long[][] samples = workload(store, kept, compacting ? compactor : null, 20_000);
                if (compactor != null) {
                    compactor.join();
                }
                long[][] into = compacting ? busy : quiet;
                into[0] = concat(into[0], samples[0]);
                into[1] = concat(into[1], samples[1]);
            }
        }
        System.out.println("### Puts (4 KiB, GROUP) and gets from one thread, beside a compaction ("
                + (rate == 0 ? "no rate limit" : rate / 1e6 + " MB/s") + ") and without, " + rounds
                + " rounds each, alternating");
        System.out.println();
        System.out.println("| op | p50 µs quiet | p99 µs quiet | p50 µs compacting | p99 µs compacting | p99 ratio |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        String[] ops = {"put", "get"};
        for (int k = 0; k < 2; k++) {
            Arrays.sort(quiet[k]);
            Arrays.sort(busy[k]);
            double q99 = pct(quiet[k], 0.99);
            double b99 = pct(busy[k], 0.99);
            System.out.printf("| %s | %.0f | %.0f | %.0f | %.0f | %.2f |%n", ops[k], pct(quiet[k], 0.5) / 1e3, q99 / 1e3,
                    pct(busy[k], 0.5) / 1e3, b99 / 1e3, b99 / q99);
        }
        BenchDirs.delete(template);
    }

    /**
     * @param until the compaction to run beside, or null: then {@code ops} puts and gets
     * @return put and get latencies in ns: while {@code until} runs, or {@code ops} of each
     */
    private static long[][] workload(BlobStore store, List<BlobRef> kept, Thread until, int ops) {
        Random rnd = new Random(3);
        long[] puts = new long[ops * 50];
        long[] gets = new long[ops * 50];
        int n = 0;
        while (until != null ? until.isAlive() && n < puts.length : n < ops) {
            byte[] b = new byte[4096];
            rnd.nextBytes(b);
            long t0 = System.nanoTime();
            store.put(b);
            long t1 = System.nanoTime();
            store.get(kept.get(rnd.nextInt(kept.size())));
            long t2 = System.nanoTime();
            puts[n] = t1 - t0;
            gets[n] = t2 - t1;
            n++;
        }
        return new long[][] {Arrays.copyOf(puts, n), Arrays.copyOf(gets, n)};
    }

    /** The system property that sets the fewest deletions worth pruning the deletion log for. */
    private static final String PRUNE_AT = "blobsfile.deletions.pruneAt";

    /**
     * Compacts copies of one store with the deletion log's pruning off and on, alternately: 40% of
     * the blobs of the first half of the packs deleted (those packs are compacted, so their
     * deletions can go) and 10% of the others (which keep theirs, and are walked by the pruning).
     */
    private static void prune(Path dir, long packSize, int blobs, int rounds) throws IOException {
        Path source = dir.resolveSibling(dir.getFileName() + "-source");
        List<BlobRef> refs = fill(source, packSize, blobs);
        Random rnd = new Random(5);
        List<BlobRef> gone = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            if (rnd.nextDouble() < (i < refs.size() / 2 ? 0.4 : 0.1)) {
                gone.add(refs.get(i));
            }
        }
        try (BlobStore store = BlobStore.builder(source).open()) {
            store.deleteAll(gone);
        }
        Path log = source.resolve("deletions.log");
        long logBefore = Files.size(log);
        System.out.println("### Pruning the deletion log after a compaction, " + blobs + " blobs of 4 KiB, packs of "
                + (packSize >> 20) + " MiB, " + gone.size() + " deleted");
        System.out.println();
        System.out.println("| round | pruning | packs rewritten | compact s | deletions.log bytes before | after |");
        System.out.println("|---:|---|---:|---:|---:|---:|");
        String was = System.getProperty(PRUNE_AT);
        try {
            for (int round = 0; round < rounds; round++) {
                for (boolean pruning : new boolean[] {round % 2 == 0, round % 2 != 0}) {
                    BenchDirs.delete(dir);
                    copy(source, dir);
                    System.setProperty(PRUNE_AT, pruning ? "4096" : Long.toString(Long.MAX_VALUE));
                    long t0;
                    CompactionReport r;
                    double s;
                    try (BlobStore store = BlobStore.builder(dir).open()) {
                        t0 = System.nanoTime();
                        r = store.compact(CompactionOptions.defaults(), Progress.NONE);
                        s = (System.nanoTime() - t0) / 1e9;
                    }
                    System.out.printf("| %d | %s | %d | %.2f | %,d | %,d |%n", round + 1, pruning ? "on" : "off",
                            r.rewritten().size(), s, logBefore, Files.size(dir.resolve("deletions.log")));
                }
            }
        } finally {
            if (was == null) {
                System.clearProperty(PRUNE_AT);
            } else {
                System.setProperty(PRUNE_AT, was);
            }
            BenchDirs.delete(dir);
            BenchDirs.delete(source);
        }
    }

    private static void sweep(Path dir, int count) throws IOException {
        BenchDirs.delete(dir);
        Random rnd = new Random(4);
        try (BlobStore store = BlobStore.builder(dir).durability(Durability.NONE).open()) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] b = new byte[512];
                rnd.nextBytes(b);
                batch.add(b);
                if (batch.size() == 1000 || i == count - 1) {
                    store.putAll(batch);
                    batch.clear();
                }
            }
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            long[] maxHeap = {0};
            long[] asked = {0};
            Runtime rt = Runtime.getRuntime();
            long t0 = System.nanoTime();
            SweepReport r = store.sweep(ref -> {
                if (++asked[0] % 4096 == 0) {
                    maxHeap[0] = Math.max(maxHeap[0], rt.totalMemory() - rt.freeMemory());
                }
                return (ref.bytes()[31] & 1) == 0;
            });
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.println("### Sweep of " + count + " blobs of 512 B, half live, -Xmx" + (rt.maxMemory() >> 20)
                    + "m");
            System.out.println();
            System.out.println("| examined | deleted | seconds | blobs/s examined | max heap used MB (sampled) | max heap MB |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            System.out.printf("| %,d | %,d | %.1f | %,.0f | %.0f | %d |%n", r.examined(), r.deleted(), s, r.examined() / s,
                    maxHeap[0] / 1e6, rt.maxMemory() >> 20);
        }
        BenchDirs.delete(dir);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** @return the bytes the files under {@code dir} take on disk, as du counts them (Java reads no allocated size) */
    private static long allocated(Path dir) throws IOException {
        Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes()).trim();
        try {
            if (du.waitFor() != 0) {
                throw new IOException("du failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while du ran", e);
        }
        return Long.parseLong(out.split("\\s+")[0]) * 1024;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
