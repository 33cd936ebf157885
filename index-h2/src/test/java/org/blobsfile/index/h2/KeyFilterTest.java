package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter never answers "absent" for a key it was given, answers "maybe" for few absent ones,
 * and reads back as it was stored, for random keys and for keys that differ in a few bytes only.
 */
class KeyFilterTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final int KEYS = 50_000;

    @Test
    void randomKeysAreNeverMissedAndFewAbsentOnesPass() {
        Random rnd = SEED.random();
        check(randomKeys(rnd, KEYS), randomKeys(rnd, KEYS));
    }

    @Test
    void keysThatDifferInFewBytesSpreadAsWell() {
        List<byte[]> present = new ArrayList<>();
        List<byte[]> absent = new ArrayList<>();
        for (int i = 0; i < 2 * KEYS; i++) {
            byte[] k = new byte[32];
            ByteBuffer.wrap(k).putInt(28, i); // one counter in the last bytes, zeros elsewhere
            (i % 2 == 0 ? present : absent).add(k);
        }
        check(present, absent);
    }

    @Test
    void keysOfOtherLengthsAreHashedWhole() {
        Random rnd = SEED.random();
        List<byte[]> present = new ArrayList<>();
        List<byte[]> absent = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            byte[] k = new byte[1 + rnd.nextInt(40)];
            rnd.nextBytes(k);
            present.add(k);
            byte[] other = k.clone();
            other[rnd.nextInt(other.length)] ^= (byte) (1 + rnd.nextInt(255));
            absent.add(other);
        }
        check(present, absent);
    }

    private static void check(List<byte[]> present, List<byte[]> drawn) {
        // a short key drawn as absent may be one of the present ones
        Set<String> added = new HashSet<>();
        present.forEach(k -> added.add(HexFormat.of().formatHex(k)));
        List<byte[]> absent = drawn.stream().filter(k -> !added.contains(HexFormat.of().formatHex(k))).toList();
        assertThat(absent.size()).as("absent keys to test").isGreaterThan(drawn.size() / 2);
        KeyFilter f = KeyFilter.forKeys(present.size());
        present.forEach(f::add);
        KeyFilter read = KeyFilter.fromBytes(f.toBytes());
        for (KeyFilter filter : List.of(f, read)) {
            for (byte[] k : present) {
                assertThat(filter.mightContain(KeyFilter.hashOf(k))).as("a key that was added").isTrue();
            }
            long passed = absent.stream().filter(k -> filter.mightContain(KeyFilter.hashOf(k))).count();
            // sixteen bits and seven probes per key: about 0.07%; a blocked filter a little more
            assertThat(passed).as("absent keys answered maybe, of %d", absent.size()).isLessThan(absent.size() / 400);
        }
    }

    /**
     * Filters stored by earlier versions are read as they are, so a filter built now must set the
     * bits they did: these keys' filter, as the version before filter banks (which moved the hash
     * and probe arithmetic into shared methods) wrote it.
     */
    @Test
    void theBitsAKeySetsAreThoseOfTheStoredFormat() {
        KeyFilter f = KeyFilter.forKeys(1_000);
        for (int i = 0; i < 1_000; i++) {
            byte[] k = new byte[32];
            ByteBuffer.wrap(k).putInt(0, i).putLong(8, i * 0x9E3779B97F4A7C15L);
            f.add(k);
        }
        CRC32 crc = new CRC32();
        crc.update(f.toBytes());
        assertThat(f.toBytes()).hasSize(2_056);
        assertThat(crc.getValue()).as("CRC-32 of the stored filter").isEqualTo(0xbb899ba1L);
    }

    @Test
    void aStoredFilterOfAnotherFormatOrLengthIsRefused() {
        byte[] stored = KeyFilter.forKeys(100).toBytes();
        byte[] otherFormat = stored.clone();
        otherFormat[0] ^= 1;
        assertThatThrownBy(() -> KeyFilter.fromBytes(otherFormat)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format");
        byte[] cut = Arrays.copyOf(stored, stored.length - 1);
        assertThatThrownBy(() -> KeyFilter.fromBytes(cut)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyFilter.fromBytes(new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }

    /** @return {@code n} random keys of 32 bytes, as the store's hashes are */
    static List<byte[]> randomKeys(Random rnd, int n) {
        List<byte[]> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[32];
            rnd.nextBytes(k);
            keys.add(k);
        }
        return keys;
    }
}
