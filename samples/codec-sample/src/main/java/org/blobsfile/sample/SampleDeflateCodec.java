package org.blobsfile.sample;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.blobsfile.api.spi.Codec;

/**
 * A sample third-party codec, written against {@code blobsfile-api} alone: id 200 (from the range
 * 128 to 254 left to third parties), name {@code "sample"}, built on the JDK's Deflate.
 *
 * <p>The payload describes itself, as every BlobsFile payload must, since the store hands a codec
 * nothing but the payload:
 *
 * <pre>
 * "BFS1"           4 bytes, so a payload of another format is refused at once
 * length           unsigned LEB128 varint: the blob's length, read before anything is allocated
 * deflate data     a raw Deflate stream (no zlib header)
 * crc32c           4 bytes, little-endian, of the blob: random or damaged bodies fail here
 * </pre>
 *
 * <p>Stores written with it stay valid v1: every entry is parseable by any v1 reader, which just
 * cannot check the content of id 200 entries without this codec.
 *
 * <p>Thread-safe: every call uses its own {@link Deflater} or {@link Inflater}.
 */
public final class SampleDeflateCodec implements Codec {
    /** The byte written into entries compressed by this codec. */
    public static final int ID = 200;

    /** The name users type to choose this codec. */
    public static final String NAME = "sample";

    static final byte[] MAGIC = {'B', 'F', 'S', '1'};
    private static final int MAX_VARINT_BYTES = 5;
    private static final int CRC_BYTES = 4;
    /** Deflate cannot expand a stream by more than about 1032:1, so a larger claim is a lie. */
    private static final long MAX_EXPANSION = 1032;

    /** Creates the codec; {@link java.util.ServiceLoader} calls this. */
    public SampleDeflateCodec() {
    }

    /** @return {@value #ID} */
    @Override
    public int id() {
        return ID;
    }

    /** @return {@value #NAME} */
    @Override
    public String name() {
        return NAME;
    }

    /** @return the Maven coordinates of this module */
    @Override
    public String artifact() {
        return "org.blobsfile:blobsfile-sample-codec";
    }

    /**
     * Compresses a slice into one payload.
     *
     * @param src the bytes
     * @param off where the blob starts
     * @param len the blob's length
     * @return magic, length, raw Deflate data and CRC32C
     */
    @Override
    public byte[] compress(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        byte[] out = new byte[MAGIC.length + MAX_VARINT_BYTES + len + len / 1000 + 64 + CRC_BYTES];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        int pos = MAGIC.length;
        for (int v = len; ; v >>>= 7) {
            if ((v & ~0x7F) == 0) {
                out[pos++] = (byte) v;
                break;
            }
            out[pos++] = (byte) (v & 0x7F | 0x80);
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(src, off, len);
            deflater.finish();
            while (!deflater.finished()) {
                if (out.length - pos < 64 + CRC_BYTES) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                pos += deflater.deflate(out, pos, out.length - pos - CRC_BYTES);
            }
        } finally {
            deflater.end();
        }
        CRC32C crc = new CRC32C();
        crc.update(src, off, len);
        int c = (int) crc.getValue();
        for (int i = 0; i < CRC_BYTES; i++) {
            out[pos++] = (byte) (c >>> (8 * i));
        }
        return Arrays.copyOf(out, pos);
    }

    /**
     * Decompresses one payload into exactly the length it declares.
     *
     * @throws IOException if the payload is not this format, is cut short or damaged, or declares
     *                     more than {@code maxLength} bytes
     */
    @Override
    public byte[] decompress(byte[] src, int off, int len, int maxLength) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        long header = readHeader(src, off, len);
        int headerBytes = (int) (header & 0xFF);
        long declared = header >>> 8;
        if (declared > maxLength) {
            throw new IOException("sample payload declares " + declared + " bytes, more than the " + maxLength + " allowed");
        }
        int body = len - headerBytes - CRC_BYTES;
        if (body < 1) {
            throw new IOException("truncated sample payload: no room for data and checksum in " + len + " bytes");
        }
        if (declared > body * MAX_EXPANSION) {
            throw new IOException("malformed sample payload: " + body + " bytes of Deflate cannot hold " + declared);
        }
        byte[] out = new byte[(int) declared];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(src, off + headerBytes, body);
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("truncated sample payload: Deflate data ends after " + n + " of " + declared + " bytes");
                }
                n += got;
            }
            if (!inflater.finished()) {
                // the stream still has data once the declared length is full: it holds more than it says
                byte[] probe = new byte[1];
                if (inflater.inflate(probe) > 0 || !inflater.finished()) {
                    throw new IOException("malformed sample payload: Deflate data goes on past " + declared + " bytes");
                }
            }
            if (n != declared || inflater.getRemaining() != 0) {
                throw new IOException("malformed sample payload: decoded " + n + " of " + declared
                        + " bytes, " + inflater.getRemaining() + " bytes of Deflate data left over");
            }
        } catch (DataFormatException e) {
            throw new IOException("malformed sample payload: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        CRC32C crc = new CRC32C();
        crc.update(out);
        int stored = 0;
        for (int i = 0; i < CRC_BYTES; i++) {
            stored |= (src[off + len - CRC_BYTES + i] & 0xFF) << (8 * i);
        }
        if ((int) crc.getValue() != stored) {
            throw new IOException("sample payload checksum mismatch");
        }
        return out;
    }

    /**
     * @return the length in the payload's header
     * @throws IOException if the header is not this format or is cut short
     */
    @Override
    public long decompressedLength(byte[] src, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        return readHeader(src, off, len) >>> 8;
    }

    /** @return the declared length shifted left by 8, or'ed with the header's length in bytes */
    private static long readHeader(byte[] src, int off, int len) throws IOException {
        if (len < MAGIC.length || !Arrays.equals(src, off, off + MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("not a sample payload: it does not start with BFS1");
        }
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES && MAGIC.length + i < len; i++) {
            int b = src[off + MAGIC.length + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > Integer.MAX_VALUE) {
                    throw new IOException("malformed sample payload: length beyond 2^31");
                }
                return value << 8 | (MAGIC.length + i + 1);
            }
        }
        throw new IOException("truncated or malformed sample payload: the length header does not end");
    }

    /** @return the codec's name and id */
    @Override
    public String toString() {
        return "SampleDeflateCodec[id=" + ID + ", name=" + NAME + "]";
    }
}
