package org.blobsfile.bench.growth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The growth runner on a tiny store: its rows, and what its reopen finds. */
class GrowthBenchTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "h2"})
    void growsInSlicesThenReopensRebuildsAndEnumerates(String index) throws Exception {
        Path store = dir.resolve("store");
        Path out = dir.resolve("out");
        String[] common = {"count=2500", "slice=1000", "batch=100", "threads=2", "index=" + index,
            "store=" + store, "out=" + out};
        GrowthBench.main(concat(common, "phase=grow", "end=close"));
        GrowthBench.main(concat(common, "phase=after"));

        List<String> slices = Files.readAllLines(out.resolve("slices-" + index + ".csv"));
        assertThat(slices).hasSize(4);
        assertThat(slices.get(0)).startsWith("slice,blobs,seconds,blobs_per_s,");
        assertThat(slices.subList(1, 4)).extracting(l -> l.split(",")[1]).containsExactly("1000", "2000", "2500");
        assertThat(Files.readString(out.resolve("slices-" + index + ".md"))).contains("last slice / first slice rate");

        String phases = Files.readString(out.resolve("phases-" + index + ".csv"));
        assertThat(phases).contains("first open,").contains("clean: 0 entries re-indexed, 2500 blobs")
                .contains("rebuildIndex,").contains("enumerate,");
        assertThat(phases.lines().filter(l -> l.startsWith("enumerate,")).findFirst().orElseThrow()).endsWith(",2500 blobs");
        assertThat(Files.readString(out.resolve("phases-" + index + ".json"))).startsWith("[\n  {\"phase\": \"first open\"");
    }

    @Test
    void growingRefusesAStoreThatIsNotEmpty() throws Exception {
        Files.createDirectories(dir.resolve("store"));
        Files.writeString(dir.resolve("store/blobs-00000"), "x");
        assertThatThrownBy(() -> GrowthBench.main(new String[] {"store=" + dir.resolve("store"), "out=" + dir.resolve("out")}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not empty");
    }

    @Test
    void unknownSettingsAreRefused() {
        assertThatThrownBy(() -> GrowthOptions.parse("slices=3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slices=3");
        assertThatThrownBy(() -> GrowthOptions.parse("phase=shrink")).isInstanceOf(IllegalArgumentException.class);
        assertThat(GrowthOptions.parse().count()).isEqualTo(30_000_000L);
        assertThat(GrowthOptions.parse().slice()).isEqualTo(1_000_000L);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
