package org.blobsfile.core.internal.store;

import java.io.IOException;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.blobsfile.core.internal.plugin.Payloads;

/**
 * A blob ready to append: its hash, and the payload, flag and codec id its entry gets.
 *
 * @param size the blob's length before compression
 */
record Prepared(byte[] hash, byte[] payload, int flag, int codecId, long size) {
    /**
     * An entry read from a pack to be appended again (salvage, compaction), as it verified.
     *
     * @param v      the entry, checked against its hash (its header as recovered, if it was)
     * @param offset where it is in its pack
     * @param s      the scanner that found it, to read its payload
     * @param where  where the index has the blob, or null: its length when the entry's payload does not state one
     */
    static Prepared copyOf(EntryCheck.Verified v, long offset, PackScanner s, Location where) throws IOException {
        EntryHeader h = v.header();
        long size = v.length() >= 0 || where == null ? v.length() : where.size();
        byte[] payload = s.payload(new PackScanner.Entry(offset, h));
        return new Prepared(h.hash(), payload, h.flag(), Payloads.storedCodec(h.flag(), h.codecId()), size);
    }

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
