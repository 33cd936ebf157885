package org.blobsfile.codec.lz4;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.blobsfile.tck.V1Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A store that finds this codec on the class path writes LZ4 entries every v1 reader can decode. */
class Lz4StoreTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path dir;

    @Test
    void storeWritesLz4EntriesThatReadBackAndPassV1Check() throws Exception {
        Random random = new Random(SEED.seed(4));
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(new byte[0]);
        for (int i = 0; i < 60; i++) {
            int size = 1 + random.nextInt(30_000);
            byte[] b = new byte[size];
            if (i % 3 == 0) {
                random.nextBytes(b);
            } else {
                byte[] word = ("entry " + i + " of an lz4 store; ").getBytes(StandardCharsets.US_ASCII);
                for (int j = 0; j < size; j++) {
                    b[j] = word[j % word.length];
                }
            }
            blobs.add(b);
        }
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = BlobStore.builder(dir).codec("lz4").maxPackSize(100_003).open()) {
            for (byte[] b : blobs) {
                refs.add(store.put(b));
            }
            assertThat(store.stats().packs()).as("enough data to seal packs").isGreaterThan(1);
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            try (Stream<BlobInfo> all = store.enumerate()) {
                assertThat(all.filter(i -> i.codecId() == Lz4Codec.ID).count()).as("entries stored as lz4")
                        .isGreaterThanOrEqualTo(35);
            }
        }

        V1Check.assertStrictPass(dir, 100_003);
    }
}
