package org.blobsfile.core.internal.pack;

import java.util.Arrays;

/**
 * The 38-byte header in front of every entry of a pack, the one place that knows its layout:
 * every writer encodes it here and every reader decodes it here. Immutable once built; the hash
 * array is the caller's and is not copied.
 *
 * @param hash    the 32-byte hash field: the blob's BLAKE2b-256, a parity shard's, or zeros for EOF
 * @param flag    the entry flag, one of {@link PackFormat#FLAG_BLOB}, {@link PackFormat#FLAG_COMPRESSED},
 *                {@link PackFormat#FLAG_PARITY}, {@link PackFormat#FLAG_EOF} (anything else is damage)
 * @param codecId the codec id of the payload, 0 for none
 * @param size    the u32 size field: the payload length, or the padding length of an EOF entry
 */
public record EntryHeader(byte[] hash, int flag, int codecId, long size) {
    /** Offset of the hash field. */
    public static final int HASH = 0;
    /** Length of the hash field. */
    public static final int HASH_LENGTH = 32;
    /** Offset of the flag byte. */
    public static final int FLAG = 32;
    /** Offset of the codec id byte. */
    public static final int CODEC = 33;
    /** Offset of the u32 size field. */
    public static final int SIZE = 34;
    /** Length of an entry header. */
    public static final int LENGTH = 38;

    private static final byte[] ZERO_HASH = new byte[HASH_LENGTH];

    /**
     * The EOF entry's header that closes a data area.
     *
     * @param padding the zero bytes that follow it, up to the pack size
     * @return the header
     */
    public static EntryHeader eof(long padding) {
        return new EntryHeader(ZERO_HASH, PackFormat.FLAG_EOF, PackFormat.CODEC_NONE, padding);
    }

    /**
     * @param geometry the pack's geometry
     * @param end      where a pack's entries end; {@link PackGeometry#closes} holds for it
     * @return the EOF entry that closes the pack there, its padding reaching the pack size
     */
    public static EntryHeader eofAt(PackGeometry geometry, long end) {
        return eof(geometry.dataAreaEnd() - end - LENGTH);
    }

    /**
     * The header of a parity entry.
     *
     * @param hash      the BLAKE2b-256 of the shard
     * @param shardSize the shard's length
     * @return the header
     */
    public static EntryHeader parity(byte[] hash, long shardSize) {
        return new EntryHeader(hash, PackFormat.FLAG_PARITY, PackFormat.CODEC_NONE, shardSize);
    }

    /**
     * Reads a header from {@code src} at {@code off}, whatever its fields hold: judging them is
     * the caller's business, so that a damaged header can still be reported field by field.
     *
     * @param src bytes holding at least {@link #LENGTH} bytes from {@code off}
     * @param off where the header starts
     * @return the header, with a copy of the hash
     */
    public static EntryHeader decode(byte[] src, int off) {
        byte[] hash = Arrays.copyOfRange(src, off + HASH, off + HASH + HASH_LENGTH);
        long size = (src[off + SIZE] & 0xFFL) | (src[off + SIZE + 1] & 0xFFL) << 8
                | (src[off + SIZE + 2] & 0xFFL) << 16 | (src[off + SIZE + 3] & 0xFFL) << 24;
        return new EntryHeader(hash, src[off + FLAG] & 0xFF, src[off + CODEC] & 0xFF, size);
    }

    /**
     * Writes the header into {@code dst} at {@code off}. The size is written as its low 32 bits,
     * as the format's u32 field holds it.
     *
     * @param dst at least {@link #LENGTH} bytes from {@code off}
     * @param off where the header goes
     */
    public void encode(byte[] dst, int off) {
        System.arraycopy(hash, 0, dst, off + HASH, HASH_LENGTH);
        dst[off + FLAG] = (byte) flag;
        dst[off + CODEC] = (byte) codecId;
        dst[off + SIZE] = (byte) size;
        dst[off + SIZE + 1] = (byte) (size >>> 8);
        dst[off + SIZE + 2] = (byte) (size >>> 16);
        dst[off + SIZE + 3] = (byte) (size >>> 24);
    }

    /** @return the header as a fresh {@link #LENGTH}-byte array */
    public byte[] encode() {
        byte[] out = new byte[LENGTH];
        encode(out, 0);
        return out;
    }

    /** @return whether it is a parity entry */
    public boolean isParity() {
        return flag == PackFormat.FLAG_PARITY;
    }

    /** @return whether the hash field is all zeros, as an EOF entry's must be */
    public boolean hasZeroHash() {
        return Arrays.equals(hash, ZERO_HASH);
    }
}
