package org.blobsfile.codec.lz4;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;
import org.blobsfile.api.spi.Codec;

/**
 * LZ4 (codec id 4): every payload is one frame of the standard LZ4 frame format whose header
 * states the content size, so the {@code lz4} command (or any other frame decoder) decodes a
 * payload on its own.
 *
 * <p>Frames written here have independent blocks of up to 4 MiB, as the {@code lz4} command
 * writes by default, a block that does not shrink stored as it is, and no checksums: the store
 * checks the BLAKE2b hash of every blob it reads, which an xxHash32 would only repeat more weakly.
 * Frames from elsewhere may carry block and content checksums; both are verified.
 *
 * <p>The level only affects writing: 0 is LZ4's fast compressor ({@code lz4 -1}), 1 to 17 are
 * LZ4 HC levels, set by the system property {@value #LEVEL_PROPERTY} or the constructor. Without
 * either, the codec picks by blob size, from measurements here with the native library: blobs of
 * at least {@value #SMALL_BLOB} bytes get the fast compressor, which runs at hashing speed (HC
 * level 1 gains 5 to 15% of ratio on text at a third of the speed); smaller blobs get HC level 1,
 * because for them the fixed costs of a put (fsync, index) dwarf the compression time while the
 * frame's 23 bytes of overhead make every saved byte count (on short text the fast compressor
 * barely halves the size). lz4-java's pure-Java fallback runs HC several times slower still, so
 * without the native library every size gets the fast compressor.
 *
 * <p>Decoding is bounded: the header is parsed first, and a frame that does not state its content
 * size, states more than the caller's bound or more than its length can encode, links its blocks
 * (a decoder with history, which this codec does not have), or holds anything after its end mark,
 * is refused before its output is allocated. Blocks decode straight into that output, each
 * limited to the room left in it. Every failure of the decoder becomes an {@link IOException}.
 *
 * <p>Thread-safe and stateless: one instance serves every thread.
 */
public final class Lz4Codec implements Codec {
    /** The byte written into entries compressed by this codec. */
    public static final int ID = 4;

    /** The name users type to choose this codec. */
    public static final String NAME = "lz4";

    /** The system property that sets the level of codecs made by {@link #Lz4Codec()}. */
    public static final String LEVEL_PROPERTY = "blobsfile.lz4.level";

    /** What {@link #level()} returns when the codec picks the level by blob size. */
    public static final int AUTO = -1;

    /** Blobs shorter than this get LZ4 HC level 1 when the level is picked by size. */
    public static final int SMALL_BLOB = 16 * 1024;

    /** The highest LZ4 HC level. */
    public static final int MAX_LEVEL = 17;

    /** The four bytes that open every LZ4 frame, read little-endian. */
    static final int FRAME_MAGIC = 0x184D_2204;

    /** Magic, FLG, BD, 8-byte content size, 4-byte dictionary id and the header checksum. */
    static final int MAX_HEADER_SIZE = 4 + 2 + 8 + 4 + 1;

    static final int FLG_VERSION_MASK = 0xC0;
    static final int FLG_VERSION = 0x40;
    static final int FLG_BLOCK_INDEPENDENCE = 0x20;
    static final int FLG_BLOCK_CHECKSUM = 0x10;
    static final int FLG_CONTENT_SIZE = 0x08;
    static final int FLG_CONTENT_CHECKSUM = 0x04;
    static final int FLG_RESERVED = 0x02;
    static final int FLG_DICTIONARY_ID = 0x01;
    static final int BD_RESERVED = 0x8F;

    /** Block maximum size id 7: 4 MiB, the {@code lz4} command's default. */
    static final int BLOCK_SIZE_ID = 7;
    static final int BLOCK_SIZE = blockMaxSize(BLOCK_SIZE_ID);

    /** The high bit of a block's size field marks a block stored uncompressed. */
    static final int UNCOMPRESSED_BIT = 0x8000_0000;

    /*
     * An LZ4 sequence extends a match by at most 255 bytes per input byte, so a frame declaring
     * more than 256 times its own length cannot be valid and is refused without allocating.
     */
    static final int MAX_EXPANSION = 256;

    private final int level;
    /** The compressors of {@link #level}, picked on the first compression; racing threads pick the same. */
    private volatile Compressors compressors;

