package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on the H2 index used by interrupted threads. MVStore reads and writes its file through
 * a {@code FileChannel}, which an interrupt closes for good: one interrupted get that missed
 * H2's page cache would fail every later call of the store. The index here is larger than a
 * 1 MB page cache, so most lookups read the file.
 */
class H2StoreInterruptTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path dir;

    @AfterEach
    void clearCacheSetting() {
        System.clearProperty(H2Tuning.CACHE_PROPERTY);
    }

    @Test
    void interruptedCallsNeitherFailNorCloseTheIndexFile() {
        List<BlobRef> refs = new ArrayList<>();
        Random random = new Random(SEED.seed(5));
        try (BlobStore store = BlobStore.builder(dir).index("h2").durability(Durability.NONE).open()) {
            for (int batch = 0; batch < 40; batch++) {
                List<byte[]> blobs = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    byte[] b = new byte[48];
                    random.nextBytes(b);
                    blobs.add(b);
                }
                refs.addAll(store.putAll(blobs));
            }
        }
        System.setProperty(H2Tuning.CACHE_PROPERTY, "1");
        try (BlobStore store = BlobStore.builder(dir).index("h2").durability(Durability.NONE).open()) {
            int kept = 0;
            for (int i = 0; i < 500; i++) {
                Thread.currentThread().interrupt();
                BlobRef ref = refs.get(random.nextInt(refs.size()));
                assertThat(store.get(ref)).hasSize(48);
                assertThat(store.exists(refs.get(random.nextInt(refs.size())))).isTrue();
                if (Thread.interrupted()) {
                    kept++;
                }
            }
            assertThat(kept).as("every interrupt is handed back").isEqualTo(500);
            Thread.currentThread().interrupt();
            BlobRef added = store.put("put while interrupted".getBytes());
            assertThat(Thread.interrupted()).isTrue();
            assertThat(store.enumerate().count()).isEqualTo(refs.size() + 1);
            assertThat(store.get(added)).isEqualTo("put while interrupted".getBytes());
            Thread.currentThread().interrupt();
        } finally {
            assertThat(Thread.interrupted()).as("close, which commits the H2 file, kept the interrupt").isTrue();
        }
        try (BlobStore store = BlobStore.builder(dir).index("h2").open()) {
            assertThat(store.stats().indexRebuilds()).as("the index file was closed properly").isZero();
            assertThat(store.stats().blobs()).isEqualTo(refs.size() + 1);
        }
    }
}
