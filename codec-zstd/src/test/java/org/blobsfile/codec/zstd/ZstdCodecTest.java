package org.blobsfile.codec.zstd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.tck.CodecContract;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZstdCodecTest extends CodecContract {
    private final ZstdCodec codec = new ZstdCodec();

    @TempDir
    Path tmp;

    @Override
    protected Codec codec() {
        return codec;
    }

    private static byte[] text(int size) {
        byte[] line = "zstd frames state their content size in the header; ".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }

    @Test
    void identity() {
        assertThat(codec.id()).isEqualTo(2);
        assertThat(codec.name()).isEqualTo("zstd");
        assertThat(codec.artifact()).isEqualTo("org.blobsfile:codec-zstd");
        assertThat(codec.level()).isEqualTo(ZstdCodec.DEFAULT_LEVEL);
    }

    @Test
    void everyFrameStatesItsContentSize() throws IOException {
        Random random = random();
        for (int size : new int[] {0, 1, 255, 256, 257, 65_791, 65_792, 1_000_003}) {
            byte[] blob = new byte[size];
            random.nextBytes(blob);
            byte[] payload = codec.compress(blob, 0, size);
            assertThat(Zstd.getFrameContentSize(payload)).as("zstd-jni's reading, %d bytes", size).isEqualTo(size);
            assertThat(codec.decompressedLength(payload, 0, payload.length)).isEqualTo(size);
            // the store passes only the first bytes of a payload when it rebuilds an index
            byte[] prefix = Arrays.copyOf(payload, Math.min(payload.length, ZstdCodec.MAX_HEADER_SIZE));
            assertThat(codec.decompressedLength(prefix, 0, prefix.length)).isEqualTo(size);
        }
    }

    @Test
    void levelComesFromThePropertyOrTheConstructor() throws IOException {
        String before = System.getProperty(ZstdCodec.LEVEL_PROPERTY);
        try {
            System.setProperty(ZstdCodec.LEVEL_PROPERTY, "7");
            assertThat(new ZstdCodec().level()).isEqualTo(7);
            System.setProperty(ZstdCodec.LEVEL_PROPERTY, "fast");
            assertThatThrownBy(ZstdCodec::new).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(ZstdCodec.LEVEL_PROPERTY);
        } finally {
            if (before == null) {
                System.clearProperty(ZstdCodec.LEVEL_PROPERTY);
            } else {
                System.setProperty(ZstdCodec.LEVEL_PROPERTY, before);
            }
        }
        assertThatThrownBy(() -> new ZstdCodec(Zstd.maxCompressionLevel() + 1)).isInstanceOf(IllegalArgumentException.class);
        // the bounds the codec checks without loading the library are the library's own
        assertThatThrownBy(() -> new ZstdCodec(Zstd.minCompressionLevel() - 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ZstdCodec(Zstd.maxCompressionLevel()).level()).isEqualTo(Zstd.maxCompressionLevel());
        assertThat(new ZstdCodec(Zstd.minCompressionLevel()).level()).isEqualTo(Zstd.minCompressionLevel());
        byte[] blob = text(300_007);
        byte[] fast = new ZstdCodec(1).compress(blob, 0, blob.length);
        byte[] strong = new ZstdCodec(19).compress(blob, 0, blob.length);
        // any level reads any payload: the level is a writer's choice only
        assertThat(codec.decompress(strong, 0, strong.length, blob.length)).isEqualTo(blob);
        assertThat(new ZstdCodec(19).decompress(fast, 0, fast.length, blob.length)).isEqualTo(blob);
    }

    @Test
    void frameWithoutContentSizeIsRefused() throws IOException {
        byte[] blob = text(10_000);
        byte[] payload;
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            payload = ctx.setContentSize(false).compress(blob);
        }
        assertThat(Zstd.getFrameContentSize(payload)).as("zstd-jni: ZSTD_CONTENTSIZE_UNKNOWN").isEqualTo(-1);
        assertThat(codec.decompressedLength(payload, 0, payload.length)).isEqualTo(-1);
        assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, 1 << 20))
                .isInstanceOf(IOException.class).hasMessageContaining("content size");
    }

    @Test
    void twoFramesOrTrailingBytesAreRefused() throws IOException {
        byte[] one = codec.compress(text(1_000), 0, 1_000);
        byte[] two = new byte[one.length * 2];
        System.arraycopy(one, 0, two, 0, one.length);
        System.arraycopy(one, 0, two, one.length, one.length);
        assertThatThrownBy(() -> codec.decompress(two, 0, two.length, 2_000))
                .isInstanceOf(IOException.class).hasMessageContaining("and more");
        byte[] trailing = Arrays.copyOf(one, one.length + 3);
        assertThatThrownBy(() -> codec.decompress(trailing, 0, trailing.length, 2_000)).isInstanceOf(IOException.class);
    }

    @Test
    void skippableFrameIsNotAPayload() {
        // a skippable frame with 4 bytes of user data: zstd itself would decode it to nothing
        byte[] skippable = {0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
        assertThatThrownBy(() -> codec.decompress(skippable, 0, skippable.length, 100))
                .isInstanceOf(IOException.class).hasMessageContaining("not a zstd frame");
    }

    @Test
    void hugeDeclaredSizeIsRefusedBeforeAllocating() {
        // magic, descriptor: 8-byte content size, single segment; size 2^40; then a raw block header
        byte[] bomb = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) 0xE0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0};
        assertThatThrownBy(() -> codec.decompress(bomb, 0, bomb.length, Integer.MAX_VALUE))
                .isInstanceOf(IOException.class).hasMessageContaining("1099511627776");
        assertThat(Zstd.getFrameContentSize(bomb)).as("zstd-jni agrees on the header").isEqualTo(1L << 40);
    }

    @Test
    void declaredSizeBeyondWhatTheBlocksCanHoldIsRefused() {
        // declares 1 MiB (4-byte field) in a 13-byte frame: at most two blocks, 256 KiB
        byte[] frame = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) 0xA0, 0, 0, 0x10, 0, 1, 0, 0, 0};
        assertThatThrownBy(() -> codec.decompress(frame, 0, frame.length, 1 << 21))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot hold");
    }

    @Test
    void malformedHeadersAreRefused() {
        byte[] reserved = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x28, 0, 0, 0, 0};
        assertThatThrownBy(() -> codec.decompressedLength(reserved, 0, reserved.length))
                .isInstanceOf(IOException.class).hasMessageContaining("reserved");
        byte[] dictionary = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x21, 7, 5, 0, 0, 0};
        assertThatThrownBy(() -> codec.decompressedLength(dictionary, 0, dictionary.length))
                .isInstanceOf(IOException.class).hasMessageContaining("dictionary");
        byte[] cut = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) 0xC0, 0};
        assertThatThrownBy(() -> codec.decompressedLength(cut, 0, cut.length))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
    }

    @Test
    void theZstdCommandReadsOurPayloadsAndWeReadItsFrames() throws Exception {
        Path zstd = Path.of("/usr/bin/zstd");
        Assumptions.assumeTrue(Files.isExecutable(zstd), "the zstd command is not installed");
        for (byte[] blob : List.of(new byte[0], text(77_777), randomBlob(4_099))) {
            Path ours = tmp.resolve("ours.zst");
            Files.write(ours, codec.compress(blob, 0, blob.length));
            Path decoded = tmp.resolve("decoded");
            run(zstd.toString(), "-q", "-d", "-f", ours.toString(), "-o", decoded.toString());
            assertThat(Files.readAllBytes(decoded)).as("zstd -d of our %d-byte payload", blob.length).isEqualTo(blob);

            Path original = tmp.resolve("original");
            Files.write(original, blob);
            Path theirs = tmp.resolve("theirs.zst");
            run(zstd.toString(), "-q", "-f", "-19", "--content-size", original.toString(), "-o", theirs.toString());
            byte[] frame = Files.readAllBytes(theirs);
            assertThat(codec.decompress(frame, 0, frame.length, blob.length)).isEqualTo(blob);
        }
    }

    private byte[] randomBlob(int size) {
        byte[] b = new byte[size];
        random().nextBytes(b);
        return b;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