    /**
     * lz4-java's implementations, picked when a blob is first compressed or decompressed: picking
     * them unpacks and loads the native library, which a store that never meets an lz4 blob
     * should not pay for when discovery creates this codec.
     */
    static final class Lib {
        static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
        static final LZ4SafeDecompressor DECOMPRESSOR = FACTORY.safeDecompressor();
        static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

        private Lib() {
        }
    }

    /** The compressor for blobs under {@value #SMALL_BLOB} bytes, and the one for the rest. */
    record Compressors(LZ4Compressor small, LZ4Compressor large) {
    }

    /**
     * Creates the codec at the level in {@value #LEVEL_PROPERTY}, else with the level picked by
     * blob size; {@link java.util.ServiceLoader} calls this.
     *
     * @throws IllegalArgumentException if the property is not a level from 0 to {@value #MAX_LEVEL}
     */
    public Lz4Codec() {
        this(levelFromProperty());
    }

    /**
     * Creates the codec at a given level.
     *
     * @param level 0 for the fast compressor, 1 to {@value #MAX_LEVEL} for LZ4 HC, or {@value #AUTO}
     *              to pick by blob size
     * @throws IllegalArgumentException if the level is outside {@value #AUTO} to {@value #MAX_LEVEL}
     */
    public Lz4Codec(int level) {
        if (level < AUTO || level > MAX_LEVEL) {
            throw new IllegalArgumentException("lz4 level " + level + " is outside " + AUTO + ".." + MAX_LEVEL);
        }
        this.level = level;
    }

    Compressors compressors() {
        Compressors c = compressors;
        if (c == null) {
            LZ4Factory factory = Lib.FACTORY;
            if (level == AUTO) {
                LZ4Compressor large = factory.fastCompressor();
                c = new Compressors(isNative() ? factory.highCompressor(1) : large, large);
            } else {
                LZ4Compressor one = level == 0 ? factory.fastCompressor() : factory.highCompressor(level);
                c = new Compressors(one, one);
            }
            compressors = c;
        }
        return c;
    }

