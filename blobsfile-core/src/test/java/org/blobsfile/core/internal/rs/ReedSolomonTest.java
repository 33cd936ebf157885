package org.blobsfile.core.internal.rs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReedSolomonTest {
    /** The seed of the random cases: -Dblobsfile.seed=N replays them, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();


    /** k + m shards of {@code size} bytes: random data, parity computed. */
    private static byte[][] encoded(ReedSolomon rs, int size, Random rnd) {
        byte[][] shards = new byte[rs.totalShards()][size];
        for (int i = 0; i < rs.dataShards(); i++) {
            rnd.nextBytes(shards[i]);
        }
        rs.encodeParity(shards, 0, size);
        return shards;
    }

    private static byte[][] deepCopy(byte[][] shards) {
        byte[][] c = new byte[shards.length][];
        for (int i = 0; i < shards.length; i++) {
            c[i] = shards[i].clone();
        }
        return c;
    }

    /** Erases (overwrites with junk) the shards not present, reconstructs, compares with the original. */
    private static void eraseAndReconstruct(ReedSolomon rs, byte[][] original, boolean[] present, Random junk,
                                            String what) {
        byte[][] shards = deepCopy(original);
        for (int i = 0; i < shards.length; i++) {
            if (!present[i]) {
                junk.nextBytes(shards[i]);
            }
        }
        rs.reconstruct(shards, present, 0, original[0].length);
        for (int i = 0; i < shards.length; i++) {
            assertThat(shards[i]).as("%s: shard %d, present %s", what, i, Arrays.toString(present))
                    .isEqualTo(original[i]);
        }
    }

    @Test
    void encodingMatrixIsSystematic() {
        for (int[] km : new int[][] {{1, 1}, {10, 2}, {17, 3}, {200, 56}}) {
            Matrix e = new ReedSolomon(km[0], km[1]).encodingMatrix();
            assertThat(e.rows()).isEqualTo(km[0] + km[1]);
            assertThat(e.submatrix(0, 0, km[0], km[0])).isEqualTo(Matrix.identity(km[0]));
        }
    }

    @Test
    void oneDataShardMakesCopies() {
        ReedSolomon rs = new ReedSolomon(1, 3);
        byte[][] shards = encoded(rs, 100, new Random(SEED.seed(1)));
        for (int i = 1; i < 4; i++) {
            assertThat(shards[i]).isEqualTo(shards[0]);
        }
    }

    @Test
    void everySingleAndEveryPairOfShardsOf10Plus2IsRebuilt() {
        ReedSolomon rs = new ReedSolomon(10, 2);
        Random rnd = new Random(SEED.seed(7));
        byte[][] original = encoded(rs, 1000, rnd);
        int cases = 0;
        for (int a = 0; a < 12; a++) {
            boolean[] present = new boolean[12];
            Arrays.fill(present, true);
            present[a] = false;
            eraseAndReconstruct(rs, original, present, rnd, "lost " + a);
            cases++;
            for (int b = a + 1; b < 12; b++) {
                present[b] = false;
                eraseAndReconstruct(rs, original, present, rnd, "lost " + a + " and " + b);
                present[b] = true;
                cases++;
            }
        }
        assertThat(cases).isEqualTo(12 + 66);
    }

    @ParameterizedTest
    @CsvSource({"10,4,1000,300", "17,3,1000,300", "4,2,333,100", "128,128,16,20", "250,6,40,20"})
    void randomErasuresOfUpToParityShardsAreRebuilt(int k, int m, int size, int trials) {
        long seed = SEED.seed(1_000_003L * k + m);
        Random rnd = new Random(seed);
        ReedSolomon rs = new ReedSolomon(k, m);
        byte[][] original = encoded(rs, size, rnd);
        for (int trial = 0; trial < trials; trial++) {
            boolean[] present = new boolean[k + m];
            Arrays.fill(present, true);
            int lose = 1 + rnd.nextInt(m);
            for (int lost = 0; lost < lose; ) {
                int i = rnd.nextInt(k + m);
                if (present[i]) {
                    present[i] = false;
                    lost++;
                }
            }
            eraseAndReconstruct(rs, original, present, rnd, "(" + k + "," + m + ") seed " + seed + " trial " + trial);
        }
    }

    @Test
    void reconstructWithMoreThanKPresentAndNothingMissing() {
        ReedSolomon rs = new ReedSolomon(10, 4);
        Random rnd = new Random(SEED.seed(3));
        byte[][] original = encoded(rs, 500, rnd);
        boolean[] all = new boolean[14];
        Arrays.fill(all, true);
        byte[][] copy = deepCopy(original);
        rs.reconstruct(copy, all, 0, 500);
        assertThat(copy).isDeepEqualTo(original);
        boolean[] oneLost = all.clone();
        oneLost[12] = false;
        eraseAndReconstruct(rs, original, oneLost, rnd, "parity 12 lost, 13 present");
    }

    @Test
    void tooFewShardsIsAClearError() {
        ReedSolomon rs = new ReedSolomon(10, 2);
        byte[][] shards = encoded(rs, 10, new Random(SEED.seed(5)));
        boolean[] present = new boolean[12];
        Arrays.fill(present, true);
        present[0] = false;
        present[5] = false;
        present[11] = false;
        assertThatThrownBy(() -> rs.reconstruct(shards, present, 0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9 shards present, need at least 10");
        assertThatThrownBy(() -> rs.reconstruct(shards, new boolean[11], 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidShardCountsAreClearErrors() {
        assertThatThrownBy(() -> new ReedSolomon(0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data shard");
        assertThatThrownBy(() -> new ReedSolomon(10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parity shard");
        assertThatThrownBy(() -> new ReedSolomon(200, 57)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 256");
        assertThatThrownBy(() -> new NaiveReedSolomon(255, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 256");
        assertThat(new ReedSolomon(255, 1).totalShards()).isEqualTo(256);
    }

    @Test
    void badShardArraysAreClearErrors() {
        ReedSolomon rs = new ReedSolomon(4, 2);
        assertThatThrownBy(() -> rs.encodeParity(new byte[5][10], 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 6 shards");
        byte[][] shortOne = new byte[6][10];
        shortOne[5] = new byte[9];
        assertThatThrownBy(() -> rs.encodeParity(shortOne, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 5 has 9 bytes");
        assertThatThrownBy(() -> rs.encodeParity(new byte[6][10], 5, 6))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rs.encodeParity(new byte[6][10], -1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        byte[][] withNull = new byte[6][10];
        withNull[2] = null;
        assertThatThrownBy(() -> rs.isParityCorrect(withNull, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 2 is null");
    }

    @Test
    void chunkedEncodingEqualsWholeEncodingAndStaysInsideTheRange() {
        ReedSolomon rs = new ReedSolomon(10, 2);
        long seed = SEED.seed(99L);
        Random rnd = new Random(seed);
        int size = 100_003;
        byte[][] whole = encoded(rs, size, rnd);

        byte[][] chunked = deepCopy(whole);
        for (int i = 10; i < 12; i++) {
            Arrays.fill(chunked[i], (byte) 0x5A);
        }
        List<Integer> cuts = new ArrayList<>();
        for (int pos = 0; pos < size; ) {
            int n = Math.min(size - pos, 1 + rnd.nextInt(20_000));
            rs.encodeParity(chunked, pos, n);
            pos += n;
            cuts.add(pos);
            // Bytes past this chunk must still hold the sentinel: a window may not write beyond it.
            if (pos < size) {
                assertThat(chunked[10][pos]).as("seed %d, after chunk ending at %d", seed, pos).isEqualTo((byte) 0x5A);
            }
        }
        assertThat(chunked).as("seed %d, cuts %s", seed, cuts).isDeepEqualTo(whole);

        // Windowed verify and repair over the same kind of chunks.
        byte[] temp = new byte[777];
        assertThat(rs.isParityCorrect(whole, 0, size, temp)).isTrue();
        byte[][] damaged = deepCopy(whole);
        boolean[] present = new boolean[12];
        Arrays.fill(present, true);
        present[3] = false;
        present[11] = false;
        rnd.nextBytes(damaged[3]);
        rnd.nextBytes(damaged[11]);
        for (int pos = 0; pos < size; pos += 4096) {
            rs.reconstruct(damaged, present, pos, Math.min(4096, size - pos));
        }
        assertThat(damaged).as("seed %d", seed).isDeepEqualTo(whole);
    }

    @Test
    void isParityCorrectDetectsOneFlippedByteAnywhere() {
        ReedSolomon rs = new ReedSolomon(10, 2);
        Random rnd = new Random(SEED.seed(11));
        int size = 1000;
        byte[][] shards = encoded(rs, size, rnd);
        assertThat(rs.isParityCorrect(shards, 0, size)).isTrue();
        byte[] temp = new byte[64];
        for (int s = 0; s < 12; s++) {
            for (int b = 0; b < size; b++) {
                byte saved = shards[s][b];
                shards[s][b] ^= (byte) (1 + rnd.nextInt(255));
                if (rs.isParityCorrect(shards, 0, size) || rs.isParityCorrect(shards, 0, size, temp)) {
                    fail("flip of shard %d byte %d not detected", s, b);
                }
                // Outside the checked range the flip is invisible: the check reads only its range.
                if (b > 0 && !rs.isParityCorrect(shards, 0, b)) {
                    fail("flip of shard %d byte %d seen outside [0,%d)", s, b, b);
                }
                shards[s][b] = saved;
            }
        }
        assertThat(rs.isParityCorrect(shards, 0, size)).isTrue();
        assertThatThrownBy(() -> rs.isParityCorrect(shards, 0, size, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 bytes");
    }

    @Test
    void isParityCorrectChecksEveryParityShardWithAnyScratchSize() {
        // (17, 3): parity is computed two shards at a time, the third alone; each must be checked.
        ReedSolomon rs = new ReedSolomon(17, 3);
        Random rnd = new Random(SEED.seed(12));
        int size = 300;
        byte[][] shards = encoded(rs, size, rnd);
        for (int tempSize : new int[] {2, 3, 64, 1000}) {
            byte[] temp = new byte[tempSize];
            assertThat(rs.isParityCorrect(shards, 0, size, temp)).as("temp %d", tempSize).isTrue();
            for (int s = 0; s < 20; s++) {
                for (int b : new int[] {0, 1, 150, size - 1}) {
                    shards[s][b] ^= 0x40;
                    assertThat(rs.isParityCorrect(shards, 0, size, temp))
                            .as("temp %d, shard %d byte %d flipped", tempSize, s, b).isFalse();
                    shards[s][b] ^= 0x40;
                }
            }
        }
        assertThat(rs.isParityCorrect(shards, 0, size)).isTrue();
    }

    @Test
    void naiveAndFastAgreeOnRanges() {
        Random rnd = new Random(SEED.seed(13));
        for (int[] km : new int[][] {{10, 2}, {3, 5}, {30, 7}, {7, 1}, {1, 2}, {17, 3}}) {
            ReedSolomon rs = new ReedSolomon(km[0], km[1]);
            NaiveReedSolomon naive = new NaiveReedSolomon(km[0], km[1]);
            byte[][] fast = encoded(rs, 5000, rnd);
            byte[][] slow = deepCopy(fast);
            for (int i = km[0]; i < slow.length; i++) {
                Arrays.fill(slow[i], (byte) 0);
            }
            naive.encodeParity(slow, 0, 2000);
            NaiveReedSolomon.encodeParity(km[0], km[1], slow, 2000, 3000);
            assertThat(slow).as("(%d,%d)", km[0], km[1]).isDeepEqualTo(fast);
        }
    }

    @Test
    void oneInstanceServesManyThreads() throws Exception {
        ReedSolomon rs = new ReedSolomon(10, 4);
        byte[][] original = encoded(rs, 20_000, new Random(SEED.seed(17)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = SEED.seed(100) + t;
                futures.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int trial = 0; trial < 20; trial++) {
                        boolean[] present = new boolean[14];
                        Arrays.fill(present, true);
                        for (int l = 0; l < 4; l++) {
                            present[rnd.nextInt(14)] = false;
                        }
                        eraseAndReconstruct(rs, original, present, rnd, "thread seed " + seed + " trial " + trial);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
