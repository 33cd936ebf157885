package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streaming puts and reads do not hold the blob: a child JVM with a 64 MiB heap puts a 200 MiB
 * stream, reopens the store, reads the blob back both ways and verifies the store
 * ({@link StreamingChild}), without compression and with Zstandard. LZ4 streams too, in 4 MiB
 * blocks (its store test covers it; run here by hand, it peaked at 46 MiB). The child fails with
 * an {@link OutOfMemoryError} if any step holds the blob; it reports its peak heap, printed here.
 */
class StreamingHeapTest {
    private static final long BLOB = 200L << 20;
    private static final long HEAP = 64L << 20;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd", "zstd:zeros"})
    void a200MiBBlobGoesInAndOutOfA64MiBHeap(String codec) throws Exception {
        Path store = tmp.resolve("store-" + codec.replace(':', '-'));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (HEAP >> 20) + "m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp, "-cp", cp,
                StreamingChild.class.getName(), store.toString(), codec, Long.toString(BLOB))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        try {
            assertThat(p.exitValue()).as(out).isZero();
            List<String> lines = out.lines().toList();
            long peak = lines.stream().filter(l -> l.startsWith("PEAK ")).mapToLong(l -> Long.parseLong(l.substring(5)))
                    .findFirst().orElseThrow(() -> new AssertionError("no peak reported: " + out));
            long stored = lines.stream().filter(l -> l.startsWith("STORED ")).mapToLong(l -> Long.parseLong(l.substring(7)))
                    .findFirst().orElseThrow(() -> new AssertionError("no stored size reported: " + out));
            System.out.printf("streaming %d MiB with codec %s: peak heap %.1f MiB, stored %d bytes%n", BLOB >> 20, codec,
                    peak / 1048576.0, stored);
            assertThat(peak).isLessThan(HEAP);
            if (codec.equals("none")) {
                assertThat(stored).isEqualTo(BLOB);
            } else {
                assertThat(stored).as("compressed").isLessThan(BLOB * 3 / 4);
            }
            if (V1Check.available()) {
                assertThat(V1Check.failures(store, 256L << 20)).isNull();
            }
        } finally {
            delete(store); // two stores of 200 MiB would not fit every disk
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
