package org.blobsfile.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.spi.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract every {@link Codec} must meet. A plugin author tests a codec by extending this
 * class in the codec's own test sources and returning an instance:
 *
 * <pre>{@code
 * class MyCodecTest extends CodecContract {
 *     @Override
 *     protected Codec codec() {
 *         return new MyCodec();
 *     }
 *
 *     // codec-specific tests (golden payloads, format details) go here too
 * }
 * }</pre>
 *
 * <p>Every test builds its inputs from a random seed; a failed test prints it, and running again
 * with {@code -Dblobsfile.seed=<seed>} replays the same inputs. A test that does not apply to
 * a codec can be switched off by overriding its method without {@code @Test}; say why in a
 * comment.
 *
 * <p>The suite needs {@code junit-jupiter-engine} on the test class path, as any JUnit Jupiter test does.
 */
public abstract class CodecContract {
    /** How long a decode of hostile input may take before the test calls it a hang. */
    private static final Duration HANG_LIMIT = Duration.ofSeconds(5);

    /*
     * Formats without a checksum (Snappy, for one) accept the odd short random string as a valid
     * payload, so the garbage is the same on every run: a codec passes or fails it for good,
     * never by chance.
     */
    private static final long GARBAGE_SEED = 0x5EED_6A12_BA6EL;

    /** Gives each test its seed and prints it when the test fails. */
    @RegisterExtension
    final RandomSeed seed = new RandomSeed();

    /** Lets subclasses be constructed by JUnit. */
    protected CodecContract() {
    }

    /**
     * The codec under test. Called at least once per test, may return the same instance each
     * time; the concurrency test shares one instance between threads.
     *
     * @return the codec
     */
    protected abstract Codec codec();

    /** @return a random source seeded with this test's reproducible seed */
    protected final Random random() {
        return seed.random();
    }

