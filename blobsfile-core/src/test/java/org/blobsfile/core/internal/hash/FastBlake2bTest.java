package org.blobsfile.core.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.blobsfile.core.testing.Golden;
import org.blobsfile.tck.RandomSeed;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Our BLAKE2b-256 equals Bouncy Castle's, the reference, on every length and on the golden vectors. */
class FastBlake2bTest {
    /** The seed of the random cases: -Dblobsfile.seed=N replays them, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static byte[] reference(byte[] data, int off, int len) {
        Blake2bDigest d = new Blake2bDigest(256);
        d.update(data, off, len);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    @Test
    void aHashCutShortByBadBoundsLeavesNothingForTheThreadsNextHash() {
        byte[] data = new byte[3000];
        SEED.random().nextBytes(data);
        byte[] whole = FastBlake2b.hash(data, 0, data.length);
        // the copy into the block buffer starts, then runs off the array's end
        assertThatThrownBy(() -> FastBlake2b.hash(data, 1000, data.length)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(FastBlake2b.hash(data, 0, data.length)).isEqualTo(whole);
        Blake2bDigest reference = new Blake2bDigest(256);
        reference.update(data, 0, data.length);
        byte[] expected = new byte[32];
        reference.doFinal(expected, 0);
        assertThat(whole).isEqualTo(expected);
    }

    @Test
    void equalsTheReferenceOnEveryLengthUpTo4096() {
        long seed = SEED.seed(20261121L);
        Random rnd = new Random(seed);
        byte[] buf = new byte[4096 + 64];
        rnd.nextBytes(buf);
        for (int len = 0; len <= 4096; len++) {
            int off = rnd.nextInt(64);
            assertThat(FastBlake2b.hash(buf, off, len)).as("length %d offset %d (seed %d)", len, off, seed)
                    .isEqualTo(reference(buf, off, len));
        }
    }

    @Test
    void equalsTheReferenceOnLargeInputs() {
        Random rnd = new Random(SEED.seed(7));
        for (int len : new int[] {1 << 20, (1 << 20) + 1, 3 * (1 << 20) - 127, 5_000_003}) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            assertThat(FastBlake2b.hash(b, 0, len)).as("length %d", len).isEqualTo(reference(b, 0, len));
        }
    }

    @Test
    void everyGoldenVectorHashesAsPublished() {
        List<String[]> rows = Golden.tsv(Golden.root().resolve("blake2b-vectors/vectors.tsv"));
        for (String[] r : rows) {
            int length = Integer.parseInt(r[1]);
            byte[] input = switch (r[2]) {
                case "ascii" -> r[3].getBytes(StandardCharsets.US_ASCII);
                case "hex" -> HexFormat.of().parseHex(r[3]);
                default -> {
                    byte[] b = new byte[length];
                    for (int i = 0; i < length; i++) {
                        b[i] = (byte) ((i * 131 + 17) % 256);
                    }
                    yield b;
                }
            };
            assertThat(HexFormat.of().formatHex(FastBlake2b.hash(input, 0, input.length))).as(r[0]).isEqualTo(r[4]);
        }
    }
}
