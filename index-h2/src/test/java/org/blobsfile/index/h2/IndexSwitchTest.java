package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One store opened with RocksDB, then H2, then RocksDB again: each index the store has not seen
 * is built from the packs, and both enumerate the same blobs with the same locations.
 */
class IndexSwitchTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path dir;

    @Test
    void rocksDbThenH2ThenRocksDbEnumerateIdentically() throws Exception {
        Random random = new Random(SEED.seed(2));
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(new byte[0]);
        for (int i = 0; i < 120; i++) {
            byte[] b = new byte[random.nextInt(12_000)];
            if (i % 2 == 0) {
                random.nextBytes(b);
            } else {
                byte[] w = ("blob " + i + " in a store that changes its index; ").getBytes(StandardCharsets.US_ASCII);
                for (int j = 0; j < b.length; j++) {
                    b[j] = w[j % w.length];
                }
            }
            blobs.add(b);
        }
        List<BlobRef> refs = new ArrayList<>();
        List<BlobInfo> fromRocksDb;
        try (BlobStore store = BlobStore.builder(dir).index("rocksdb").maxPackSize(200_003).open()) {
            for (byte[] b : blobs.subList(0, 80)) {
                refs.add(store.put(b));
            }
            fromRocksDb = list(store);
        }
        assertThat(dir.resolve("index-h2")).doesNotExist();

        List<BlobInfo> fromH2;
        try (BlobStore store = BlobStore.builder(dir).index("h2").open()) {
            assertThat(store.stats().index()).isEqualTo("h2");
            fromH2 = list(store);
            assertThat(fromH2).as("h2 built from the packs").isEqualTo(fromRocksDb);
            for (int i = 0; i < refs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            // blobs put while h2 is the index: rocksdb must learn them from the packs
            for (byte[] b : blobs.subList(80, blobs.size())) {
                refs.add(store.put(b));
            }
            fromH2 = list(store);
        }
        assertThat(Files.isRegularFile(dir.resolve("index-h2").resolve(H2Index.FILE_NAME))).isTrue();
        assertThat(fromH2).hasSize(blobs.size());

        try (BlobStore store = BlobStore.builder(dir).index("rocksdb").open()) {
            List<BlobInfo> again = list(store);
            assertThat(again).as("rocksdb after h2 wrote more packs").isEqualTo(fromH2);
            for (int i = 0; i < refs.size(); i++) {
                assertThat(store.get(refs.get(i))).as("blob %d", i).isEqualTo(blobs.get(i));
            }
            assertThat(store.stats().packs()).isGreaterThan(2);
        }
    }

    /**
     * Deletions and a compaction made while H2 is the index reach RocksDB's older index when the
     * store switches back: the deleted blobs stay absent, the moved ones are found at their new
     * places, though the pack RocksDB's checkpoint points into was rewritten meanwhile.
     */
    @Test
    void deletionsAndCompactionsUnderOneIndexReachTheOther() throws Exception {
        Random random = new Random(SEED.seed(3));
        List<byte[]> blobs = new ArrayList<>();
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = BlobStore.builder(dir).index("rocksdb").maxPackSize(65_536).open()) {
            for (int i = 0; i < 30; i++) {
                byte[] b = new byte[500 + random.nextInt(3000)];
                random.nextBytes(b);
                blobs.add(b);
                refs.add(store.put(b));
            }
        }
        java.util.Set<BlobRef> deleted = new java.util.HashSet<>();
        try (BlobStore store = BlobStore.builder(dir).index("h2").open()) {
            for (int i = 0; i < 90; i++) {
                byte[] b = new byte[500 + random.nextInt(3000)];
                random.nextBytes(b);
                blobs.add(b);
                refs.add(store.put(b));
            }
            for (int i = 0; i < refs.size(); i += 2) {
                deleted.add(refs.get(i));
            }
            store.deleteAll(deleted);
            assertThat(store.compact(org.blobsfile.api.CompactionOptions.defaults().withMinGarbagePercent(0),
                    org.blobsfile.api.Progress.NONE).rewritten()).as("packs rewritten").hasSizeGreaterThan(1);
        }
        try (BlobStore store = BlobStore.builder(dir).index("rocksdb").open()) {
            for (int i = 0; i < refs.size(); i++) {
                if (deleted.contains(refs.get(i))) {
                    assertThat(store.exists(refs.get(i))).as("deleted blob %d", i).isFalse();
                } else {
                    assertThat(store.get(refs.get(i))).as("blob %d", i).isEqualTo(blobs.get(i));
                }
            }
            assertThat(list(store)).hasSize(refs.size() - deleted.size());
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    private static List<BlobInfo> list(BlobStore store) {
        try (Stream<BlobInfo> all = store.enumerate()) {
            return all.toList();
        }
    }
}
