package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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
 * key, so no set of keys is ever held in memory. A pack evicted to the archive is looked at in
 * its manifest, which lists what its archived copy holds; its copy is checked by verify. Not
 * thread-safe.
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
    private final EvictedPacks evicted;
    /** Whether only an entry header that names the blob makes it found: see {@link #byHeaderOnly()}. */
    private final boolean byHeaderOnly;
    /** The entries of the evicted pack probed last, by offset: read again only when another is probed. */
    private Map<Long, Listed> listed = Map.of();
    private int listedPack = -1;

    /** An entry of an evicted pack's manifest. */
    private record Listed(byte[] key, Location loc) {
    }

    LocationProbe(PackReaders readers, CodecRegistry codecs, PackGeometry geometry) {
        this(readers, codecs, geometry, EvictedPacks.NONE);
    }

    LocationProbe(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, EvictedPacks evicted) {
        this(readers, codecs, geometry, evicted, false);
    }

    private LocationProbe(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, EvictedPacks evicted,
                          boolean byHeaderOnly) {
        this.readers = readers;
        this.codecs = codecs;
        this.geometry = geometry;
        this.evicted = evicted;
        this.byHeaderOnly = byHeaderOnly;
    }

    /**
     * @return a probe that finds a blob only where an entry header says it is: for places an
     *         index older than the deletion log names. A payload that verifies under a damaged
     *         header does not count there, since the empty blob's verifies at any offset, and such
     *         an index may name it where it was deleted long ago
     */
    LocationProbe byHeaderOnly() {
        return new LocationProbe(readers, codecs, geometry, evicted, true);
    }

    /**
     * @param key a blob's hash
     * @param loc where the index puts it
     * @return what the pack holds there
     * @throws IOException when the pack cannot be read for another reason than its end
     */
    Verdict probe(byte[] key, Location loc) throws IOException {
        if (evicted.isEvicted(loc.pack())) {
            return inManifest(key, loc);
        }
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
        if (byHeaderOnly && !headerAgrees) {
            return Verdict.ABSENT;
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

    /**
     * @return VERIFIED when the evicted pack's manifest lists the blob where the index puts it, with
     *         its size and codec; else ABSENT (there is no local file to look in)
     */
    private Verdict inManifest(byte[] key, Location loc) throws IOException {
        if (listedPack != loc.pack()) {
            Map<Long, Listed> entries = new HashMap<>();
            evicted.entries(loc.pack(), (k, l) -> entries.put(l.offset(), new Listed(k, l)));
            listed = entries;
            listedPack = loc.pack();
        }
        Listed e = listed.get(loc.offset());
        return e != null && Arrays.equals(e.key(), key) && e.loc().storedSize() == loc.storedSize()
                && e.loc().codecId() == loc.codecId() ? Verdict.VERIFIED : Verdict.ABSENT;
    }
}
