package org.blobsfile.codec.zstd;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import org.blobsfile.api.spi.Codec;

/**
 * Zstandard (codec id 2): every payload is one standard zstd frame whose header states the
 * content size, as {@code ZSTD_compress} writes it and as the Go BlobsFile wrote it, so the
 * {@code zstd} command decodes a payload on its own.
 *
 * <p>The compression level is {@value #DEFAULT_LEVEL} unless the system property
 * {@value #LEVEL_PROPERTY} or the constructor says otherwise; the level only affects writing, every
 * level reads every payload.
 *
 * <p>Decoding is bounded before native code runs: the frame header is parsed here, in Java, and a
 * frame that does not state its content size, needs a dictionary, states more than the caller's
 * bound or more than its own length can encode, or is followed by anything but its end, is
 * refused without allocating its output. Every failure of the native decoder becomes an
 * {@link IOException}.
 *
 * <p>Thread-safe and stateless: one instance serves every thread.
 */
public final class ZstdCodec implements Codec {
    /** The byte written into entries compressed by this codec. */
    public static final int ID = 2;

    /** The name users type to choose this codec. */
    public static final String NAME = "zstd";

    /** The system property that sets the level of codecs made by {@link #ZstdCodec()}. */
    public static final String LEVEL_PROPERTY = "blobsfile.zstd.level";

    /**
     * The level used when nothing else is configured. Measured side by side on this project's
     * 2-core machines (codec-lz4's CodecComparison, two runs): on text-like blobs level 1
     * compresses at 185 to 390 MB/s, near the speed of the BLAKE2b hash every put pays anyway,
     * and level 3 at 90 to 260 MB/s, for payloads only 2 to 5% smaller. Decoding speed is the
     * same for both.
     */
    public static final int DEFAULT_LEVEL = 1;

    /** The four bytes that open every zstd frame, read little-endian. */
    static final int FRAME_MAGIC = 0xFD2F_B528;

    /** Magic, descriptor, window, 4-byte dictionary id and 8-byte content size: the largest header. */
    static final int MAX_HEADER_SIZE = 4 + 1 + 1 + 4 + 8;

    /*
     * The densest zstd block is an RLE block: a 3-byte header and one byte that repeat up to the
     * 128 KiB block maximum. A frame declaring more than its blocks could possibly hold is
     * refused before its output is allocated.
     */
    private static final int MIN_BLOCK_BYTES = 4;
    private static final int MAX_BLOCK_CONTENT = 128 * 1024;

    /** zstd's most negative level, {@code ZSTD_minCLevel()}. */
    private static final int LIBRARY_MIN_LEVEL = -(1 << 17);
    /** zstd's highest level, {@code ZSTD_maxCLevel()}. */
    private static final int LIBRARY_MAX_LEVEL = 22;

    private final int level;

    /**
     * Creates the codec at the level in {@value #LEVEL_PROPERTY}, else {@value #DEFAULT_LEVEL};
     * {@link java.util.ServiceLoader} calls this.
     *
     * @throws IllegalArgumentException if the property is not a level zstd accepts
     */
    public ZstdCodec() {
        this(levelFromProperty());
    }

    /**
     * Creates the codec at a given level.
     *
     * @param level a zstd level, from {@code Zstd.minCompressionLevel()} (negative: faster) to
     *              {@code Zstd.maxCompressionLevel()}; 0 means zstd's own default (3)
     * @throws IllegalArgumentException if zstd does not accept the level
     */
    public ZstdCodec(int level) {
        // checked against zstd's own bounds, not asked of its library: creating the codec must not
        // unpack and load the native library, which discovery would then pay in every store
        // that never meets a zstd blob, and which fails on a full temporary directory
        if (level < LIBRARY_MIN_LEVEL || level > LIBRARY_MAX_LEVEL) {
            throw new IllegalArgumentException("zstd level " + level + " is outside " + LIBRARY_MIN_LEVEL + ".."
                    + LIBRARY_MAX_LEVEL);
        }
        this.level = level;
    }

