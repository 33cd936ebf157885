package org.blobsfile.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report turns JMH's JSON into rows with the right baselines, tables, CSV and a chart. */
class ReportTest {
    @TempDir
    Path dir;

    private static String run(String benchmark, String params, int threads, double score, String unit, String secondary) {
        return "{\"benchmark\": \"org.blobsfile.bench." + benchmark + "\", \"threads\": " + threads
                + ", \"params\": {" + params + "}, \"primaryMetric\": {\"score\": " + score
                + ", \"scoreError\": \"NaN\", \"scoreUnit\": \"" + unit + "\"}, \"secondaryMetrics\": {" + secondary + "}}";
    }

    private static final String GETS = "[" + String.join(",",
            run("GetBenchmark.get", "\"engine\": \"blobsfile\", \"size\": \"4096\"", 1, 300, "ops/s", ""),
            run("GetBenchmark.get", "\"engine\": \"file-per-blob\", \"size\": \"4096\"", 1, 100, "ops/s", ""),
            run("GetBenchmark.get", "\"engine\": \"rocksdb-blobdb\", \"size\": \"4096\"", 1, 200, "ops/s", ""),
            run("GetBenchmark.get", "\"engine\": \"h2-mvstore\", \"size\": \"1048576\"", 1, 5, "ops/s", "")) + "]";

    private static final String OTHERS = "[" + String.join(",",
            run("DurablePutBenchmark.threads1", "\"engine\": \"blobsfile:none:sync_each\", \"size\": \"512\"", 1, 100, "ops/s", ""),
            run("DurablePutBenchmark.threads16", "\"engine\": \"blobsfile:none:group\", \"size\": \"512\"", 16, 1500, "ops/s", ""),
            run("RebuildBenchmark.oneThread", "\"index\": \"h2\", \"packMiB\": \"1024\"", 1, 0.5, "ops/s", ""),
            run("RebuildBenchmark.allCores", "\"index\": \"h2\", \"packMiB\": \"1024\"", 1, 0.9, "ops/s", ""),
            run("PutAllBenchmark.oneThread", "\"codec\": \"zstd\", \"size\": \"1048576\", \"batch\": \"16\", \"maxPackMiB\": \"2047\"", 1, 2, "ops/s", ""),
            run("PutAllBenchmark.allCores", "\"codec\": \"zstd\", \"size\": \"1048576\", \"batch\": \"16\", \"maxPackMiB\": \"2047\"", 1, 3, "ops/s", ""),
            run("VerifyBenchmark.readPacks", "\"sealedMiB\": \"256\"", 1, 8, "ops/s",
                    "\"bytes\": {\"score\": 2147483648, \"scoreUnit\": \"#/s\"}"),
            run("VerifyBenchmark.verify", "\"sealedMiB\": \"256\"", 1, 2, "ops/s",
                    "\"bytes\": {\"score\": 536870912, \"scoreUnit\": \"#/s\"}"),
            run("SealBenchmark.seal", "\"maxPackSize\": \"268435456\"", 1, 1000, "ms/op",
                    "\"gc.alloc.rate.norm\": {\"score\": 1048576.0, \"scoreUnit\": \"B/op\"}")) + "]";

    @Test
    void eachRowIsComparedWithItsSectionsBaselineOfTheSameWorkload() {
        List<Row> rows = Report.rows(JmhRun.parse(GETS));
        assertThat(rows).extracting(Row::variant).containsExactly("blobsfile", "file-per-blob", "rocksdb-blobdb", "h2-mvstore");
        assertThat(rows.get(0).ratio()).isEqualTo(3.0);
        assertThat(rows.get(0).value()).isCloseTo(300 * 4096 / (double) (1 << 20), within(1e-9));
        assertThat(rows.get(1).ratio()).isEqualTo(1.0);
        assertThat(rows.get(3).ratio()).as("no file-per-blob run of 1 MiB").isNaN();

        List<Row> others = Report.rows(JmhRun.parse(OTHERS));
        Row group = others.stream().filter(r -> r.run().threads() == 16).findFirst().orElseThrow();
        assertThat(group.ratio()).isEqualTo(15.0);
        assertThat(group.workload()).isEqualTo("512 B, 16 threads");
        Row rebuild = others.stream().filter(r -> r.run().benchmarkClass().equals("RebuildBenchmark")
                && r.variant().equals("all cores")).findFirst().orElseThrow();
        assertThat(rebuild.ratio()).isCloseTo(1.8, within(1e-9));
        assertThat(rebuild.value()).isCloseTo(0.9 * 1024, within(1e-9));
        Row putAll = others.stream().filter(r -> r.run().benchmarkClass().equals("PutAllBenchmark")
                && r.variant().equals("all cores")).findFirst().orElseThrow();
        assertThat(putAll.workload()).isEqualTo("16 × 1 MiB, codec zstd, 2047 MiB packs");
        assertThat(putAll.value()).isCloseTo(3 * 16.0, within(1e-9));
        assertThat(putAll.ratio()).isCloseTo(1.5, within(1e-9));
        Row verify = others.stream().filter(r -> r.variant().equals("verify")).findFirst().orElseThrow();
        assertThat(verify.value()).isEqualTo(512.0);
        assertThat(verify.ratio()).isEqualTo(0.25);
        assertThat(Report.targets(others)).anyMatch(t -> t.contains("15.00×") && t.contains("meets"))
                .anyMatch(t -> t.contains("1.80×") && t.contains("meets"))
                .anyMatch(t -> t.contains("**1.0 MiB**") && t.contains("meets"))
                .anyMatch(t -> t.startsWith("* putAll 16 × 1 MiB, codec zstd, 2047 MiB packs") && t.contains("1.50×") && t.contains("misses"));
    }

