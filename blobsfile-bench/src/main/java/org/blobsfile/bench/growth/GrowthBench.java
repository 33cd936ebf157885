package org.blobsfile.bench.growth;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Range;
import org.blobsfile.api.StoreStats;

/**
 * Grows one store to many small blobs in slices and reports, per slice, what should stay flat as
 * the store grows: the put rate, the process's resident memory (native memory included), the
 * heap in use, and the index's bytes per blob on disk. A second phase reopens the grown store
 * and times open (a recovery, if the first phase ended like {@code kill -9}), a clean open, an
 * index rebuild and a whole enumeration, each with its memory peak.
 *
 * <p>Run it in a JVM of its own with a fixed {@code -Xmx}, as {@code bench/growth.sh} does, so the
 * resident figures mean something. Arguments are {@code name=value} pairs, see
 * {@link GrowthOptions}; results go to {@code out} as {@code slices-INDEX.{csv,json,md}} and
 * {@code phases-INDEX.{csv,json,md}}.
 */
public final class GrowthBench {
    private static final double MB = 1024.0 * 1024.0;
    /** RocksDB names its flush and compaction threads so; H2 writes in the calling threads. */
    private static final String BACKGROUND_THREADS = "rocksdb";
    private static final List<String> SLICE_COLUMNS = List.of("slice", "blobs", "seconds", "blobs_per_s",
            "cpu_s", "blobs_per_cpu_s", "index_bg_cpu_s", "rss_mb", "rss_max_mb", "hwm_mb", "heap_used_mb", "direct_mb", "gc_s",
            "index_mb", "index_b_per_blob", "pack_mb", "written_b_per_blob");
    private static final List<String> PHASE_COLUMNS = List.of("phase", "seconds", "rss_max_mb", "hwm_mb",
            "heap_used_mb", "detail");

    private GrowthBench() {
    }

