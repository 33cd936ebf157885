package org.blobsfile.core.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.blobsfile.core.testing.Golden;
import org.junit.jupiter.api.Test;

class Blake2bTest {
    @Test
    void everyGoldenVectorHashesAsPublished() {
        List<String[]> rows = Golden.tsv(Golden.root().resolve("blake2b-vectors/vectors.tsv"));
        assertThat(rows).hasSizeGreaterThanOrEqualTo(10);
        for (String[] r : rows) {
            int length = Integer.parseInt(r[1]);
            byte[] input = switch (r[2]) {
                case "ascii" -> r[3].getBytes(StandardCharsets.US_ASCII);
                case "hex" -> HexFormat.of().parseHex(r[3]);
                case "pattern" -> pattern(length);
                default -> throw new IllegalArgumentException("unknown input kind " + r[2]);
            };
            assertThat(input).as(r[0]).hasSize(length);
            assertThat(HexFormat.of().formatHex(Blake2b.hash(input, 0, input.length))).as(r[0]).isEqualTo(r[4]);
        }
    }

    @Test
    void hashesASliceAndResetsBetweenCalls() {
        byte[] abc = "xxabcxx".getBytes(StandardCharsets.US_ASCII);
        String expected = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
        assertThat(HexFormat.of().formatHex(Blake2b.hash(abc, 2, 3))).isEqualTo(expected);
        assertThat(HexFormat.of().formatHex(Blake2b.hash(abc, 2, 3))).isEqualTo(expected);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((i * 131 + 17) % 256);
        }
        return b;
    }
}
