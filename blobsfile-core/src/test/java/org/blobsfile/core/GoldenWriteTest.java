package org.blobsfile.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.blobsfile.api.BlobStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Replaying a case's puts with its pack size and no compression writes the same bytes as Go. */
class GoldenWriteTest {
    static final List<String> CASES = Golden.BYTE_EXACT_CASES;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @FieldSource("CASES")
    void packsAreByteIdenticalToTheGoldenOnes(String name) throws Exception {
        Map<String, byte[]> blobs = Golden.blobsByHash(name);
        long max = Golden.maxPackSize(name);
        Path dir = tmp.resolve(name);
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(max).codec("none").open()) {
            for (String h : Golden.puts(name)) {
                assertThat(store.put(blobs.get(h)).hex()).isEqualTo(h);
            }
            store.stats();
        }
        Map<String, String> sums = Golden.sums(name, "packs.sha256");
        Path golden = Golden.caseDir(name).resolve("store");
        for (String pack : sums.keySet()) {
            Path ours = dir.resolve(pack);
            assertThat(ours).exists();
            long goldenSize = Files.size(golden.resolve(pack));
            if (goldenSize > max) {
                // a sealed pack: the data area must match; parity is the sealer's
                assertThat(Files.size(ours)).isGreaterThanOrEqualTo(max);
                assertThat(Golden.sha256Prefix(ours, max)).as(pack).isEqualTo(Golden.sha256Prefix(golden.resolve(pack), max));
                if (Files.size(ours) == goldenSize) {
                    assertThat(Golden.sha256(ours)).as(pack).isEqualTo(sums.get(pack));
                }
            } else {
                assertThat(Golden.sha256(ours)).as(pack).isEqualTo(sums.get(pack));
            }
        }
    }
}
