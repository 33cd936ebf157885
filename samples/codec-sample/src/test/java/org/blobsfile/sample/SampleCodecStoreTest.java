package org.blobsfile.sample;

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

/**
 * The store finds this codec on the class path by name, writes id 200 entries, reads them back,
 * and the packs stay valid v1 for a checker that does not know id 200.
 */
class SampleCodecStoreTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path dir;

    @Test
    void storeWrittenWithTheSampleCodecReadsBackAndStaysV1() throws Exception {
        Random random = new Random(SEED.seed(200));
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] word = ("sample codec " + i + ", discovered from the class path. ").getBytes(StandardCharsets.US_ASCII);
            byte[] b = new byte[1 + random.nextInt(20_000)];
            for (int j = 0; j < b.length; j++) {
                b[j] = word[j % word.length];
            }
            blobs.add(b);
        }
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = BlobStore.builder(dir).codec("sample").maxPackSize(100_003).open()) {
            for (byte[] b : blobs) {
                refs.add(store.put(b));
            }
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            try (Stream<BlobInfo> all = store.enumerate()) {
                assertThat(all.map(BlobInfo::codecId)).as("every blob compresses, so every entry is id 200")
                        .hasSize(blobs.size()).containsOnly(SampleDeflateCodec.ID);
            }
        }

        V1Check.Result lenient = V1Check.run(dir);
        assertThat(lenient.exitCode()).as("v1check output:\n" + lenient.output()).isZero();
        assertThat(lenient.output()).contains("content not checked").doesNotContain("FAILED");
        V1Check.Result strict = V1Check.run(dir, "--strict");
        assertThat(strict.exitCode()).as("with --strict an unknown codec is an error:\n" + strict.output()).isNotZero();
    }
}