    @Test
    void sampledPutsAreComparedWithThePlainAppendAndJudgedByTheirTail() {
        String json = "[" + sampled("append-fsync", 200, 180, 400) + ", " + sampled("blobsfile:none:sync_each", 125, 110, 500)
                + "]";
        List<Row> rows = Report.rows(JmhRun.parse(json));
        Row ours = rows.stream().filter(r -> r.variant().equals("blobsfile:none:sync_each")).findFirst().orElseThrow();
        assertThat(ours.value()).as("puts/s from the mean latency in µs").isCloseTo(8000, within(1e-6));
        assertThat(ours.ratio()).isCloseTo(1.6, within(1e-9));
        assertThat(ours.run().secondary()).containsEntry("p50", 110.0).containsEntry("p99", 500.0);
        assertThat(Report.targets(rows)).anyMatch(t -> t.contains("puts/s / append-fsync") && t.contains("1.60×")
                && t.contains("meets")).anyMatch(t -> t.contains("p99 / p50 **4.55**") && t.contains("misses"));
    }

    @Test
    void theWakeUpRoundEstimatesWhatGroupCommitCanDoBesideOneForcePerPut() {
        String json = "[" + String.join(",",
                run("DurablePutBenchmark.threads1", "\"engine\": \"blobsfile:none:sync_each\", \"size\": \"512\"", 1, 5000,
                        "ops/s", ""),
                run("WakeupBenchmark.wakeAll", "\"threads\": \"16\", \"work\": \"0\"", 1, 120, "us/op", ""),
                run("WakeupBenchmark.wakeAll", "\"threads\": \"16\", \"work\": \"512\"", 1, 300, "us/op", "")) + "]";
        List<Row> rows = Report.rows(JmhRun.parse(json));
        Row round = rows.stream().filter(r -> r.variant().equals("hashing 512 B each")).findFirst().orElseThrow();
        assertThat(round.workload()).isEqualTo("16 threads");
        assertThat(round.value()).isEqualTo(300.0);
        assertThat(round.ratio()).as("against the round that only wakes").isCloseTo(300 / 120.0, within(1e-9));
        // a SYNC_EACH put of 200 µs, a round of 300 µs: 16 puts per 500 µs against one per 200 µs
        assertThat(Report.targets(rows)).anyMatch(t -> t.contains("if waking follows the force")
                && t.contains("200 µs, then waking the 16, 300 µs") && t.contains("**6.40×**"));
    }

    private static String sampled(String engine, double mean, double p50, double p99) {
        return "{\"benchmark\": \"org.blobsfile.bench.SyncPutLatencyBenchmark.put\", \"threads\": 1, \"params\": "
                + "{\"engine\": \"" + engine + "\", \"size\": \"512\"}, \"primaryMetric\": {\"score\": " + mean
                + ", \"scoreError\": \"NaN\", \"scoreUnit\": \"us/op\", \"scorePercentiles\": {\"0.0\": 1.0, "
                + "\"50.0\": " + p50 + ", \"99.0\": " + p99 + "}}, \"secondaryMetrics\": {}}";
    }

    @Test
    void writesMergedJsonMarkdownCsvAndAReadableChart() throws IOException {
        Path a = Files.writeString(dir.resolve("a.json"), GETS);
        Path b = Files.writeString(dir.resolve("b.json"), OTHERS);
        Path empty = Files.writeString(dir.resolve("failed.json"), "");
        Files.writeString(dir.resolve("env.txt"), "cpus: 2\n");
        ReportMain.main(new String[] {dir.toString(), a.toString(), empty.toString(), b.toString()});

        assertThat(JmhRun.parse(Files.readString(dir.resolve("results.json")))).hasSize(13);
        String md = Files.readString(dir.resolve("results.md"));
        assertThat(md).contains("cpus: 2", "## Random warm gets", "Baseline: file-per-blob, same size",
                "| 4 KiB | blobsfile | 1 | 300 ops/s | 1.17 | 3.00× |", "## Index rebuild", "## putAll, all cores and one thread",
                "allocated B/op",
                "## Targets of issue 6");
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertThat(csv).hasSize(14);
        assertThat(csv).anyMatch(l -> l.startsWith(
                "Random warm gets,GetBenchmark,get,4 KiB,blobsfile,1,engine=blobsfile;size=4096,300.000,,ops/s,"));
        BufferedImage png = ImageIO.read(dir.resolve("results.png").toFile());
        assertThat(png.getWidth()).isGreaterThanOrEqualTo(1600);
        assertThat(png.getHeight()).isGreaterThanOrEqualTo(800);
    }

    @Test
    void chartLeavesOutTheBarOfAWorkloadAVariantDidNotRun() throws IOException {
        String json = "[" + String.join(",",
                run("GetBenchmark.get", "\"engine\": \"file-per-blob\", \"size\": \"512\"", 1, 100, "ops/s", ""),
                run("GetBenchmark.get", "\"engine\": \"blobsfile\", \"size\": \"512\"", 1, 200, "ops/s", ""),
                run("GetBenchmark.get", "\"engine\": \"file-per-blob\", \"size\": \"4096\"", 1, 100, "ops/s", "")) + "]";
        Path png = dir.resolve("chart.png");
        ChartMain.write(Report.rows(JmhRun.parse(json)), png);
        assertThat(ImageIO.read(png.toFile()).getWidth()).isPositive();
    }

    @Test
    void rejectsWhatIsNotJmhJson() {
        assertThatThrownBy(() -> JmhRun.parse("{\"a\": 1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JmhRun.parse("[{\"benchmark\": \"x\"")).isInstanceOf(IllegalArgumentException.class);
    }
}
