package org.blobsfile.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import org.blobsfile.bench.SyncPutLatencyBenchmark;

/**
 * What the suite's numbers mean: for each benchmark class, the section it belongs to, how a run
 * is labelled, the figure compared (MB/s, blobs/s, GB/s) and the baseline every run of the
 * section is divided by, measured in the same run. The Markdown, CSV and chart are all drawn
 * from the rows made here, so a baseline is defined once.
 */
public final class Report {
    static final double MIB = 1 << 20;
    /** The engine of the baseline of puts and gets: the simplest durable store. */
    static final String FILE_PER_BLOB = "file-per-blob";
    /** The durable put baseline's engine: one force per put, as Go BlobsFile does. */
    static final String SYNC_EACH = "blobsfile:none:sync_each";
    static final String GROUP = "blobsfile:none:group";

    private Report() {
    }

    /** One table: which runs, how to label and measure them, and their baseline. */
    private record Section(String title, List<String> classes, String note, Function<JmhRun, String> workload,
                           Function<JmhRun, String> variant, ToDoubleFunction<JmhRun> value, String valueUnit,
                           String baselineName, BiPredicate<JmhRun, JmhRun> isBaselineOf) {
    }

    private static final List<Section> SECTIONS = List.of(
            new Section("Puts, one thread", List.of("PutBenchmark"),
                    "Durable puts of fresh blobs by one thread (PutBenchmark).",
                    r -> size(r.longParam("size")), r -> r.params().get("engine"), r -> mbps(r, r.longParam("size")), "MB/s",
                    FILE_PER_BLOB + ", same size",
                    (r, b) -> b.params().get("engine").equals(FILE_PER_BLOB) && same(r, b, "size")),
            new Section("Durable puts, 1 and 16 threads", List.of("DurablePutBenchmark"),
                    "Total throughput of all threads, each putting its own fresh blobs into one engine (DurablePutBenchmark).",
                    r -> size(r.longParam("size")) + ", " + r.threads() + (r.threads() == 1 ? " thread" : " threads"),
                    r -> r.params().get("engine"), r -> mbps(r, r.longParam("size")), "MB/s",
                    SYNC_EACH + " at 1 thread, same size",
                    (r, b) -> b.params().get("engine").equals(SYNC_EACH) && b.threads() == 1 && same(r, b, "size")),
            new Section("Durable puts one at a time, rate and tail", List.of("SyncPutLatencyBenchmark"),
                    "One thread, every put sampled; puts/s from the mean latency, p50 and p99 in the row's run "
                            + "(SyncPutLatencyBenchmark). append-fsync is the same bytes appended to a plain file with one "
                            + "fdatasync per put, no hash, no index.",
                    r -> size(r.longParam("size")), r -> r.params().get("engine"), r -> 1e6 / r.score(), "puts/s",
                    SyncPutLatencyBenchmark.APPEND_FSYNC + ", same size",
                    (r, b) -> b.params().get("engine").equals(SyncPutLatencyBenchmark.APPEND_FSYNC) && same(r, b, "size")),
            new Section("putAll, all cores and one thread", List.of("PutAllBenchmark"),
                    "One durable `putAll` of a batch of fresh blobs per operation (GROUP): the store hashing and compressing "
                            + "on every core, against the same call from the one worker of a one-thread pool (PutAllBenchmark).",
                    r -> r.longParam("batch") + " × " + size(r.longParam("size")) + ", codec " + r.params().get("codec")
                            + ", " + r.longParam("maxPackMiB") + " MiB packs",
                    r -> r.method().equals("oneThread") ? "1 thread" : "all cores",
                    r -> mbps(r, r.longParam("batch") * r.longParam("size")), "MB/s",
                    "1 thread (the same putAll, serially), same codec, sizes and packs",
                    (r, b) -> b.method().equals("oneThread") && same(r, b, "codec") && same(r, b, "size") && same(r, b, "batch")
                            && same(r, b, "maxPackMiB")),
            new Section("Random warm gets", List.of("GetBenchmark"),
                    "Reads of random preloaded blobs by one thread, data in the page cache (GetBenchmark).",
                    r -> size(r.longParam("size")), r -> r.params().get("engine"), r -> mbps(r, r.longParam("size")), "MB/s",
                    FILE_PER_BLOB + ", same size",
                    (r, b) -> b.params().get("engine").equals(FILE_PER_BLOB) && same(r, b, "size")),
            new Section("Enumerate", List.of("EnumerateBenchmark"),
                    "One whole listing of the store per operation, one thread (EnumerateBenchmark).",
                    r -> String.format(Locale.ROOT, "%,d blobs", r.longParam("blobs")), r -> "index " + r.params().get("index"),
                    r -> r.score() * r.longParam("blobs"), "blobs/s",
                    "index rocksdb, same store size",
                    (r, b) -> b.params().get("index").equals("rocksdb") && same(r, b, "blobs")),
            new Section("Index rebuild", List.of("RebuildBenchmark"),
                    "One whole `rebuildIndex()` per operation; MB/s of pack data scanned (RebuildBenchmark).",
                    r -> r.longParam("packMiB") + " MiB, index " + r.params().get("index"),
                    r -> r.method().equals("oneThread") ? "1 thread" : "all cores", r -> r.score() * r.longParam("packMiB"), "MB/s",
                    "1 thread (-XX:ActiveProcessorCount=1), same index",
                    (r, b) -> b.method().equals("oneThread") && same(r, b, "index") && same(r, b, "packMiB")),
            new Section("Verify", List.of("VerifyBenchmark"),
                    "`verify()` of a store of sealed packs against only reading the same pack files; MB/s of pack files read (VerifyBenchmark).",
                    r -> r.longParam("sealedMiB") + " MiB sealed", JmhRun::method,
                    r -> r.secondary().getOrDefault("bytes", Double.NaN) / MIB, "MB/s",
                    "readPacks (plain reads of the same files)",
                    (r, b) -> b.method().equals("readPacks") && same(r, b, "sealedMiB")),
            new Section("Reed-Solomon (10, 2) parity", List.of("ReedSolomonBenchmark"),
                    "Ten data shards in memory, one thread; GB/s of data = ops/s × 10 × shard / 10^9 (ReedSolomonBenchmark).",
                    r -> size(r.longParam("shardSize")) + " shards", JmhRun::method,
                    r -> r.score() * 10 * r.longParam("shardSize") / 1e9, "GB/s",
                    "encodeNaive", (r, b) -> b.method().equals("encodeNaive") && same(r, b, "shardSize")),
            new Section("BLAKE2b-256", List.of("Blake2bBenchmark"),
                    "One hash per operation, one thread: our BLAKE2b-256, Bouncy Castle's, and the JDK's SHA-256 for context (Blake2bBenchmark).",
                    r -> size(r.longParam("size")), JmhRun::method, r -> mbps(r, r.longParam("size")), "MB/s",
                    "blake2b256BouncyCastle, same size",
                    (r, b) -> b.method().equals("blake2b256BouncyCastle") && same(r, b, "size")),
            new Section("Waking a group's puts", List.of("WakeupBenchmark"),
                    "One thread unparks that many parked threads; each hashes its bytes and parks again, the last waking the "
                            + "waking thread: the part of a group commit's cycle that is not the force (WakeupBenchmark).",
                    r -> r.longParam("threads") + " threads", r -> "hashing " + size(r.longParam("work")) + " each",
                    JmhRun::score, "µs per round",
                    "hashing 0 B, same threads (a ratio above 1 is slower)",
                    (r, b) -> b.longParam("work") == 0 && same(r, b, "threads")),
            new Section("Opening a store", List.of("OpenBenchmark"),
                    "One `open()` of a store a clean close left, and the first open after a bulk `putAll` import, "
                            + "single shots; the figure is the time of an open (OpenBenchmark).",
                    r -> String.format(Locale.ROOT, "%,d blobs, index %s", r.longParam("blobs"), r.params().get("index")),
                    r -> r.params().get("state"), JmhRun::score, "ms",
                    "clean, same index and store (a ratio above 1 is slower)",
                    (r, b) -> "clean".equals(b.params().get("state")) && same(r, b, "index") && same(r, b, "blobs")),
            new Section("Sealing one pack", List.of("SealBenchmark"),
                    "One `Sealer.seal` of a full pack, single shot; GB/s of pack data, allocation with -prof gc (SealBenchmark).",
                    r -> size(r.longParam("maxPackSize")) + " pack", r -> "seal",
                    r -> r.longParam("maxPackSize") / (r.score() / 1e3) / 1e9, "GB/s",
                    "the 16 MiB pack's seal",
                    (r, b) -> b.longParam("maxPackSize") == 16L << 20));

