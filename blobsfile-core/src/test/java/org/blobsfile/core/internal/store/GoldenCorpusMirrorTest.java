package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.testing.Golden;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compact corpus in the test resources agrees with the full shared corpus, when this
 * machine has it: same packs, manifests and properties, the put sequences derived from
 * {@code inputs.bin}, and the damaged packs derived from {@code sealed}.
 */
class GoldenCorpusMirrorTest {
    @TempDir
    Path tmp;

    @Test
    void compactCopyMatchesTheSharedCorpus() throws Exception {
        Path shared = Golden.shared().orElse(null);
        Assumptions.assumeTrue(shared != null, "shared golden corpus not present on this machine");
        Path ours = Golden.root();
        int compared = 0;
        try (Stream<Path> files = Files.walk(ours)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = ours.relativize(f).toString();
                if (rel.equals("README.md") || rel.endsWith("puts.txt")) {
                    continue;
                }
                assertThat(Golden.sha256(f)).as(rel).isEqualTo(Golden.sha256(shared.resolve(rel)));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(50);
        for (String name : Golden.STORE_CASES) {
            assertThat(Golden.puts(name)).as(name).containsExactlyElementsOf(putsOf(shared.resolve(name).resolve("inputs.bin")));
        }
    }

    @Test
    void derivedDamagedPacksEqualTheSharedOnes() throws Exception {
        Path shared = Golden.shared().orElse(null);
        Assumptions.assumeTrue(shared != null, "shared golden corpus not present on this machine");
        for (String name : List.of("corrupt-1shard", "corrupt-2shards", "corrupt-parity")) {
            Path d = Golden.copyStore(name, tmp.resolve("shared-" + name));
            try (Stream<Path> packs = Files.list(shared.resolve(name).resolve("store"))) {
                for (Path p : packs.toList()) {
                    assertThat(Files.mismatch(d.resolve(p.getFileName().toString()), p)).as(name + "/" + p.getFileName())
                            .isEqualTo(-1L);
                }
            }
        }
    }

    @Test
    void derivedDamagedPacksMatchTheirRecordedSums() throws Exception {
        for (String name : List.of("corrupt-1shard", "corrupt-2shards", "corrupt-parity")) {
            Path d = Golden.copyStore(name, tmp.resolve("sums-" + name));
            for (var e : Golden.sums(name, "packs.sha256").entrySet()) {
                assertThat(Golden.sha256(d.resolve(e.getKey()))).as(name + "/" + e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    private static List<String> putsOf(Path inputs) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(inputs)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> out = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] blob = new byte[b.getInt()];
            b.get(blob);
            out.add(HexFormat.of().formatHex(Blake2b.hash(blob, 0, blob.length)));
        }
        return out;
    }
}
