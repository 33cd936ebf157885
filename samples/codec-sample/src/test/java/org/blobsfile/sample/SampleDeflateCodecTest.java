package org.blobsfile.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.tck.CodecContract;
import org.junit.jupiter.api.Test;

/** The whole codec contract, from the TCK, plus what is particular to this format. */
class SampleDeflateCodecTest extends CodecContract {
    private final SampleDeflateCodec codec = new SampleDeflateCodec();

    @Override
    protected Codec codec() {
        return codec;
    }

    @Test
    void identity() {
        assertThat(codec.id()).isEqualTo(200);
        assertThat(codec.name()).isEqualTo("sample");
    }

    @Test
    void payloadStartsWithMagicAndLength() throws IOException {
        byte[] payload = codec.compress(new byte[300], 0, 300);
        // 300 = 0b10_0101100: low seven bits with the continuation bit, then 2
        assertThat(payload).startsWith('B', 'F', 'S', '1', 0xAC, 0x02);
        assertThat(codec.decompressedLength(payload, 0, 7)).isEqualTo(300);
    }

    @Test
    void otherFormatsAndLiesAreRefused() {
        assertThatThrownBy(() -> codec.decompress(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0, 0}, 0, 6, 100))
                .isInstanceOf(IOException.class).hasMessageContaining("BFS1");
        // declares 2^31 - 1 bytes in a handful: refused before allocating
        byte[] lie = {'B', 'F', 'S', '1', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x03, 0x00, 1, 2, 3, 4};
        assertThatThrownBy(() -> codec.decompress(lie, 0, lie.length, Integer.MAX_VALUE))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot hold");
    }
}
