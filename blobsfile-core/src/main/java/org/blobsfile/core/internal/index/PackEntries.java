package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.blobsfile.core.internal.plugin.Payloads;

/**
 * The blob entries one pack holds, as the index should record them: walked through
 * {@link PackScanner}, and, unless the caller already knows every entry of the pack verifies,
 * each payload decoded and hashed so that only the entries whose bytes are their blob count.
 * Memory is one read window and one payload at a time.
 */
final class PackEntries {
    /** Receives the entries of a walk in file order. */
    interface Sink {
        /**
         * @param key      the entry's hash
         * @param location where it is, as the index should hold it
         * @throws IOException what the sink's own reads or writes threw; it ends the walk
         */
        void entry(byte[] key, Location location) throws IOException;

        /**
         * Told of an entry whose payload is not its blob's, in a walk that checks them.
         *
         * @param offset the entry's offset
         */
        default void unverified(long offset) {
        }
    }

    private final CodecRegistry codecs;
    private final PackGeometry geometry;
    private final EvictedPacks evicted;

    PackEntries(CodecRegistry codecs, PackGeometry geometry, EvictedPacks evicted) {
        this.codecs = codecs;
        this.geometry = geometry;
        this.evicted = evicted;
    }

    /**
     * Walks the first {@code length} bytes of a pack.
     *
     * @param path   the pack file
     * @param pack   its number
     * @param length how far to walk: the file's size, or the active pack's appended end
     * @param check  whether to decode and hash every payload; false when a check of the same
     *               bytes found no damage, so every entry the walk finds verifies
     * @param sink   told of every entry that verifies (or that cannot be checked because its
     *               codec is missing: it is whole, and its blob length is then -1); without
     *               {@code check} the blob lengths are not learnt, and are -1
     * @return what the walk found, or null when the pack is not a regular file, which is never
     *         opened; an evicted pack's entries come from its manifest
     * @throws IOException when the pack cannot be read, or the sink throws
     */
    PackScanner.Result walk(Path path, int pack, long length, boolean check, Sink sink) throws IOException {
        if (evicted.isEvicted(pack)) {
            // the archive holds the pack, checked when it was archived and evicted: its manifest lists it
            evicted.entries(pack, sink::entry);
            return new PackScanner.Result(length, null, java.util.List.of(), null);
        }
        if (PackFormat.notRegular(path) != null) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long end = Math.min(length, ch.size());
            PackScanner scanner = new PackScanner(path, ch, end, geometry);
            EntryCheck entries = new EntryCheck(codecs, scanner.source(),
                    geometry.isKnown() ? geometry.maxPackSize() : Integer.MAX_VALUE - 8);
            return scanner.scan(PackFormat.HEADER_SIZE, entries, (e, s) -> {
                if (!check) {
                    sink.entry(e.hash(), new Location(pack, e.offset(), e.storedSize(), -1, e.codecId()));
                    return;
                }
                EntryCheck.Verified v = entries.verified(e);
                if (v != null) {
                    EntryHeader h = v.header();
                    sink.entry(h.hash(), new Location(pack, e.offset(), h.size(), v.length(),
                            Payloads.storedCodec(h.flag(), h.codecId())));
                } else {
                    sink.unverified(e.offset());
                }
            });
        }
    }
}
