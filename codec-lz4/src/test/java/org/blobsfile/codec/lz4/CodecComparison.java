package org.blobsfile.codec.lz4;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.codec.snappy.SnappyCodec;
import org.blobsfile.codec.zstd.ZstdCodec;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Every shipped codec side by side, in one run: compress and decompress MB/s (of uncompressed
 * bytes) and the ratio (payload / blob) on random and text-like blobs of 64 KiB and 1 MiB, with
 * BLAKE2b-256, which every put and get pays anyway, as the yardstick. Each measurement warms up
 * for {@code blobsfile.bench.warmupMillis} (default 1000) and then runs for
 * {@code blobsfile.bench.millis} (default 2000). Prints a table; asserts only round trips.
 *
 * <p>Off by default; run with
 * {@code mvn -pl codec-lz4 -am verify -Dtest=CodecComparison -Dsurefire.failIfNoSpecifiedTests=false -Dblobsfile.bench=true}.
 */
@EnabledIfSystemProperty(named = "blobsfile.bench", matches = "true")
class CodecComparison {
    /** Stores the blob as it is, the way the store does for codec "none". */
    private static final class Plain implements Codec {
        @Override
        public int id() {
            return 254;
        }

        @Override
        public String name() {
            return "none";
        }

        @Override
        public byte[] compress(byte[] src, int off, int len) {
            return java.util.Arrays.copyOfRange(src, off, off + len);
        }

        @Override
        public byte[] decompress(byte[] src, int off, int len, int maxLength) {
            return java.util.Arrays.copyOfRange(src, off, off + len);
        }
    }

    private interface Op {
        void run() throws IOException;
    }

    @Test
    void codecsSideBySide() throws IOException {
        long warmup = Long.getLong("blobsfile.bench.warmupMillis", 1_000);
        long measure = Long.getLong("blobsfile.bench.millis", 2_000);
        List<Codec> codecs = List.of(new Plain(), new SnappyCodec(), new ZstdCodec(1), new ZstdCodec(3),
                new Lz4Codec(0), new Lz4Codec(1), new Lz4Codec());
        Random random = new Random(1);
        System.out.printf("%n%-8s %-6s %-7s %12s %12s %8s%n", "codec", "level", "data", "compress", "decompress", "ratio");
        for (int size : new int[] {64 << 10, 1 << 20}) {
            for (String kind : List.of("random", "text")) {
                byte[] blob = kind.equals("random") ? randomBytes(random, size) : text(random, size);
                Blake2bDigest digest = new Blake2bDigest(256);
                byte[] hash = new byte[32];
                double hashRate = rate(size, warmup, measure, () -> {
                    digest.update(blob, 0, blob.length);
                    digest.doFinal(hash, 0);
                });
                System.out.printf("%-8s %-6s %-7s %9.0f MB/s %12s %8s%n", "blake2b", "-", kind + "/" + (size >> 10) + "K",
                        hashRate, "-", "-");
                for (Codec c : codecs) {
                    byte[] payload = c.compress(blob, 0, blob.length);
                    assertThat(c.decompress(payload, 0, payload.length, blob.length)).isEqualTo(blob);
                    double comp = rate(size, warmup, measure, () -> c.compress(blob, 0, blob.length));
                    double decomp = rate(size, warmup, measure, () -> c.decompress(payload, 0, payload.length, blob.length));
                    System.out.printf("%-8s %-6s %-7s %9.0f MB/s %7.0f MB/s %8.3f%n", c.name(), level(c),
                            kind + "/" + (size >> 10) + "K", comp, decomp, (double) payload.length / blob.length);
                }
            }
        }
    }

    private static String level(Codec c) {
        if (c instanceof ZstdCodec z) {
            return Integer.toString(z.level());
        }
        if (c instanceof Lz4Codec l) {
            return l.level() == Lz4Codec.AUTO ? "auto" : l.level() == 0 ? "fast" : "hc" + l.level();
        }
        return "-";
    }

    /** @return MB/s (10^6 bytes) of {@code op} over {@code bytes} per call, after a warm-up */
    private static double rate(int bytes, long warmupMillis, long measureMillis, Op op) throws IOException {
        long end = System.nanoTime() + warmupMillis * 1_000_000;
        while (System.nanoTime() < end) {
            op.run();
        }
        long calls = 0;
        long start = System.nanoTime();
        long stop = start + measureMillis * 1_000_000;
        long now;
        do {
            op.run();
            calls++;
            now = System.nanoTime();
        } while (now < stop);
        return (double) calls * bytes / ((now - start) / 1e9) / 1e6;
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    /**
     * English-like text: words of 1 to 10 letters from a 4,000-word vocabulary, picked with a
     * Zipf-like skew as real text does, with spaces, punctuation and line breaks.
     */
    private static byte[] text(Random random, int size) {
        List<String> vocabulary = new ArrayList<>();
        String letters = "etaoinshrdlcumwfgypbvkjxqz";
        for (int i = 0; i < 4_000; i++) {
            StringBuilder w = new StringBuilder();
            int n = 1 + random.nextInt(10);
            for (int j = 0; j < n; j++) {
                // earlier letters are commoner, as in English
                w.append(letters.charAt((int) Math.min(25, Math.abs(random.nextGaussian()) * 7)));
            }
            vocabulary.add(w.toString());
        }
        StringBuilder sb = new StringBuilder(size + 16);
        int column = 0;
        while (sb.length() < size) {
            int rank = (int) Math.min(vocabulary.size() - 1, Math.floor(Math.pow(vocabulary.size(), random.nextDouble())) - 1);
            String w = vocabulary.get(Math.max(0, rank));
            sb.append(w);
            column += w.length() + 1;
            int p = random.nextInt(20);
            sb.append(p == 0 ? ". " : p == 1 ? ", " : " ");
            if (column > 72) {
                sb.append('\n');
                column = 0;
            }
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }
}
