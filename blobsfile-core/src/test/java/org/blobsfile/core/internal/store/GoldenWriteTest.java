package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.Golden;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Replaying a case's puts with its pack size and no compression writes the same bytes as Go,
 * parity included (closing the store waits for the background sealer).
 */
class GoldenWriteTest {
    static final List<String> CASES = Golden.BYTE_EXACT_CASES;

    @TempDir
    Path tmp;

    private static Map<String, String> sums(String name) {
        return Golden.sums(name, "packs.sha256");
    }

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
            assertThat(store.sealedPacks()).hasSizeLessThanOrEqualTo(sums(name).size());
        }
        Map<String, String> sums = sums(name);
        Path golden = Golden.caseDir(name).resolve("store");
        for (String pack : sums.keySet()) {
            Path ours = dir.resolve(pack);
            assertThat(ours).exists();
            // sealed packs included: EOF entry, padding and both parity entries
            assertThat(Files.size(ours)).as(pack).isEqualTo(Files.size(golden.resolve(pack)));
            assertThat(Golden.sha256(ours)).as(pack).isEqualTo(sums.get(pack));
        }
        try (var s = Files.list(dir)) {
            assertThat(s.filter(p -> PackFormat.packNumber(p.getFileName().toString()) >= 0).count())
                    .isEqualTo(sums.size());
        }
    }
}
