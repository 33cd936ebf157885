package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.Arrays;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;

/**
 * Looks at the one place the index puts a blob and says whether the pack holds it there. It is
 * how a walk of the index checks the keys a walk of the packs did not account for, one read per
 * key, so no set of keys is ever held in memory.
 */
final class LocationProbe {
    /** What the pack holds where the index puts a blob. */
    enum Verdict {
        /** The payload there decodes to the blob (or its codec is missing and the header agrees). */
        VERIFIED,
        /**
         * The entry header there is the blob's, with the index's size and codec, but its payload
         * fails: pack damage, which verify reports and repair may fix; the index is right.
         */
        DAMAGED,
        /** Nothing of the blob is there, or there is no such pack: the index is stale. */
        ABSENT,
        /** The pack is not a regular file, so it is never looked at: pack damage, not the index's. */
        UNREADABLE
    }

    private final PackReaders readers;
    private final CodecRegistry codecs;
    private final PackGeometry geometry;

    LocationProbe(PackReaders readers, CodecRegistry codecs, PackGeometry geometry) {
        this.readers = readers;
        this.codecs = codecs;
        this.geometry = geometry;
    }

    /**
     * @param key a blob's hash
     * @param loc where the index puts it
     * @return what the pack holds there
     * @throws IOException when the pack cannot be read for another reason than its end
     */
    Verdict probe(byte[] key, Location loc) throws IOException {
        long fileSize;
        try {
            java.nio.file.Path path = readers.path(loc.pack());
            if (!java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return Verdict.ABSENT; // past the last pack, or gone: the index points at nothing
            }
            if (PackFormat.notRegular(path) != null) {
                return Verdict.UNREADABLE;
            }
            fileSize = readers.channel(loc.pack()).size();
        } catch (CorruptPackException | java.nio.file.NoSuchFileException e) {
            return Verdict.UNREADABLE;
        }
        long limit = geometry.isKnown() ? Math.min(fileSize, geometry.maxPackSize()) : fileSize;
        if (loc.offset() < PackFormat.HEADER_SIZE || loc.offset() + EntryHeader.LENGTH > limit) {
            return Verdict.ABSENT;
        }
        byte[] h = new byte[EntryHeader.LENGTH];
        readers.readFully(loc.pack(), loc.offset(), h, 0, h.length);
        EntryHeader header = EntryHeader.decode(h, 0);
        boolean headerAgrees = Arrays.equals(header.hash(), key) && header.size() == loc.storedSize()
                && header.codecId() == loc.codecId()
                && (header.flag() == PackFormat.FLAG_BLOB || header.flag() == PackFormat.FLAG_COMPRESSED);
        if (loc.payloadOffset() + loc.storedSize() > limit) {
            return headerAgrees ? Verdict.DAMAGED : Verdict.ABSENT;
        }
        byte[] payload = new byte[Math.toIntExact(loc.storedSize())];
        readers.readFully(loc.pack(), loc.payloadOffset(), payload, 0, payload.length);
        int flag = loc.codecId() == PackFormat.CODEC_NONE ? PackFormat.FLAG_BLOB : PackFormat.FLAG_COMPRESSED;
        long size = EntryCheck.checkedLength(codecs, geometry.isKnown() ? geometry.maxPackSize() : Integer.MAX_VALUE - 8,
                key, flag, loc.codecId(), payload);
        if (size >= 0 || size == -1 && headerAgrees) {
            return Verdict.VERIFIED;
        }
        return headerAgrees ? Verdict.DAMAGED : Verdict.ABSENT;
    }
}