    private static int levelFromProperty() {
        String v = System.getProperty(LEVEL_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_LEVEL;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + LEVEL_PROPERTY + " must be an integer, not '" + v + "'", e);
        }
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
        return "org.blobsfile:codec-zstd";
    }

    /** @return the level this codec compresses at */
    public int level() {
        return level;
    }

    /**
     * Compresses a slice into one zstd frame that states its content size.
     *
     * @param src the bytes
     * @param off where the blob starts in {@code src}
     * @param len the blob's length
     * @return the frame
     * @throws IndexOutOfBoundsException if the slice is outside {@code src}
     */
    @Override
    public byte[] compress(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        byte[] out = new byte[Math.toIntExact(Zstd.compressBound(len))];
        long n;
        try {
            // the one-shot API writes the content size into the frame header, which readers rely on
            n = Zstd.compressByteArray(out, 0, out.length, src, off, len, level);
        } catch (ZstdException e) {
            // in-bounds input into a compressBound-sized buffer cannot fail unless the library is broken
            throw new IllegalStateException("zstd compression failed: " + e.getMessage(), e);
        }
        if (Zstd.isError(n)) {
            throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
        }
        return n == out.length ? out : Arrays.copyOf(out, (int) n);
    }

    /**
     * Decompresses one zstd frame into exactly the content size its header states.
     *
     * @param src       holds the payload
     * @param off       where it starts
     * @param len       its length
     * @param maxLength the largest result the caller accepts
     * @return the blob
     * @throws IOException if the payload is not exactly one well-formed frame with a content size,
     *                     or states more than {@code maxLength} bytes
     */
    @Override
    public byte[] decompress(byte[] src, int off, int len, int maxLength) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        FrameHeader header = FrameHeader.parse(src, off, len);
        long size = header.contentSize();
        if (size < 0) {
            throw new IOException("zstd frame does not state its content size; BlobsFile payloads always do");
        }
        if (size > maxLength) {
            throw new IOException("zstd frame declares " + size + " bytes, more than the " + maxLength + " allowed");
        }
        long blocks = (len - header.length()) / MIN_BLOCK_BYTES;
        if (size > blocks * MAX_BLOCK_CONTENT) {
            throw new IOException("malformed zstd frame: " + len + " bytes cannot hold the " + size + " bytes it declares");
        }
        long frameLength;
        try {
            frameLength = Zstd.findFrameCompressedSize(src, off, len);
        } catch (ZstdException e) {
            throw new IOException("malformed zstd frame (" + len + " bytes): " + e.getMessage(), e);
        }
        if (Zstd.isError(frameLength)) {
            throw new IOException("malformed zstd frame (" + len + " bytes): " + Zstd.getErrorName(frameLength));
        }
        if (frameLength != len) {
            // the decoder would go on into a second frame; a payload is one frame and nothing else
            throw new IOException("zstd payload of " + len + " bytes holds a frame of " + frameLength + " bytes and more");
        }
        byte[] out = new byte[(int) size];
        long produced;
        try {
            produced = Zstd.decompressByteArray(out, 0, out.length, src, off, len);
        } catch (ZstdException e) {
            throw new IOException("malformed zstd frame (" + len + " bytes): " + e.getMessage(), e);
        }
        if (Zstd.isError(produced)) {
            throw new IOException("malformed zstd frame (" + len + " bytes): " + Zstd.getErrorName(produced));
        }
        if (produced != size) {
            throw new IOException("malformed zstd frame: decoded " + produced + " bytes, header declares " + size);
        }
        return out;
    }

    /**
     * Reads the content size from the frame header alone; {@code src} may hold only the start
     * of the payload.
     *
     * @return the content size, or -1 when the frame does not state it
     * @throws IOException if the header is malformed or cut short
     */
    @Override
    public long decompressedLength(byte[] src, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        return FrameHeader.parse(src, off, len).contentSize();
    }

    /**
     * Compresses in pieces into one frame that states {@code length} as its content size, as
     * {@link #compress} does for a whole blob, in memory independent of the blob's length.
     *
     * @param out    where the frame goes
     * @param length the blob's exact length
     * @return a stream taking exactly {@code length} bytes; closing it ends the frame
     */
    @Override
    public OutputStream compressing(OutputStream out, long length) {
        return ZstdStreams.compressing(out, length, level);
    }

    /**
     * Decodes one frame in pieces, with the checks {@link #decompress} makes: a content size
     * stated and within {@code maxLength}, exactly that many bytes decoded, nothing after the frame.
     *
     * @param payload    the payload
     * @param storedSize its length
     * @param maxLength  the longest blob accepted
     * @return the blob's bytes
     * @throws IOException if the frame header is malformed or states too much
     */
    @Override
    public InputStream decompressing(InputStream payload, long storedSize, long maxLength) throws IOException {
        return ZstdStreams.decompressing(payload, storedSize, maxLength);
    }

    /** @return the codec's name, id and level */
    @Override
    public String toString() {
        return "ZstdCodec[id=" + ID + ", name=" + NAME + ", level=" + level + "]";
    }

    /**
     * The fields of a zstd frame header this codec needs, parsed in Java so that a malformed
     * header never reaches native code (RFC 8878, section 3.1.1.1).
     *
     * @param length      the header's length in bytes, magic included
     * @param contentSize the declared content size, or -1 when absent
     */
    record FrameHeader(int length, long contentSize) {
        private static final int RESERVED_BIT = 0x08;

        static FrameHeader parse(byte[] src, int off, int len) throws IOException {
            if (len < 5) {
                throw new IOException("truncated zstd frame: " + len + " bytes cannot hold a frame header");
            }
            int magic = (src[off] & 0xFF) | (src[off + 1] & 0xFF) << 8 | (src[off + 2] & 0xFF) << 16 | (src[off + 3] & 0xFF) << 24;
            if (magic != FRAME_MAGIC) {
                // skippable and legacy frames included: BlobsFile writes neither
                throw new IOException(String.format("not a zstd frame: magic %08x, expected %08x", magic, FRAME_MAGIC));
            }
            int descriptor = src[off + 4] & 0xFF;
            if ((descriptor & RESERVED_BIT) != 0) {
                throw new IOException("malformed zstd frame: reserved bit set in the frame header descriptor");
            }
            int fcsFlag = descriptor >>> 6;
            boolean singleSegment = (descriptor & 0x20) != 0;
            int dictFlag = descriptor & 0x03;
            int dictBytes = dictFlag == 3 ? 4 : dictFlag;
            int fcsBytes = switch (fcsFlag) {
                case 0 -> singleSegment ? 1 : 0;
                case 1 -> 2;
                case 2 -> 4;
                default -> 8;
            };
            int pos = 5 + (singleSegment ? 0 : 1);
            int headerLength = pos + dictBytes + fcsBytes;
            if (len < headerLength) {
                throw new IOException("truncated zstd frame: the header needs " + headerLength + " bytes, " + len + " given");
            }
            if (readLittleEndian(src, off + pos, dictBytes) != 0) {
                throw new IOException("zstd frame needs a dictionary; BlobsFile payloads never do");
            }
            pos += dictBytes;
            long size;
            if (fcsBytes == 0) {
                size = -1;
            } else {
                size = readLittleEndian(src, off + pos, fcsBytes);
                if (fcsBytes == 2) {
                    size += 256; // the two-byte field is offset, per the format
                }
                if (size < 0) {
                    throw new IOException("zstd frame declares a content size beyond 2^63");
                }
            }
            return new FrameHeader(headerLength, size);
        }

        private static long readLittleEndian(byte[] b, int off, int n) {
            long v = 0;
            for (int i = n - 1; i >= 0; i--) {
                v = v << 8 | (b[off + i] & 0xFF);
            }
            return v;
        }
    }
}
