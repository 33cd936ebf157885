package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Progress;
import org.blobsfile.core.testing.Golden;
import org.blobsfile.core.testing.V1CheckTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Stores the Go writer made: blobs deleted from them and their packs compacted stay v1 and lose no live blob. */
class GoldenCompactionTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"sealed", "sealed-snappy"})
    void aGoWrittenStoreCanBeCompactedAndStaysReadableByV1Tools(String name) throws Exception {
        Path dir = Golden.copyStore(name, tmp.resolve(name));
        long maxPack = Golden.maxPackSize(name);
        List<Golden.Row> rows = Golden.manifest(name);
        List<BlobRef> kept = new ArrayList<>();
        List<BlobRef> deleted = new ArrayList<>();
        Map<BlobRef, byte[]> before = new java.util.HashMap<>();
        try (BlobStore store = BlobStore.builder(dir).codec(name.contains("snappy") ? "snappy" : "none").open()) {
            for (Golden.Row r : rows) {
                BlobRef ref = BlobRef.parse(r.hash());
                before.put(ref, store.get(ref));
                (r.pack() == 0 && r.offset() % 2 == 0 || r.pack() == 1 ? deleted : kept).add(ref);
            }
            assertThat(store.deleteAll(deleted)).hasSameSizeAs(deleted);
            CompactionReport report = store.compact(CompactionOptions.defaults().withMinGarbagePercent(0), Progress.NONE);
            assertThat(report.skipped()).isEmpty();
            assertThat(report.rewritten()).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("blobs-00000", "blobs-00001");
            for (BlobRef r : kept) {
                assertThat(store.get(r)).isEqualTo(before.get(r));
            }
            for (BlobRef r : deleted) {
                assertThat(store.exists(r)).isFalse();
            }
            assertThat(store.verify().isClean()).isTrue();
        }
        String[] check = V1CheckTest.run(dir, "--strict", "--max-pack-size", Long.toString(maxPack));
        assertThat(check[0]).as(check[1]).isEqualTo("0");
        try (BlobStore store = BlobStore.builder(dir).open()) {
            store.rebuildIndex();
            assertThat(store.stats().blobs()).isEqualTo(kept.size());
            for (BlobRef r : kept) {
                assertThat(store.get(r)).isEqualTo(before.get(r));
            }
        }
    }
}
