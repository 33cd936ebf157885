package org.blobsfile.core.internal.rs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the code against the v1 Reed-Solomon vectors (a copy of {@code golden/v1/rs-vectors}
 * from the shared corpus): parity made by the reference libraries must be reproduced byte for byte.
 */
class ReedSolomonGoldenTest {

    private record Case(int data, int parity, int size) {
        Path dir(Path root) {
            return root.resolve("d" + data + "-p" + parity).resolve("size-" + size);
        }

        @Override
        public String toString() {
            return "(" + data + "," + parity + ") size " + size;
        }
    }

    private static Path root;
    /** Case -> shard index -> expected sha256 hex, from vectors.tsv. */
    private static final Map<Case, Map<Integer, String>> VECTORS = new TreeMap<>(
            (a, b) -> a.data != b.data ? Integer.compare(a.data, b.data)
                    : a.parity != b.parity ? Integer.compare(a.parity, b.parity) : Integer.compare(a.size, b.size));

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        root = Path.of(ReedSolomonGoldenTest.class.getResource("/golden/v1/rs-vectors/vectors.tsv").toURI()).getParent();
        List<String> lines = Files.readAllLines(root.resolve("vectors.tsv"));
        assertThat(lines.get(0)).isEqualTo("data_shards\tparity_shards\tshard_size\tshard\tkind\tsha256");
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            Case c = new Case(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
            int shard = Integer.parseInt(f[3]);
            assertThat(f[4]).isEqualTo(shard < c.data ? "data" : "parity");
            VECTORS.computeIfAbsent(c, x -> new TreeMap<>()).put(shard, f[5]);
        }
    }

    private static byte[][] readShards(Case c) throws IOException {
        byte[][] shards = new byte[c.data + c.parity][];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = Files.readAllBytes(c.dir(root).resolve(String.format("shard-%02d", i)));
        }
        return shards;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void corpusHasEveryCase() {
        assertThat(VECTORS).hasSize(12);
        for (int[] km : new int[][] {{10, 2}, {10, 4}, {4, 2}, {17, 3}}) {
            for (int size : new int[] {1, 1000, 65536}) {
                Case c = new Case(km[0], km[1], size);
                assertThat(VECTORS).containsKey(c);
                assertThat(VECTORS.get(c)).as("%s", c).hasSize(km[0] + km[1]);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> encodingReproducesGoldenParity() {
        return VECTORS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().toString(), () -> {
            Case c = e.getKey();
            byte[][] golden = readShards(c);
            for (int i = 0; i < golden.length; i++) {
                assertThat(golden[i]).as("%s shard %d length", c, i).hasSize(c.size);
                assertThat(sha256(golden[i])).as("%s shard %d sha256", c, i).isEqualTo(e.getValue().get(i));
            }

            byte[][] fast = new byte[golden.length][];
            byte[][] naive = new byte[golden.length][];
            for (int i = 0; i < golden.length; i++) {
                fast[i] = i < c.data ? golden[i].clone() : new byte[c.size];
                naive[i] = i < c.data ? golden[i].clone() : new byte[c.size];
            }
            ReedSolomon rs = new ReedSolomon(c.data, c.parity);
            rs.encodeParity(fast, 0, c.size);
            new NaiveReedSolomon(c.data, c.parity).encodeParity(naive, 0, c.size);
            for (int i = c.data; i < golden.length; i++) {
                assertThat(fast[i]).as("%s parity shard %d (fast)", c, i).isEqualTo(golden[i]);
                assertThat(naive[i]).as("%s parity shard %d (naive)", c, i).isEqualTo(golden[i]);
            }
            assertThat(rs.isParityCorrect(golden, 0, c.size)).as("%s golden shards verify", c).isTrue();
        }));
    }

    @TestFactory
    Stream<DynamicTest> goldenShardsReconstructFromAnyDataCountOfThem() {
        return VECTORS.keySet().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            byte[][] golden = readShards(c);
            ReedSolomon rs = new ReedSolomon(c.data, c.parity);
            long seed = 1000L * c.data + 10L * c.parity + c.size;
            Random rnd = new Random(seed);
            for (int trial = 0; trial < 5; trial++) {
                boolean[] present = new boolean[golden.length];
                java.util.Arrays.fill(present, true);
                // Always lose exactly m shards: the hardest case the code handles.
                for (int lost = 0; lost < c.parity; ) {
                    int i = rnd.nextInt(golden.length);
                    if (present[i]) {
                        present[i] = false;
                        lost++;
                    }
                }
                byte[][] shards = new byte[golden.length][];
                for (int i = 0; i < golden.length; i++) {
                    shards[i] = present[i] ? golden[i].clone() : new byte[c.size];
                    if (!present[i]) {
                        rnd.nextBytes(shards[i]);
                    }
                }
                rs.reconstruct(shards, present, 0, c.size);
                for (int i = 0; i < golden.length; i++) {
                    assertThat(shards[i]).as("%s seed %d trial %d shard %d", c, seed, trial, i).isEqualTo(golden[i]);
                }
            }
        }));
    }
}