    /** Decompresses a whole payload, with the exact length as the bound. */
    private byte[] roundTrip(Codec codec, byte[] blob) throws IOException {
        byte[] payload = codec.compress(blob, 0, blob.length);
        assertThat(payload).as("payload of a %d-byte blob", blob.length).isNotNull();
        return codec.decompress(payload, 0, payload.length, blob.length);
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    /** Text-like bytes with lots of repetition, the kind every real compressor shrinks. */
    private static byte[] compressible(Random random, int size) {
        String[] words = {"blob ", "pack ", "seal ", "parity ", "index ", "hash ", "\n"};
        byte[] b = new byte[size];
        int i = 0;
        while (i < size) {
            byte[] w = words[random.nextInt(words.length)].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int n = Math.min(w.length, size - i);
            System.arraycopy(w, 0, b, i, n);
            i += n;
        }
        return b;
    }

    @Test
    void emptyBlobRoundTrips() throws IOException {
        assertThat(roundTrip(codec(), new byte[0])).isEmpty();
    }

    @Test
    void oneByteBlobsRoundTrip() throws IOException {
        Codec codec = codec();
        for (int v : new int[] {0, 1, 0x7F, 0x80, 0xFF}) {
            byte[] blob = {(byte) v};
            assertThat(roundTrip(codec, blob)).as("blob {%d}", v).isEqualTo(blob);
        }
    }

    @Test
    void randomBlobsRoundTrip() throws IOException {
        Codec codec = codec();
        Random random = random();
        for (int size : new int[] {2, 3, 7, 13, 63, 64, 65, 255, 1021, 4093, 65_537, 100_003}) {
            byte[] blob = randomBytes(random, size);
            assertThat(roundTrip(codec, blob)).as("random blob of %d bytes", size).isEqualTo(blob);
        }
    }

    @Test
    void compressibleBlobsRoundTripAndShrink() throws IOException {
        Codec codec = codec();
        Random random = random();
        for (int size : new int[] {1_001, 65_539, 262_147}) {
            byte[] blob = compressible(random, size);
            byte[] payload = codec.compress(blob, 0, blob.length);
            assertThat(payload.length).as("payload of a compressible %d-byte blob", size).isLessThan(size / 2);
            assertThat(codec.decompress(payload, 0, payload.length, size)).isEqualTo(blob);
        }
        byte[] zeros = new byte[1 << 20];
        assertThat(codec.compress(zeros, 0, zeros.length).length).as("payload of 1 MiB of zeros").isLessThan(zeros.length / 10);
    }

    @Test
    void fourMebibyteBlobRoundTrips() throws IOException {
        Random random = random();
        byte[] blob = new byte[4 << 20];
        // half random, half repetitive, so both the literal and the copy paths run at scale
        byte[] noise = randomBytes(random, blob.length / 2);
        System.arraycopy(noise, 0, blob, 0, noise.length);
        byte[] text = compressible(random, blob.length - noise.length);
        System.arraycopy(text, 0, blob, noise.length, text.length);
        assertThat(roundTrip(codec(), blob)).isEqualTo(blob);
    }

    /**
     * The streaming methods write and read the same format as the whole-blob ones: a payload
     * written in pieces (fed in odd-sized writes) decodes with {@code decompress}, and one from
     * {@code compress} decodes in pieces (read in odd-sized reads), for sizes across block borders.
     */
    @Test
    void streamingPayloadsAreTheSameFormat() throws IOException {
        Codec codec = codec();
        Random random = random();
        for (int size : new int[] {0, 1, 4093, 262_147, (4 << 20) + 17}) {
            byte[] blob = compressible(random, size);
            for (int i = 0; i < size; i += 1 + random.nextInt(100_000)) {
                blob[i] = (byte) random.nextInt(); // some noise, so both block kinds may occur
            }
            java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream out = codec.compressing(sink, size)) {
                for (int off = 0; off < size; ) {
                    int n = Math.min(size - off, 1 + random.nextInt(70_000));
                    out.write(blob, off, n);
                    off += n;
                }
            }
            byte[] streamed = sink.toByteArray();
            assertThat(codec.decompress(streamed, 0, streamed.length, size)).as("streamed payload of %d bytes", size)
                    .isEqualTo(blob);
            byte[] whole = codec.compress(blob, 0, blob.length);
            java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
            try (java.io.InputStream in = codec.decompressing(new java.io.ByteArrayInputStream(whole), whole.length, size)) {
                byte[] buf = new byte[1 + random.nextInt(50_000)];
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    back.write(buf, 0, n);
                }
            }
            assertThat(back.toByteArray()).as("payload of %d bytes decoded in pieces", size).isEqualTo(blob);
        }
    }

    /** A payload decoded in pieces that is cut short fails a read; it never ends as if whole. */
    @Test
    void truncatedPayloadsFailWhenStreamed() throws IOException {
        Codec codec = codec();
        byte[] blob = compressible(random(), 300_007);
        byte[] payload = codec.compress(blob, 0, blob.length);
        int cut = payload.length - 1 - random().nextInt(Math.max(1, payload.length / 2));
        assertThatThrownBy(() -> {
            try (java.io.InputStream in = codec.decompressing(new java.io.ByteArrayInputStream(payload, 0, cut), cut,
                    blob.length)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void slicesAreHonouredOnBothSides() throws IOException {
        Codec codec = codec();
        Random random = random();
        byte[] blob = compressible(random, 5_003);
        byte[] padded = new byte[blob.length + 17 + 29];
        random.nextBytes(padded);
        System.arraycopy(blob, 0, padded, 17, blob.length);
        byte[] payload = codec.compress(padded, 17, blob.length);
        assertThat(payload).isEqualTo(codec.compress(blob, 0, blob.length));

        byte[] framed = new byte[payload.length + 11 + 23];
        random.nextBytes(framed);
        System.arraycopy(payload, 0, framed, 11, payload.length);
        assertThat(codec.decompress(framed, 11, payload.length, blob.length)).isEqualTo(blob);
    }

    @Test
    void decompressedLengthIsUnknownOrExact() throws IOException {
        Codec codec = codec();
        Random random = random();
        for (byte[] blob : List.of(new byte[0], new byte[] {42}, randomBytes(random, 1_009), compressible(random, 70_001))) {
            byte[] payload = codec.compress(blob, 0, blob.length);
            byte[] framed = new byte[payload.length + 5];
            System.arraycopy(payload, 0, framed, 3, payload.length);
            long length = codec.decompressedLength(framed, 3, payload.length);
            assertThat(length).as("decompressedLength of a %d-byte blob", blob.length).isIn(-1L, (long) blob.length);
        }
    }

    @Test
    void oneInstanceServesManyThreads() throws Exception {
        Codec codec = codec();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Random random = new Random(seed.seed() + t);
                Callable<Integer> work = () -> {
                    start.await();
                    int checked = 0;
                    for (int i = 0; i < 200; i++) {
                        int size = 1 + random.nextInt(20_000);
                        byte[] blob = random.nextBoolean() ? compressible(random, size) : randomBytes(random, size);
                        byte[] payload = codec.compress(blob, 0, blob.length);
                        byte[] back = codec.decompress(payload, 0, payload.length, blob.length);
                        if (!Arrays.equals(blob, back)) {
                            throw new AssertionError("thread round trip differs for a " + size + "-byte blob");
                        }
                        checked++;
                    }
                    return checked;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            for (Future<Integer> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void truncatedPayloadsAreRejected() throws IOException {
        Codec codec = codec();
        Random random = random();
        for (byte[] blob : List.of(randomBytes(random, 3_001), compressible(random, 40_009))) {
            byte[] payload = codec.compress(blob, 0, blob.length);
            for (int cut : new int[] {0, 1, 2, payload.length / 3, payload.length / 2, payload.length - 2, payload.length - 1}) {
                assertTimeoutPreemptively(HANG_LIMIT, () -> assertThrows(IOException.class,
                        () -> codec.decompress(payload, 0, cut, blob.length),
                        "payload of " + payload.length + " bytes cut to " + cut));
            }
        }
    }

    @Test
    void randomGarbageIsRejected() {
        Codec codec = codec();
        Random random = new Random(GARBAGE_SEED);
        for (int size : new int[] {1, 2, 3, 5, 9, 38, 101, 1_000, 65_537}) {
            for (int attempt = 0; attempt < 20; attempt++) {
                byte[] garbage = randomBytes(random, size);
                if (size == 1 && garbage[0] == 0) {
                    // the one-byte payload {0} is the valid empty blob in some formats
                    continue;
                }
                assertTimeoutPreemptively(HANG_LIMIT, () -> assertThrows(IOException.class,
                        () -> codec.decompress(garbage, 0, garbage.length, 1 << 20),
                        "random garbage of " + size + " bytes"));
            }
        }
    }

    @Test
    void damagedPayloadBodiesAreRejected() throws IOException {
        Codec codec = codec();
        Random random = random();
        byte[] blob = compressible(random, 30_011);
        byte[] payload = codec.compress(blob, 0, blob.length);
        // keep the header so the decoder is reached, scramble what follows it
        for (int attempt = 0; attempt < 20; attempt++) {
            byte[] damaged = payload.clone();
            int from = Math.min(8, damaged.length - 1);
            for (int i = from; i < damaged.length; i++) {
                damaged[i] = (byte) random.nextInt(256);
            }
            assertTimeoutPreemptively(HANG_LIMIT, () -> assertThrows(IOException.class,
                    () -> codec.decompress(damaged, 0, damaged.length, blob.length),
                    "payload with a random body"));
        }
    }

    @Test
    void payloadLargerThanTheBoundIsRejected() throws IOException {
        Codec codec = codec();
        Random random = random();
        for (byte[] blob : List.of(compressible(random, 100_003), randomBytes(random, 1_027))) {
            byte[] payload = codec.compress(blob, 0, blob.length);
            assertTimeoutPreemptively(HANG_LIMIT, () -> {
                assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, blob.length - 1))
                        .as("a %d-byte blob decoded with a bound one byte short", blob.length)
                        .isInstanceOf(IOException.class);
                assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, 0))
                        .isInstanceOf(IOException.class);
            });
            assertThat(codec.decompress(payload, 0, payload.length, blob.length)).isEqualTo(blob);
        }
    }

    @Test
    void idIsInTheAllowedRangeAndStable() {
        Codec codec = codec();
        int id = codec.id();
        assertThat(id).isBetween(1, 254);
        assertThat(codec.id()).isEqualTo(id);
        assertThat(codec().id()).isEqualTo(id);
    }

    @Test
    void nameIsLowercaseAndStable() {
        Codec codec = codec();
        String name = codec.name();
        assertThat(name).isNotBlank().isEqualTo(name.toLowerCase(Locale.ROOT)).doesNotContainAnyWhitespaces();
        assertThat(codec.name()).isEqualTo(name);
        assertThat(codec().name()).isEqualTo(name);
        assertThat(codec.artifact()).isNotNull();
    }

    @Test
    void isRegisteredWithTheServiceLoader() {
        Class<? extends Codec> type = codec().getClass();
        assertThat(ServiceLoader.load(Codec.class).stream().map(ServiceLoader.Provider::type))
                .as("providers of %s (META-INF/services or module-info 'provides')", Codec.class.getName())
                .contains(type);
    }
}