    /**
     * @param runs JMH results of this suite
     * @return one row per run, sections in the suite's order, runs of a section in file order
     *         with each workload's rows together
     */
    public static List<Row> rows(List<JmhRun> runs) {
        List<Row> rows = new ArrayList<>();
        for (Section s : SECTIONS) {
            List<JmhRun> mine = runs.stream().filter(r -> s.classes().contains(r.benchmarkClass())).toList();
            // workload -> its rows, in order of first appearance
            Map<String, List<Row>> byWorkload = new LinkedHashMap<>();
            for (JmhRun r : mine) {
                JmhRun base = mine.stream().filter(b -> s.isBaselineOf().test(r, b)).findFirst().orElse(null);
                double v = s.value().applyAsDouble(r);
                double ratio = base == null ? Double.NaN : v / s.value().applyAsDouble(base);
                String w = s.workload().apply(r);
                byWorkload.computeIfAbsent(w, k -> new ArrayList<>())
                        .add(new Row(s.title(), r, w, s.variant().apply(r), v, s.valueUnit(), s.baselineName(), ratio));
            }
            byWorkload.values().forEach(rows::addAll);
        }
        List<String> known = SECTIONS.stream().flatMap(s -> s.classes().stream()).toList();
        for (JmhRun r : runs) {
            if (!known.contains(r.benchmarkClass())) {
                // a benchmark this report does not know yet still shows, unranked
                rows.add(new Row("Other", r, r.benchmarkClass() + " " + r.params(), r.method(), r.score(), r.unit(), "–",
                        Double.NaN));
            }
        }
        return rows;
    }

