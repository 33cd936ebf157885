package org.blobsfile.core.internal.store;

import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;

/**
 * A blob ready to append: its hash, and the payload, flag and codec id its entry gets.
 *
 * @param size the blob's length before compression
 */
record Prepared(byte[] hash, byte[] payload, int flag, int codecId, long size) {
    /**
     * Compresses a blob with {@code codec} (null: none), keeping it plain when that does not
     * make it smaller: a codec that does not shrink a blob only costs its reads.
     */
    static Prepared of(byte[] hash, byte[] data, Codec codec) {
        if (codec != null && data.length > 0) {
            byte[] c = codec.compress(data, 0, data.length);
            if (c.length < data.length) {
                return new Prepared(hash, c, PackFormat.FLAG_COMPRESSED, codec.id(), data.length);
            }
        }
        return new Prepared(hash, data, PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, data.length);
    }

    /** @return the bytes its entry takes in a pack */
    long entryBytes() {
        return EntryHeader.LENGTH + payload.length;
    }
}
