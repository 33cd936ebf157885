package org.blobsfile.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a codec that streams ({@link org.blobsfile.api.spi.Codec#compressing},
 * {@link org.blobsfile.api.spi.Codec#decompressing}) must give a store: streamed puts compress in
 * pieces into entries that read back every way, verify, equal what {@code put(byte[])} makes of
 * the same blob, and pass the independent v1 checker. A codec module extends it in its tests,
 * with a store implementation on its test class path.
 */
public abstract class StreamingStoreContract {
    /** @return the codec's name, as a store is told it */
    protected abstract String codecName();

    /** @return the codec's id, as the entries it writes carry it */
    protected abstract int codecId();

    /** The seed of the generated blobs, printed on failure. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    /** Where the store is made. */
    @TempDir
    Path tmp;

    /**
     * A blob of repeated words over several of the codec's blocks, and noise that does not
     * compress, streamed in and read back every way.
     *
     * @throws Exception on a failure to read or write
     */
    @Test
    void aStreamedBlobIsStoredCompressedAndReadsBackEveryWay() throws Exception {
        Random random = SEED.random();
        // nine MiB and a bit: several of the codec's blocks, and past the size verify streams at
        byte[] blob = new byte[(9 << 20) + 1021];
        byte[][] words = new byte[512][];
        for (int i = 0; i < words.length; i++) {
            words[i] = new byte[3 + random.nextInt(9)];
            random.nextBytes(words[i]);
        }
        for (int at = 0; at < blob.length; ) {
            byte[] w = words[random.nextInt(words.length)];
            int n = Math.min(w.length, blob.length - at);
            System.arraycopy(w, 0, blob, at, n);
            at += n;
        }
        byte[] noise = new byte[(1 << 20) + 7];
        random.nextBytes(noise);
        Path file = Files.write(tmp.resolve("blob"), blob);
        Path dir = tmp.resolve("store");
        long packSize = 32L << 20;
        BlobRef ref;
        BlobRef plain;
        try (BlobStore store = BlobStore.builder(dir).codec(codecName()).maxPackSize(packSize).open()) {
            ref = store.put(new ByteArrayInputStream(blob));
            plain = store.put(new ByteArrayInputStream(noise));
            assertThat(store.put(file)).isEqualTo(ref);
            assertThat(store.put(blob)).isEqualTo(ref);
            assertThat(store.stats().dedupedPuts()).isEqualTo(2);
            try (Stream<BlobInfo> all = store.enumerate()) {
                BlobInfo info = all.filter(i -> i.ref().equals(ref)).findFirst().orElseThrow();
                assertThat(info.codecId()).isEqualTo(codecId());
            }
            assertThat(store.stats().storedBytes()).as("compressed, and the noise plain").isLessThan(blob.length * 3L / 4 + noise.length);
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(store.get(ref)).isEqualTo(blob);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.get(ref, out);
            assertThat(out.toByteArray()).isEqualTo(blob);
            try (InputStream in = store.open(plain)) {
                assertThat(in.readAllBytes()).isEqualTo(noise);
            }
            assertThat(store.verify().isClean()).isTrue();
        }
        V1Check.assertStrictPass(dir, packSize);
    }
}
