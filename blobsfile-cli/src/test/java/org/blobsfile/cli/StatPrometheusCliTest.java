package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stat --prometheus}: the store's stats in the Prometheus text format, the same numbers as {@code --json}. */
class StatPrometheusCliTest {
    @TempDir
    Path tmp;

    @Test
    void everyNumberOfStatJsonIsASampleOfTheSameValue() throws IOException {
        Path store = tmp.resolve("media");
        Path a = Files.write(tmp.resolve("a"), "abc".getBytes(StandardCharsets.US_ASCII));
        Path b = Files.write(tmp.resolve("b"), "defgh".getBytes(StandardCharsets.US_ASCII));
        assertThat(Cli.in(store).run("put", a.toString(), b.toString(), a.toString()).code()).isZero();

        Cli.Result prom = Cli.in(store).run("stat", "--prometheus");
        assertThat(prom.code()).as(prom.toString()).isZero();
        assertThat(prom.stderr()).isEmpty();
        Map<String, String> samples = new HashMap<>();
        for (String line : prom.lines()) {
            if (line.startsWith("#")) {
                assertThat(line).as("only HELP and TYPE comments").matches("# (HELP|TYPE) blobsfile_\\w+ .+");
                continue;
            }
            assertThat(line).as("a sample of a store meter").matches("blobsfile_\\w+\\{[^}]*store=\"media\"[^}]*} \\S+");
            assertThat(line).as("a one-shot command times nothing").doesNotContain("operation=");
            samples.put(line.substring(0, line.indexOf('{')), line.substring(line.lastIndexOf(' ') + 1));
        }

        Map<String, Object> json = MiniJson.object(Cli.in(store).run("stat", "--json").out());
        int numbers = 0;
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (!(e.getValue() instanceof Number) && !(e.getValue() instanceof Boolean)) {
                continue; // names go to blobsfile_info's tags
            }
            double expected = e.getValue() instanceof Boolean t ? (t ? 1 : 0) : ((Number) e.getValue()).doubleValue();
            String gauge = "blobsfile_" + e.getKey();
            String value = samples.containsKey(gauge) ? samples.get(gauge) : samples.get(gauge + "_total");
            assertThat(value).as("a sample for stat --json's %s", e.getKey()).isNotNull();
            assertThat(Double.parseDouble(value)).as(e.getKey()).isEqualTo(expected);
            numbers++;
        }
        assertThat(numbers).isGreaterThanOrEqualTo(30);
        assertThat(samples).containsEntry("blobsfile_blobs", "2.0").containsEntry("blobsfile_bytes", "8.0");
        assertThat(prom.out()).contains("blobsfile_info{archive=\"none\",codec=\"none\",durability=\"GROUP\","
                + "index=\"rocksdb\",store=\"media\"} 1\n");
    }

    @Test
    void jsonAndPrometheusTogetherAreAUsageError() throws IOException {
        Path store = tmp.resolve("store");
        Path a = Files.write(tmp.resolve("a"), new byte[] {1});
        assertThat(Cli.in(store).run("put", a.toString()).code()).isZero();
        Cli.Result r = Cli.in(store).run("stat", "--json", "--prometheus");
        assertThat(r.code()).as(r.toString()).isEqualTo(BlobsFileCommand.EXIT_USAGE);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("blobsfile stat: give --json or --prometheus, not both\n");
    }
}