    private static int levelFromProperty() {
        String v = System.getProperty(LEVEL_PROPERTY);
        if (v == null || v.isBlank()) {
            return AUTO;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + LEVEL_PROPERTY + " must be an integer, not '" + v + "'", e);
        }
    }

    /** @return whether lz4-java runs its native library on this platform */
    static boolean isNative() {
        try {
            return Lib.FACTORY == LZ4Factory.nativeInstance();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** @return the level this codec compresses at: 0 fast, 1 to 17 LZ4 HC, {@value #AUTO} picked by blob size */
    public int level() {
        return level;
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
        return "org.blobsfile:codec-lz4";
    }

    /**
     * Compresses a slice into one LZ4 frame that states its content size.
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
        int blocks = (len + BLOCK_SIZE - 1) / BLOCK_SIZE;
        Compressors c = compressors();
        long bound = 15L + 4 + (long) blocks * 4
                + (len == 0 ? 0 : c.large().maxCompressedLength(Math.min(len, BLOCK_SIZE)) * (long) blocks);
        LZ4Compressor compressor = len < SMALL_BLOB ? c.small() : c.large();
        byte[] out = new byte[Math.toIntExact(bound)];
        int pos = writeHeader(out, len);
        for (int from = off, end = off + len; from < end; from += BLOCK_SIZE) {
            int n = Math.min(BLOCK_SIZE, end - from);
            int packed = compressor.compress(src, from, n, out, pos + 4, out.length - pos - 4);
            if (packed < n) {
                writeInt(out, pos, packed);
                pos += 4 + packed;
            } else {
                // incompressible: the frame format stores such a block as it is
                writeInt(out, pos, n | UNCOMPRESSED_BIT);
                System.arraycopy(src, from, out, pos + 4, n);
                pos += 4 + n;
            }
        }
        writeInt(out, pos, 0); // end mark
        pos += 4;
        return pos == out.length ? out : Arrays.copyOf(out, pos);
    }

    static int writeHeader(byte[] out, long contentSize) {
        writeInt(out, 0, FRAME_MAGIC);
        out[4] = (byte) (FLG_VERSION | FLG_BLOCK_INDEPENDENCE | FLG_CONTENT_SIZE);
        out[5] = (byte) (BLOCK_SIZE_ID << 4);
        for (int i = 0; i < 8; i++) {
            out[6 + i] = (byte) (contentSize >>> (8 * i));
        }
        out[14] = headerChecksum(out, 4, 10);
        return 15;
    }

    /**
     * Decompresses one LZ4 frame into exactly the content size its header states.
     *
     * @param src       holds the payload
     * @param off       where it starts
     * @param len       its length
     * @param maxLength the largest result the caller accepts
     * @return the blob
     * @throws IOException if the payload is not exactly one well-formed frame with a content size
     *                     and independent blocks, a checksum fails, or it states more than
     *                     {@code maxLength} bytes
     */
    @Override
    public byte[] decompress(byte[] src, int off, int len, int maxLength) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        FrameHeader h = FrameHeader.parse(src, off, len);
        long size = h.contentSize();
        if (size < 0) {
            throw new IOException("lz4 frame does not state its content size; BlobsFile payloads always do");
        }
        if (size > maxLength) {
            throw new IOException("lz4 frame declares " + size + " bytes, more than the " + maxLength + " allowed");
        }
        if (size > (long) len * MAX_EXPANSION) {
            throw new IOException("malformed lz4 frame: " + len + " bytes cannot hold the " + size + " bytes it declares");
        }
        if ((h.flags() & FLG_BLOCK_INDEPENDENCE) == 0) {
            throw new IOException("lz4 frame with linked blocks (lz4 -BD): not supported, BlobsFile writes independent blocks");
        }
        boolean blockChecksums = (h.flags() & FLG_BLOCK_CHECKSUM) != 0;
        int blockMax = blockMaxSize(h.blockSizeId());
        byte[] out = new byte[(int) size];
        int produced = 0;
        int p = off + h.length();
        int end = off + len;
        while (true) {
            if (end - p < 4) {
                throw new IOException("truncated lz4 frame: ends before its end mark, after " + produced + " of " + size + " bytes");
            }
            int field = readInt(src, p);
            p += 4;
            if (field == 0) {
                break;
            }
            int n = field & ~UNCOMPRESSED_BIT;
            if (n > blockMax) {
                throw new IOException("malformed lz4 frame: a block of " + n + " bytes exceeds the frame's maximum of " + blockMax);
            }
            if (end - p < n + (blockChecksums ? 4 : 0)) {
                throw new IOException("truncated lz4 frame: a block of " + n + " bytes runs past the payload's end");
            }
            if (blockChecksums && Lib.XXHASH.hash(src, p, n, 0) != readInt(src, p + n)) {
                throw new IOException("lz4 block checksum mismatch at payload offset " + (p - off));
            }
            int room = out.length - produced;
            if ((field & UNCOMPRESSED_BIT) != 0) {
                if (n > room) {
                    throw new IOException("malformed lz4 frame: blocks hold more than the " + size + " bytes declared");
                }
                System.arraycopy(src, p, out, produced, n);
                produced += n;
            } else {
                try {
                    produced += Lib.DECOMPRESSOR.decompress(src, p, n, out, produced, Math.min(room, blockMax));
                } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
                    throw new IOException("malformed lz4 block at payload offset " + (p - off) + " (or more than the "
                            + size + " bytes declared): " + e.getMessage(), e);
                }
            }
            p += n + (blockChecksums ? 4 : 0);
        }
        if ((h.flags() & FLG_CONTENT_CHECKSUM) != 0) {
            if (end - p < 4) {
                throw new IOException("truncated lz4 frame: the content checksum is missing");
            }
            if (Lib.XXHASH.hash(out, 0, produced, 0) != readInt(src, p)) {
                throw new IOException("lz4 content checksum mismatch");
            }
            p += 4;
        }
        if (p != end) {
            throw new IOException("lz4 payload of " + len + " bytes holds a frame of " + (p - off) + " bytes and more");
        }
        if (produced != size) {
            throw new IOException("malformed lz4 frame: decoded " + produced + " bytes, header declares " + size);
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
     * Compresses in pieces into the frame {@link #compress} writes for the same blob: the content
     * size in the header, independent blocks of 4 MiB, each stored as it is when it does not
     * shrink. Memory is two blocks, whatever the blob's length.
     *
     * @param out    where the frame goes
     * @param length the blob's exact length
     * @return a stream taking exactly {@code length} bytes; closing it ends the frame
     */
    @Override
    public OutputStream compressing(OutputStream out, long length) {
        return new Lz4Streams.FrameWriter(out, length, length < SMALL_BLOB ? compressors().small() : compressors().large());
    }

    /**
     * Decodes one frame a block at a time, with the checks {@link #decompress} makes: content size
     * stated and within {@code maxLength}, independent blocks, checksums when present, exactly the
     * declared size, nothing after the end mark. Memory is two blocks of the frame's maximum size.
     *
     * @param payload    the payload
     * @param storedSize its length
     * @param maxLength  the longest blob accepted
     * @return the blob's bytes
     * @throws IOException if the frame header is malformed or states too much
     */
    @Override
    public InputStream decompressing(InputStream payload, long storedSize, long maxLength) throws IOException {
        return Lz4Streams.FrameReader.open(payload, storedSize, maxLength);
    }

    /** @return the codec's name, id and level */
    @Override
    public String toString() {
        return "Lz4Codec[id=" + ID + ", name=" + NAME + ", level=" + level + "]";
    }

    static int blockMaxSize(int id) {
        return 1 << (8 + 2 * id);
    }

    /** The second byte of the xxHash32 of the frame descriptor, as the format defines it. */
    static byte headerChecksum(byte[] b, int off, int len) {
        return (byte) (Lib.XXHASH.hash(b, off, len, 0) >>> 8);
    }

    static int readInt(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /**
     * The frame descriptor, parsed and checked before any block is read (LZ4 frame format 1.6).
     *
     * @param length      the header's length in bytes, magic and checksum included
     * @param flags       the FLG byte
     * @param blockSizeId the block maximum size id from the BD byte (4 to 7)
     * @param contentSize the declared content size, or -1 when absent
     */
    record FrameHeader(int length, int flags, int blockSizeId, long contentSize) {
        static FrameHeader parse(byte[] src, int off, int len) throws IOException {
            if (len < 7) {
                throw new IOException("truncated lz4 frame: " + len + " bytes cannot hold a frame header");
            }
            int magic = readInt(src, off);
            if (magic != FRAME_MAGIC) {
                // skippable and legacy frames included: BlobsFile writes neither
                throw new IOException(String.format("not an lz4 frame: magic %08x, expected %08x", magic, FRAME_MAGIC));
            }
            int flg = src[off + 4] & 0xFF;
            int bd = src[off + 5] & 0xFF;
            if ((flg & FLG_VERSION_MASK) != FLG_VERSION) {
                throw new IOException("lz4 frame of version " + (flg >>> 6) + "; only version 1 exists");
            }
            if ((flg & FLG_RESERVED) != 0 || (bd & BD_RESERVED) != 0) {
                throw new IOException("malformed lz4 frame: reserved bits set in the frame descriptor");
            }
            int blockSizeId = bd >>> 4;
            if (blockSizeId < 4) {
                throw new IOException("malformed lz4 frame: block maximum size id " + blockSizeId + " is undefined");
            }
            boolean hasSize = (flg & FLG_CONTENT_SIZE) != 0;
            boolean hasDictionary = (flg & FLG_DICTIONARY_ID) != 0;
            int descriptorLength = 2 + (hasSize ? 8 : 0) + (hasDictionary ? 4 : 0);
            int headerLength = 4 + descriptorLength + 1;
            if (len < headerLength) {
                throw new IOException("truncated lz4 frame: the header needs " + headerLength + " bytes, " + len + " given");
            }
            if (headerChecksum(src, off + 4, descriptorLength) != src[off + 4 + descriptorLength]) {
                throw new IOException("lz4 frame header checksum mismatch");
            }
            if (hasDictionary) {
                throw new IOException("lz4 frame needs a dictionary; BlobsFile payloads never do");
            }
            long size = -1;
            if (hasSize) {
                size = 0;
                for (int i = 7; i >= 0; i--) {
                    size = size << 8 | (src[off + 6 + i] & 0xFF);
                }
                if (size < 0) {
                    throw new IOException("lz4 frame declares a content size beyond 2^63");
                }
            }
            return new FrameHeader(headerLength, flg, blockSizeId, size);
        }
    }
}
