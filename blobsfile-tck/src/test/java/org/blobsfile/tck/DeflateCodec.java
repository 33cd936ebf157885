package org.blobsfile.tck;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.blobsfile.api.spi.Codec;

/**
 * A codec built on the JDK alone (a 4-byte big-endian length, then a zlib stream), used to show
 * that the codec contract holds for a format other than the project's.
 */
public final class DeflateCodec implements Codec {
    @Override
    public int id() {
        return 200;
    }

    @Override
    public String name() {
        return "deflate-test";
    }

    @Override
    public byte[] compress(byte[] src, int off, int len) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(src, off, len);
            deflater.finish();
            byte[] out = new byte[4 + len + len / 100 + 64];
            ByteBuffer.wrap(out).putInt(len);
            int n = 4;
            while (!deflater.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                n += deflater.deflate(out, n, out.length - n);
            }
            return Arrays.copyOf(out, n);
        } finally {
            deflater.end();
        }
    }

    @Override
    public byte[] decompress(byte[] src, int off, int len, int maxLength) throws IOException {
        long declared = decompressedLength(src, off, len);
        if (declared > maxLength) {
            throw new IOException("declares " + declared + " bytes, more than " + maxLength);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(src, off + 4, len - 4);
            byte[] out = new byte[(int) declared];
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("truncated deflate payload");
                }
                n += got;
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) != 0) {
                throw new IOException("deflate payload longer than its declared length " + declared);
            }
            // the stream must end exactly at the declared length and at the end of the payload
            if (n != declared || !inflater.finished() || inflater.getRemaining() != 0) {
                throw new IOException("deflate payload does not match its declared length " + declared);
            }
            return out;
        } catch (DataFormatException e) {
            throw new IOException("malformed deflate payload: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    @Override
    public long decompressedLength(byte[] src, int off, int len) throws IOException {
        if (len < 4) {
            throw new IOException("truncated: " + len + " bytes");
        }
        int declared = ByteBuffer.wrap(src, off, 4).getInt();
        if (declared < 0) {
            throw new IOException("negative length");
        }
        return declared;
    }
}