    /** @return the note under a section's title, or null for unknown sections */
    static String note(String section) {
        return SECTIONS.stream().filter(s -> s.title().equals(section)).map(Section::note).findFirst().orElse(null);
    }

    /**
     * The targets that one run can check, each as met or missed.
     *
     * @param rows the report's rows
     * @return one Markdown bullet per target the run has the numbers for
     */
    static List<String> targets(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (String size : List.of("512 B", "64 KiB", "1 MiB", "4 MiB")) {
            Row g16 = find(rows, "DurablePutBenchmark", size + ", 16 threads", GROUP);
            Row s1 = find(rows, "DurablePutBenchmark", size + ", 1 thread", SYNC_EACH);
            Row r16 = find(rows, "DurablePutBenchmark", size + ", 16 threads", "rocksdb-blobdb");
            if (size.equals("512 B") && g16 != null && s1 != null) {
                out.add(target("durable puts 512 B: GROUP at 16 threads / SYNC_EACH at 1 thread", g16.value() / s1.value(), 10, "×"));
            }
            if (g16 != null && r16 != null) {
                out.add(target("durable puts " + size + ": GROUP / RocksDB BlobDB, both at 16 threads", g16.value() / r16.value(), 1.2, "×"));
            }
        }
        Row none16 = find(rows, "DurablePutBenchmark", "512 B, 16 threads", "blobsfile:none:none");
        Row sync1 = find(rows, "DurablePutBenchmark", "512 B, 1 thread", SYNC_EACH);
        if (none16 != null && sync1 != null) {
            out.add("* durable puts 512 B: NONE at 16 threads / SYNC_EACH at 1 thread: **"
                    + String.format(Locale.ROOT, "%.2f×", none16.value() / sync1.value())
                    + "** (the ceiling of group commit if forcing were free)");
        }
        Row wake = find(rows, "WakeupBenchmark", "16 threads", "hashing 512 B each");
        if (wake != null && sync1 != null) {
            // an estimate, not a bound: it takes a SYNC_EACH put (a force and a put's CPU) for the group's force
            double force = 1e6 / sync1.run().score();
            out.add(String.format(Locale.ROOT, "* durable puts 512 B: GROUP at 16 threads / SYNC_EACH at 1 thread if waking "
                    + "follows the force (an estimate: every group of all 16 puts, each cycle a force costing a SYNC_EACH put, "
                    + "%.0f µs, then waking the 16, %.0f µs, nothing overlapping): **%.2f×**",
                    force, wake.run().score(), 16 * force / (force + wake.run().score())));
        }
        for (Row r : rows) {
            if (r.run().benchmarkClass().equals("SyncPutLatencyBenchmark")
                    && !r.variant().equals(SyncPutLatencyBenchmark.APPEND_FSYNC)) {
                String which = r.variant() + " " + r.workload();
                out.add(target("one-at-a-time durable puts, " + which + ": puts/s / append-fsync", r.ratio(), 1.3, "×"));
                double tail = r.run().secondary().getOrDefault("p99", Double.NaN)
                        / r.run().secondary().getOrDefault("p50", Double.NaN);
                out.add(String.format(Locale.ROOT, "* one-at-a-time durable puts, %s: p99 / p50 **%.2f** (target ≤ 3: %s)",
                        which, tail, tail <= 3 ? "meets" : "misses"));
            }
            if (r.run().benchmarkClass().equals("PutAllBenchmark") && r.variant().equals("all cores")
                    && r.run().longParam("size") == 512) {
                double blobs = r.run().score() * r.run().longParam("batch");
                out.add(target("putAll ingest " + r.workload() + ", in blobs/s", blobs, 250_000, " blobs/s"));
            }
        }
        Row g1 = find(rows, "DurablePutBenchmark", "1 MiB, 1 thread", GROUP);
        if (g1 != null) {
            out.add(target("durable puts 1 MiB, GROUP, 1 thread, in MB/s (1.2 × the low end of Go BlobsFile's 240–330 MB/s "
                    + "on this machine kind; Go is not measured in this run)", g1.value(), 288, " MB/s"));
        }
        Row ours4k = find(rows, "GetBenchmark", "4 KiB", "blobsfile");
        Row rocks4k = find(rows, "GetBenchmark", "4 KiB", "rocksdb-blobdb");
        if (ours4k != null && rocks4k != null) {
            out.add(target("random 4 KiB gets: blobsfile / RocksDB BlobDB", ours4k.value() / rocks4k.value(), 1, "×"));
        }
        Row ours512 = find(rows, "GetBenchmark", "512 B", "blobsfile");
        if (ours512 != null) {
            out.add(target("random 512 B gets, one thread, in ops/s", ours512.run().score(), 150_000, " ops/s"));
        }
        for (Row r : rows) {
            if (r.run().benchmarkClass().equals("RebuildBenchmark") && r.variant().equals("all cores") && !Double.isNaN(r.ratio())) {
                out.add(target("index rebuild " + r.workload() + ": all cores / 1 thread", r.ratio(), 1.6, "×"));
            }
            if (r.run().benchmarkClass().equals("PutAllBenchmark") && r.variant().equals("all cores")
                    && r.run().longParam("size") == 1 << 20 && !Double.isNaN(r.ratio())) {
                out.add(target("putAll " + r.workload() + ": all cores / 1 thread", r.ratio(), 1.6, "×"));
            }
            if (r.run().benchmarkClass().equals("OpenBenchmark")) {
                out.add(String.format(Locale.ROOT, "* open of a %s store, %s: **%.1f ms** (target ≤ 50 ms: %s)", r.variant(),
                        r.workload(), r.value(), r.value() <= 50 ? "meets" : "misses"));
            }
            if (r.run().benchmarkClass().equals("SealBenchmark") && r.run().longParam("maxPackSize") == 256L << 20
                    && !Double.isNaN(r.allocPerOp())) {
                double mib = r.allocPerOp() / MIB;
                out.add(String.format(Locale.ROOT, "* sealing a 256 MiB pack allocates **%.1f MiB** (target ≤ 16 MiB: %s)",
                        mib, mib <= 16 ? "meets" : "misses"));
            }
        }
        return out;
    }

    private static String target(String what, double v, double min, String unit) {
        String shown = unit.equals("×") ? String.format(Locale.ROOT, "%.2f×", v) : Format.number(v) + unit;
        String goal = unit.equals("×") ? Format.number(min) + "×" : Format.number(min) + unit;
        return "* " + what + ": **" + shown + "** (target ≥ " + goal + ": " + (v >= min ? "meets" : "misses") + ")";
    }

    private static Row find(List<Row> rows, String cls, String workload, String variant) {
        return rows.stream().filter(r -> r.run().benchmarkClass().equals(cls) && r.workload().equals(workload)
                && r.variant().equals(variant)).findFirst().orElse(null);
    }

    private static boolean same(JmhRun a, JmhRun b, String param) {
        return a.params().get(param) != null && a.params().get(param).equals(b.params().get(param));
    }

    private static double mbps(JmhRun r, long size) {
        return r.score() * size / MIB;
    }

    /** @return e.g. {@code 512 B}, {@code 4 KiB}, {@code 1 MiB} */
    static String size(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }
}