    /**
     * @param args {@code name=value} settings, see {@link GrowthOptions}
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        GrowthOptions o = GrowthOptions.parse(args);
        System.out.println("growth " + o);
        if (o.phase().equals("grow")) {
            grow(o);
        } else {
            after(o);
        }
    }

    private static BlobStore open(GrowthOptions o) {
        return BlobStore.builder(o.store()).codec(o.codec()).index(o.index()).durability(o.durability()).open();
    }

    private static void grow(GrowthOptions o) throws Exception {
        if (Files.exists(o.store())) {
            try (var s = Files.list(o.store())) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("the store directory " + o.store() + " is not empty");
                }
            }
        }
        ResultTable table = new ResultTable(SLICE_COLUMNS);
        Path indexDir = o.store().resolve("index-" + o.index());
        List<Double> rates = new ArrayList<>();
        long maxRss = 0;
        try (RssSampler sampler = new RssSampler(50)) {
            BlobStore store = open(o);
            SliceFeeder feeder = new SliceFeeder(store, o.size(), o.batch(), o.threads());
            long done = 0;
            for (int n = 1; done < o.count(); n++) {
                long blobs = Math.min(o.slice(), o.count() - done);
                ProcessMemory.resetPeak();
                sampler.takeMax();
                long cpu0 = cpuNanos();
                long gc0 = gcMillis();
                double bg0 = ThreadCpu.seconds(BACKGROUND_THREADS);
                long written0 = ProcessMemory.writtenBytes();
                long t0 = System.nanoTime();
                feeder.put(blobs);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = (cpuNanos() - cpu0) / 1e9;
                done += blobs;
                long rssMax = sampler.takeMax();
                maxRss = Math.max(maxRss, rssMax);
                long index = DiskUsage.treeBytes(indexDir);
                rates.add(blobs / seconds);
                table.add(List.of(n, done, seconds, blobs / seconds, cpu, blobs / cpu,
                        ThreadCpu.seconds(BACKGROUND_THREADS) - bg0,
                        ProcessMemory.rss() / MB, rssMax / MB, ProcessMemory.peakRss() / MB,
                        ProcessMemory.heapUsed() / MB, ProcessMemory.directBytes() / MB, (gcMillis() - gc0) / 1e3,
                        index / MB, (double) index / done, DiskUsage.packBytes(o.store()) / MB,
                        (double) (ProcessMemory.writtenBytes() - written0) / blobs));
                table.write(o.out(), "slices-" + o.index(), title(o));
                System.out.printf(Locale.ROOT, "slice %d: %,d blobs, %,.0f blobs/s, RSS %.0f MB (max %.0f), index %.1f B/blob%n",
                        n, done, blobs / seconds, ProcessMemory.rss() / MB, rssMax / MB, (double) index / done);
            }
            feeder.close();
            String summary = String.format(Locale.ROOT,
                    "%nlast slice / first slice rate: %.2f; max RSS %.0f MB; index %.1f B/blob%n",
                    rates.get(rates.size() - 1) / rates.get(0), maxRss / MB,
                    (double) DiskUsage.treeBytes(indexDir) / o.count());
            Files.writeString(o.out().resolve("slices-" + o.index() + ".md"), summary,
                    java.nio.file.StandardOpenOption.APPEND);
            System.out.print(summary);
            if (o.end().equals("halt")) {
                // no close: the packs hold every put (GROUP forced them), the index only its last checkpoint
                System.out.println("halting without close, as kill -9 would");
                System.out.flush();
                Runtime.getRuntime().halt(0);
            }
            ResultTable phases = new ResultTable(PHASE_COLUMNS);
            phase(phases, sampler, "close after growing", () -> {
                store.close();
                return "";
            });
            phases.write(o.out(), "close-" + o.index(), "Close after growing, " + o.index());
        }
    }

    private static void after(GrowthOptions o) throws Exception {
        ResultTable table = new ResultTable(PHASE_COLUMNS);
        String name = "phases-" + o.index();
        String title = "Reopening " + o.store().getFileName() + ", index " + o.index() + ", -Xmx"
                + Runtime.getRuntime().maxMemory() / (1 << 20) + "m";
        try (RssSampler sampler = new RssSampler(20)) {
            BlobStore[] store = new BlobStore[1];
            phase(table, sampler, "first open", () -> {
                store[0] = open(o);
                StoreStats s = store[0].stats();
                return (s.uncleanShutdown() ? "recovery: " : "clean: ") + s.recoveredEntries() + " entries re-indexed, "
                        + s.blobs() + " blobs";
            });
            table.write(o.out(), name, title);
            phase(table, sampler, "close", () -> {
                store[0].close();
                return "";
            });
            phase(table, sampler, "clean open", () -> {
                store[0] = open(o);
                return store[0].stats().blobs() + " blobs";
            });
            table.write(o.out(), name, title);
            if (o.rebuild()) {
                phase(table, sampler, "rebuildIndex", () -> {
                    store[0].rebuildIndex();
                    return store[0].stats().blobs() + " blobs";
                });
                table.write(o.out(), name, title);
            }
            if (o.enumerate()) {
                phase(table, sampler, "enumerate", () -> {
                    long n;
                    try (var s = store[0].enumerate(Range.all())) {
                        n = s.count();
                    }
                    return n + " blobs";
                });
                table.write(o.out(), name, title);
            }
            phase(table, sampler, "close", () -> {
                store[0].close();
                return "";
            });
            table.write(o.out(), name, title);
        }
    }

    /** Runs one timed phase and adds its row. */
    private static void phase(ResultTable table, RssSampler sampler, String name, Callable<String> body) throws Exception {
        ProcessMemory.resetPeak();
        sampler.takeMax();
        long t0 = System.nanoTime();
        String detail = body.call();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long rssMax = sampler.takeMax();
        table.add(List.of(name, seconds, rssMax / MB, ProcessMemory.peakRss() / MB, ProcessMemory.heapUsed() / MB, detail));
        System.out.printf(Locale.ROOT, "%s: %.3f s, RSS max %.0f MB; %s%n", name, seconds, rssMax / MB, detail);
    }

    private static String title(GrowthOptions o) {
        return String.format(Locale.ROOT, "Growing one store, index %s, %d B blobs, %s, codec %s, %d threads × putAll of %d, -Xmx%dm",
                o.index(), o.size(), o.durability(), o.codec(), o.threads(), o.batch(),
                Runtime.getRuntime().maxMemory() / (1 << 20));
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
