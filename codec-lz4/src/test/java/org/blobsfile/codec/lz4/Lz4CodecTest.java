package org.blobsfile.codec.lz4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.tck.CodecContract;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Lz4CodecTest extends CodecContract {
    private static final Path LZ4 = Path.of("/usr/bin/lz4");

    private final Lz4Codec codec = new Lz4Codec();

    @TempDir
    Path tmp;

    @Override
    protected Codec codec() {
        return codec;
    }

    private static byte[] text(int size) {
        byte[] line = "an lz4 frame: magic, descriptor, blocks, end mark. ".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }

    private byte[] randomBlob(int size) {
        byte[] b = new byte[size];
        random().nextBytes(b);
        return b;
    }

    @Test
    void identity() {
        assertThat(codec.id()).isEqualTo(4);
        assertThat(codec.name()).isEqualTo("lz4");
        assertThat(codec.artifact()).isEqualTo("org.blobsfile:codec-lz4");
        assertThat(codec.level()).isEqualTo(Lz4Codec.AUTO);
    }

    @Test
    void everyLevelWritesFramesEveryLevelReads() throws IOException {
        String before = System.getProperty(Lz4Codec.LEVEL_PROPERTY);
        try {
            System.setProperty(Lz4Codec.LEVEL_PROPERTY, "0");
            assertThat(new Lz4Codec().level()).isZero();
            System.setProperty(Lz4Codec.LEVEL_PROPERTY, "x");
            assertThatThrownBy(Lz4Codec::new).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Lz4Codec.LEVEL_PROPERTY);
        } finally {
            if (before == null) {
                System.clearProperty(Lz4Codec.LEVEL_PROPERTY);
            } else {
                System.setProperty(Lz4Codec.LEVEL_PROPERTY, before);
            }
        }
        assertThatThrownBy(() -> new Lz4Codec(18)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Lz4Codec(-2)).isInstanceOf(IllegalArgumentException.class);
        byte[] blob = text(200_003);
        for (int level : new int[] {Lz4Codec.AUTO, 0, 1, 9}) {
            byte[] payload = new Lz4Codec(level).compress(blob, 0, blob.length);
            assertThat(new Lz4Codec(0).decompress(payload, 0, payload.length, blob.length)).as("level %d", level).isEqualTo(blob);
        }
    }

    @Test
    void headerStatesTheContentSizeAndIndependentBlocks() throws IOException {
        for (int size : new int[] {0, 1, 4_099, Lz4Codec.BLOCK_SIZE, Lz4Codec.BLOCK_SIZE + 1}) {
            byte[] payload = codec.compress(text(size), 0, size);
            assertThat(Lz4Codec.readInt(payload, 0)).isEqualTo(0x184D2204);
            assertThat(payload[4] & 0xFF).as("FLG: version 1, independent blocks, content size").isEqualTo(0x68);
            assertThat(payload[5] & 0xFF).as("BD: 4 MiB blocks").isEqualTo(0x70);
            assertThat(codec.decompressedLength(payload, 0, payload.length)).isEqualTo(size);
            byte[] prefix = Arrays.copyOf(payload, Math.min(payload.length, Lz4Codec.MAX_HEADER_SIZE));
            assertThat(codec.decompressedLength(prefix, 0, prefix.length)).isEqualTo(size);
            assertThat(Lz4Codec.readInt(payload, payload.length - 4)).as("end mark").isZero();
        }
        assertThat(codec.compress(new byte[0], 0, 0)).as("header and end mark only").hasSize(19);
    }

    @Test
    void smallBlobsGetTheStrongerCompressorWhenTheLevelIsPickedBySize() {
        byte[] blob = text(Lz4Codec.SMALL_BLOB - 1);
        byte[] picked = codec.compress(blob, 0, blob.length);
        byte[] fast = new Lz4Codec(0).compress(blob, 0, blob.length);
        byte[] hc1 = new Lz4Codec(1).compress(blob, 0, blob.length);
        assertThat(picked).isEqualTo(Lz4Codec.isNative() ? hc1 : fast);
        byte[] large = text(Lz4Codec.SMALL_BLOB);
        assertThat(codec.compress(large, 0, large.length)).isEqualTo(new Lz4Codec(0).compress(large, 0, large.length));
    }

    @Test
    void incompressibleBlocksAreStoredAsTheyAre() throws IOException {
        byte[] blob = randomBlob(70_001);
        byte[] payload = codec.compress(blob, 0, blob.length);
        assertThat(Lz4Codec.readInt(payload, 15)).isEqualTo(blob.length | Lz4Codec.UNCOMPRESSED_BIT);
        assertThat(Arrays.copyOfRange(payload, 19, 19 + blob.length)).isEqualTo(blob);
        assertThat(codec.decompress(payload, 0, payload.length, blob.length)).isEqualTo(blob);
    }

    @Test
    void blobsOfSeveralBlocksRoundTrip() throws IOException {
        byte[] blob = new byte[2 * Lz4Codec.BLOCK_SIZE + 12_345];
        byte[] noise = randomBlob(Lz4Codec.BLOCK_SIZE);
        System.arraycopy(noise, 0, blob, Lz4Codec.BLOCK_SIZE / 2, noise.length);
        byte[] payload = codec.compress(blob, 0, blob.length);
        assertThat(codec.decompress(payload, 0, payload.length, blob.length)).isEqualTo(blob);
    }

    @Test
    void frameWithoutContentSizeIsRefused() {
        // FLG 0x60: version 1, independent blocks, no content size; BD 0x70; then an end mark
        byte[] frame = {0x04, 0x22, 0x4D, 0x18, 0x60, 0x70, 0, 0, 0, 0, 0};
        frame[6] = Lz4Codec.headerChecksum(frame, 4, 2);
        assertThatThrownBy(() -> codec.decompress(frame, 0, frame.length, 100))
                .isInstanceOf(IOException.class).hasMessageContaining("content size");
    }

    @Test
    void hugeDeclaredSizeIsRefusedBeforeAllocating() {
        byte[] frame = frame(0x68, 1L << 40, new byte[] {0, 0, 0, 0});
        assertThatThrownBy(() -> codec.decompress(frame, 0, frame.length, Integer.MAX_VALUE))
                .isInstanceOf(IOException.class).hasMessageContaining("1099511627776");
        byte[] plausible = frame(0x68, 1 << 20, new byte[] {0, 0, 0, 0});
        assertThatThrownBy(() -> codec.decompress(plausible, 0, plausible.length, 1 << 21))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot hold");
    }

    @Test
    void damagedHeaderChecksumAndTrailingBytesAreRefused() {
        byte[] payload = codec.compress(text(1_000), 0, 1_000);
        byte[] badHeader = payload.clone();
        badHeader[14] ^= 1;
        assertThatThrownBy(() -> codec.decompress(badHeader, 0, badHeader.length, 1_000))
                .isInstanceOf(IOException.class).hasMessageContaining("header checksum");
        byte[] trailing = Arrays.copyOf(payload, payload.length + 1);
        assertThatThrownBy(() -> codec.decompress(trailing, 0, trailing.length, 1_000))
                .isInstanceOf(IOException.class).hasMessageContaining("and more");
        byte[] linked = payload.clone();
        linked[4] = 0x48;
        linked[14] = Lz4Codec.headerChecksum(linked, 4, 10);
        assertThatThrownBy(() -> codec.decompress(linked, 0, linked.length, 1_000))
                .isInstanceOf(IOException.class).hasMessageContaining("linked");
    }

    @Test
    void checksumsOfOtherWritersAreVerified() throws IOException {
        byte[] blob = text(3_000);
        // a frame with block and content checksums around one uncompressed block
        byte[] block = new byte[4 + blob.length + 4];
        Lz4Codec.writeInt(block, 0, blob.length | Lz4Codec.UNCOMPRESSED_BIT);
        System.arraycopy(blob, 0, block, 4, blob.length);
        Lz4Codec.writeInt(block, 4 + blob.length, xxh32(blob));
        byte[] tail = new byte[8];
        Lz4Codec.writeInt(tail, 4, xxh32(blob));
        byte[] good = frame(0x7C, blob.length, concat(block, tail));
        assertThat(codec.decompress(good, 0, good.length, blob.length)).isEqualTo(blob);

        byte[] badBlock = good.clone();
        badBlock[15 + 4 + 100] ^= 1;
        assertThatThrownBy(() -> codec.decompress(badBlock, 0, badBlock.length, blob.length))
                .isInstanceOf(IOException.class).hasMessageContaining("block checksum");
        byte[] badContent = good.clone();
        badContent[badContent.length - 1] ^= 1;
        assertThatThrownBy(() -> codec.decompress(badContent, 0, badContent.length, blob.length))
                .isInstanceOf(IOException.class).hasMessageContaining("content checksum");
    }

    @Test
    void theLz4CommandReadsOurPayloads() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(LZ4), "the lz4 command is not installed");
        for (byte[] blob : List.of(new byte[0], new byte[] {7}, text(77_777), randomBlob(4_099),
                text(Lz4Codec.BLOCK_SIZE + 5_003))) {
            Path ours = tmp.resolve("ours.lz4");
            Files.write(ours, codec.compress(blob, 0, blob.length));
            Path decoded = tmp.resolve("decoded");
            run(LZ4.toString(), "-q", "-d", "-f", ours.toString(), decoded.toString());
            assertThat(Files.readAllBytes(decoded)).as("lz4 -d of our %d-byte payload", blob.length).isEqualTo(blob);
        }
    }

    @Test
    void weReadWhatTheLz4CommandWrites() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(LZ4), "the lz4 command is not installed");
        // its defaults (content checksum, 4 MiB blocks), block checksums, small blocks, high compression
        List<List<String>> options = List.of(List.of(), List.of("-BX"), List.of("-B4"), List.of("-9"));
        for (byte[] blob : List.of(new byte[] {7}, text(300_007), randomBlob(9_001), text(Lz4Codec.BLOCK_SIZE + 17))) {
            Path original = tmp.resolve("original");
            Files.write(original, blob);
            for (List<String> extra : options) {
                Path theirs = tmp.resolve("theirs.lz4");
                List<String> cmd = new ArrayList<>(List.of(LZ4.toString(), "-q", "-f", "--content-size"));
                cmd.addAll(extra);
                cmd.addAll(List.of(original.toString(), theirs.toString()));
                run(cmd.toArray(String[]::new));
                byte[] frame = Files.readAllBytes(theirs);
                assertThat(codec.decompressedLength(frame, 0, frame.length)).isEqualTo(blob.length);
                assertThat(codec.decompress(frame, 0, frame.length, blob.length))
                        .as("lz4 %s of %d bytes", extra, blob.length).isEqualTo(blob);
            }
        }
    }

    @Test
    void theLz4CommandOmitsTheSizeOfAnEmptyFileWhichWeRefuse() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(LZ4), "the lz4 command is not installed");
        Path empty = Files.write(tmp.resolve("empty"), new byte[0]);
        Path theirs = tmp.resolve("empty.lz4");
        run(LZ4.toString(), "-q", "-f", "--content-size", empty.toString(), theirs.toString());
        byte[] frame = Files.readAllBytes(theirs);
        // a size of 0 is indistinguishable from "unknown" to the lz4 command; BlobsFile never stores
        // such a frame (the empty blob is stored plain), and a frame without a size is not bounded
        assertThat(codec.decompressedLength(frame, 0, frame.length)).isEqualTo(-1);
        assertThatThrownBy(() -> codec.decompress(frame, 0, frame.length, 0))
                .isInstanceOf(IOException.class).hasMessageContaining("content size");
    }

    @Test
    void linkedBlocksFromTheLz4CommandAreRefusedClearly() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(LZ4), "the lz4 command is not installed");
        Path original = tmp.resolve("original");
        Files.write(original, text(200_000));
        Path theirs = tmp.resolve("linked.lz4");
        run(LZ4.toString(), "-q", "-f", "--content-size", "-BD", "-B4", original.toString(), theirs.toString());
        byte[] frame = Files.readAllBytes(theirs);
        assertThatThrownBy(() -> codec.decompress(frame, 0, frame.length, 200_000))
                .isInstanceOf(IOException.class).hasMessageContaining("linked blocks");
    }

    /** A frame with the given FLG, content size and body (blocks, end mark, checksum). */
    private static byte[] frame(int flg, long contentSize, byte[] body) {
        byte[] h = new byte[15];
        Lz4Codec.writeInt(h, 0, Lz4Codec.FRAME_MAGIC);
        h[4] = (byte) flg;
        h[5] = 0x70;
        for (int i = 0; i < 8; i++) {
            h[6 + i] = (byte) (contentSize >>> (8 * i));
        }
        h[14] = Lz4Codec.headerChecksum(h, 4, 10);
        return concat(h, body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int xxh32(byte[] b) {
        return net.jpountz.xxhash.XXHashFactory.safeInstance().hash32().hash(b, 0, b.length, 0);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
