package org.blobsfile.core.internal.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.internal.pack.EntryHeader;

/**
 * Where a blob's entry is, as the index stores it: a fixed 25-byte little-endian value
 * {@code pack u32 · offset u64 · storedSize u32 · size i64 (-1 unknown) · codecId u8}.
 *
 * @param pack       pack number
 * @param offset     offset of the entry header
 * @param storedSize payload length
 * @param size       blob length, or -1 when the codec that wrote it is missing
 * @param codecId    the entry's codec id (0 = plain)
 */
public record Location(int pack, long offset, long storedSize, long size, int codecId) {
    static final int ENCODED_SIZE = 25;

    /** @return the 25-byte index value of this location */
    public byte[] encode() {
        return encode(pack, offset, storedSize, size, codecId);
    }

    /** The encoding of a location without making one: a rebuild encodes one per entry. */
    static byte[] encode(int pack, long offset, long storedSize, long size, int codecId) {
        byte[] v = new byte[ENCODED_SIZE];
        ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(pack).putLong(offset).putInt((int) storedSize).putLong(size).put((byte) codecId);
        return v;
    }

    /**
     * @param v a value read from the index
     * @return the location it encodes
     * @throws IllegalArgumentException when {@code v} is not 25 bytes long: the index holds values
     *                                  of another layout, or is damaged
     */
    public static Location decode(byte[] v) {
        if (v.length != ENCODED_SIZE) {
            throw new IllegalArgumentException("index value of " + v.length + " bytes, expected " + ENCODED_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        return new Location(b.getInt(), b.getLong(), Integer.toUnsignedLong(b.getInt()), b.getLong(), b.get() & 0xFF);
    }

    /** @return where the payload starts, just after the entry header: what a read of the blob fetches */
    public long payloadOffset() {
        return offset + EntryHeader.LENGTH;
    }

    BlobInfo toInfo(BlobRef ref) {
        return new BlobInfo(ref, size, pack, offset, storedSize, codecId);
    }
}
