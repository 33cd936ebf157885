package org.blobsfile.core.internal.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreStats;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.PluginRegistry;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuilt index must hold exactly what the puts wrote: every key with the same pack, offset,
 * sizes and codec, and the same totals, whatever the mix of entry sizes the scan reads through
 * its window or skips.
 */
class IndexRebuildTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @Test
    void rebuiltIndexEqualsTheIndexThePutsWrote() {
        Random rnd = new Random(SEED.seed(11));
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(1 << 20).codec("snappy").open()) {
            store.put(new byte[0]);
            for (int i = 0; i < 400; i++) {
                switch (i % 4) {
                    case 0 -> store.put(text(rnd, 1 + rnd.nextInt(4000)));      // compressed, read through the window
                    case 1 -> store.put(random(rnd, 1 + rnd.nextInt(2000)));    // plain, small
                    case 2 -> store.put(random(rnd, PackScanner.SKIP_PAYLOAD + rnd.nextInt(64_000))); // plain, skipped
                    default -> store.put(text(rnd, 12 * PackScanner.SKIP_PAYLOAD)); // compressed, large
                }
            }
            List<BlobInfo> before = store.enumerate().toList();
            StoreStats stats = store.stats();
            assertThat(before.stream().mapToInt(BlobInfo::pack).max().getAsInt())
                    .as("several packs, so the scan threads share them").isGreaterThan(3);

            store.rebuildIndex();

            assertThat(store.enumerate().toList()).containsExactlyElementsOf(before);
            assertThat(store.stats().blobs()).isEqualTo(stats.blobs());
            assertThat(store.stats().bytes()).isEqualTo(stats.bytes());
            assertThat(store.stats().storedBytes()).isEqualTo(stats.storedBytes());
        }
    }

    @Test
    void parallelCountEqualsTheSerialWalk() throws Exception {
        Random rnd = new Random(SEED.seed(12));
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(1 << 20).open()) {
            for (int i = 0; i < 5000; i++) {
                store.put(random(rnd, 16 + rnd.nextInt(300))); // long enough never to repeat
            }
        }
        try (StoreIndex index = StoreIndex.open(PluginRegistry.indexes().forName("rocksdb"), tmp)) {
            assertThat(index.count().blobs()).isEqualTo(5000);
            IndexMeta.Counters[] serial = {IndexMeta.Counters.ZERO};
            index.forEach((key, location) -> serial[0] = serial[0].plus(location));
            assertThat(index.count()).isEqualTo(serial[0]);
        }
    }
}
