package org.blobsfile.codec.snappy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.tck.CodecContract;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class SnappyCodecTest extends CodecContract {
    private final SnappyCodec codec = new SnappyCodec();

    @Override
    protected Codec codec() {
        return codec;
    }

    @Test
    void identity() {
        assertThat(codec.id()).isEqualTo(1);
        assertThat(codec.name()).isEqualTo("snappy");
        assertThat(codec.artifact()).isEqualTo("org.blobsfile:codec-snappy");
    }

    @Test
    void emptyBlobIsTheSingleByteZero() throws IOException {
        // golang/snappy Encode of an empty slice, as found in packs the Go writer produced
        byte[] payload = codec.compress(new byte[0], 0, 0);
        assertThat(payload).containsExactly(0x00);
        assertThat(codec.decompress(new byte[] {0x00}, 0, 1, 0)).isEmpty();
        assertThat(codec.decompressedLength(new byte[] {0x00}, 0, 1)).isZero();
    }

    @Test
    void payloadOfSnappyJavaDecodesAndStartsWithTheVarintLength() throws IOException {
        byte[] blob = "a raw snappy block starts with its length as a varint; ".repeat(40)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] payload = Snappy.compress(blob);
        // 2200 = 0x898: the low seven bits 0x18 with the continuation bit, then 2200 >> 7 = 0x11
        assertThat(blob.length).isEqualTo(2200);
        assertThat(Arrays.copyOf(payload, 2)).containsExactly(0x98, 0x11);
        assertThat(codec.decompressedLength(payload, 0, payload.length)).isEqualTo(2200);
        assertThat(codec.decompress(payload, 0, payload.length, blob.length)).isEqualTo(blob);
        assertThat(codec.compress(blob, 0, blob.length)).isEqualTo(payload);
    }

    @Test
    void handWrittenBlockDecodes() throws IOException {
        // length 6; literal "ab" (tag (2-1)<<2); copy with a one-byte offset (tag 0x01: length 4,
        // offset 2), which overlaps its own output, as Snappy allows: "ab" + "abab"
        byte[] payload = {0x06, 0x04, 'a', 'b', 0x01, 0x02};
        assertThat(new String(codec.decompress(payload, 0, payload.length, 6), StandardCharsets.US_ASCII))
                .isEqualTo("ababab");
    }

    @Test
    void oversizedHeaderIsRejectedBeforeAllocating() {
        // claims 2^32 - 1 bytes: must fail on the bound, not try to allocate
        byte[] payload = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0x00};
        assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, Integer.MAX_VALUE))
                .isInstanceOf(IOException.class).hasMessageContaining("4294967295");
    }

    @Test
    void headerThatCannotBeBackedByThePayloadIsRejected() {
        // claims 1 MiB with three bytes of body; far beyond the densest element's 64/3 ratio
        byte[] payload = {(byte) 0x80, (byte) 0x80, 0x40, 0x00, 0x00, 0x00};
        assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, 1 << 21))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot hold");
    }

    @Test
    void malformedHeadersAreRejected() {
        byte[] tooLong = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        assertThatThrownBy(() -> codec.decompressedLength(tooLong, 0, tooLong.length))
                .isInstanceOf(IOException.class).hasMessageContaining("longer than 5");
        byte[] over32Bits = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10};
        assertThatThrownBy(() -> codec.decompressedLength(over32Bits, 0, over32Bits.length))
                .isInstanceOf(IOException.class).hasMessageContaining("32 bits");
        byte[] cut = {(byte) 0x80, (byte) 0x80};
        assertThatThrownBy(() -> codec.decompressedLength(cut, 0, cut.length))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> codec.decompress(new byte[0], 0, 0, 10))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
    }

    @Test
    void slicesOutsideTheArrayAreRefusedBeforeNativeCode() {
        byte[] payload = codec.compress(new byte[100], 0, 100);
        assertThatThrownBy(() -> codec.decompress(payload, 1, payload.length, 100))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> codec.compress(new byte[10], 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
