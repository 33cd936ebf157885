package org.blobsfile.index.h2;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * Byte arrays ordered as unsigned bytes, lexicographically, as {@link org.blobsfile.api.spi.BlobIndex}
 * requires of its keys; H2's own byte-array type cannot be a key because it does not order at all.
 * Stored as a varint length and the bytes. Stateless and thread-safe.
 */
final class UnsignedBytesType extends BasicDataType<byte[]> {
    static final UnsignedBytesType INSTANCE = new UnsignedBytesType();

    /** An array's header and reference, as H2 estimates memory for its own byte-array type. */
    private static final int OVERHEAD = 24;

    private UnsignedBytesType() {
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Override
    public int getMemory(byte[] data) {
        return OVERHEAD + data.length;
    }

    @Override
    public void write(WriteBuffer buff, byte[] data) {
        buff.putVarInt(data.length).put(data);
    }

    @Override
    public byte[] read(ByteBuffer buff) {
        int n = DataUtils.readVarInt(buff);
        if (n < 0 || n > buff.remaining()) {
            throw new IllegalStateException("key of " + n + " bytes in a page with " + buff.remaining() + " left");
        }
        byte[] data = new byte[n];
        buff.get(data);
        return data;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }
}
