package org.blobsfile.codec.snappy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.blobsfile.api.spi.Codec;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Snappy in its raw block format (codec id 1): a varint holding the uncompressed length, then
 * the compressed elements, exactly what golang/snappy {@code Encode} writes. Not the framed
 * format, which BlobsFile v1 never used.
 *
 * <p>The native decoder trusts the offsets and the output buffer it is handed, so every bound is
 * checked here, in Java, before a payload reaches it.
 *
 * <p>Thread-safe and stateless: one instance serves every thread.
 */
public final class SnappyCodec implements Codec {
    /** The byte written into entries compressed by this codec. */
    public static final int ID = 1;

    /** The name users type to choose this codec. */
    public static final String NAME = "snappy";

    /** A uint32 varint never needs more than five bytes. */
    private static final int MAX_VARINT_BYTES = 5;

    /*
     * The densest Snappy element is a two-byte-offset copy: 3 bytes of input yield up to 64 bytes
     * of output. A payload declaring more than that ratio allows cannot be valid, so it is refused
     * without allocating the buffer it asks for.
     */
    private static final int MAX_EXPANSION_NUMERATOR = 64;
    private static final int MAX_EXPANSION_DENOMINATOR = 3;

    /** Creates the codec; {@link java.util.ServiceLoader} calls this. */
    public SnappyCodec() {
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
        return "org.blobsfile:codec-snappy";
    }

    /**
     * Compresses a slice into one raw Snappy block.
     *
     * @param src the bytes
     * @param off where the blob starts in {@code src}
     * @param len the blob's length
     * @return the payload: varint length then elements; {@code {0x00}} for an empty blob
     * @throws IndexOutOfBoundsException if the slice is outside {@code src}
     */
    @Override
    public byte[] compress(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        byte[] out = new byte[Snappy.maxCompressedLength(len)];
        int n;
        try {
            n = Snappy.compress(src, off, len, out, 0);
        } catch (IOException | SnappyError e) {
            // compression of in-bounds input cannot fail unless the native library is broken
            throw new IllegalStateException("snappy compression failed: " + e.getMessage(), e);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * Decompresses one raw Snappy block. The declared length is read and checked against
     * {@code maxLength} and against what the payload's size can possibly encode before any
     * buffer is allocated.
     *
     * @param src       holds the payload
     * @param off       where it starts
     * @param len       its length
     * @param maxLength the largest result the caller accepts
     * @return the blob
     * @throws IOException if the payload is truncated, malformed, or declares more than
     *                     {@code maxLength} bytes
     */
    @Override
    public byte[] decompress(byte[] src, int off, int len, int maxLength) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        long header = readLengthHeader(src, off, len);
        long declared = header >>> 8;
        int headerBytes = (int) (header & 0xFF);
        if (declared > maxLength) {
            throw new IOException("snappy payload declares " + declared + " bytes, more than the "
                    + maxLength + " allowed");
        }
        long body = len - headerBytes;
        if (declared * MAX_EXPANSION_DENOMINATOR > body * MAX_EXPANSION_NUMERATOR + MAX_EXPANSION_DENOMINATOR) {
            throw new IOException("malformed snappy payload: " + len + " bytes cannot hold the "
                    + declared + " bytes it declares");
        }
        // exactly the declared size: the native decoder writes up to that length and no further
        byte[] out = new byte[(int) declared];
        int produced;
        try {
            produced = Snappy.uncompress(src, off, len, out, 0);
        } catch (IOException | SnappyError e) {
            throw new IOException("malformed snappy payload (" + len + " bytes): " + e.getMessage(), e);
        }
        if (produced != declared) {
            throw new IOException("malformed snappy payload: decoded " + produced + " bytes, header declares "
                    + declared);
        }
        return out;
    }

    /**
     * @return the length in the payload's varint header
     * @throws IOException if the header is truncated or does not fit in 32 bits
     */
    @Override
    public long decompressedLength(byte[] src, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        return readLengthHeader(src, off, len) >>> 8;
    }

    /**
     * Parses the uint32 varint that opens every raw Snappy block, in Java so a malformed header
     * never reaches native code.
     *
     * @return the declared length shifted left by 8, or'ed with the number of header bytes
     */
    private static long readLengthHeader(byte[] src, int off, int len) throws IOException {
        long value = 0;
        int limit = Math.min(len, MAX_VARINT_BYTES);
        for (int i = 0; i < limit; i++) {
            int b = src[off + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > 0xFFFF_FFFFL) {
                    throw new IOException("malformed snappy payload: length header exceeds 32 bits");
                }
                return value << 8 | (i + 1);
            }
        }
        if (len < MAX_VARINT_BYTES) {
            throw new IOException("truncated snappy payload: " + len + " bytes end inside the length header");
        }
        throw new IOException("malformed snappy payload: length header longer than " + MAX_VARINT_BYTES + " bytes");
    }

    /** @return the codec's name and id */
    @Override
    public String toString() {
        return "SnappyCodec[id=" + ID + ", name=" + NAME + "]";
    }
}
