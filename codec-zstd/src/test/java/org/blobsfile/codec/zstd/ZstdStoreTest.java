package org.blobsfile.codec.zstd;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Packs a store writes with zstd read back here and pass the independent v1 checker, sealed ones included. */
class ZstdStoreTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final int PACK_SIZE = 100_003;

    @TempDir
    Path dir;

    @Test
    void zstdPacksReadBackAndPassV1CheckStrict() throws Exception {
        Random random = new Random(SEED.seed(2));
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(new byte[0]);
        for (int i = 0; i < 60; i++) {
            byte[] b = new byte[1 + random.nextInt(30_000)];
            if (i % 4 == 0) {
                random.nextBytes(b); // stays plain: zstd would not shrink it
            } else {
                for (int j = 0; j < b.length; j++) {
                    b[j] = (byte) ('a' + (j * 7 + i) % 13);
                }
            }
            blobs.add(b);
        }
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = BlobStore.builder(dir).codec("zstd").maxPackSize(PACK_SIZE).open()) {
            for (byte[] b : blobs) {
                refs.add(store.put(b));
            }
            assertThat(store.stats().packs()).as("enough data to fill and seal packs").isGreaterThan(1);
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            try (Stream<BlobInfo> all = store.enumerate()) {
                assertThat(all.filter(info -> info.codecId() == ZstdCodec.ID).count()).as("entries stored as zstd")
                        .isGreaterThanOrEqualTo(40);
            }
        }
        V1Check.assertStrictPass(dir, PACK_SIZE);
    }
}
