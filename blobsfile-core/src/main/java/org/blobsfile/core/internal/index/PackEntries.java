package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.core.internal.hash.Blake2b;
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
    }

    private final CodecRegistry codecs;
    private final PackGeometry geometry;

    PackEntries(CodecRegistry codecs, PackGeometry geometry) {
        this.codecs = codecs;
        this.geometry = geometry;
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
     * @return what the walk found, or null when the pack is not a regular file, which is never opened
     * @throws IOException when the pack cannot be read, or the sink throws
     */
    PackScanner.Result walk(Path path, int pack, long length, boolean check, Sink sink) throws IOException {
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
                }
            });
        }
    }

    /** What {@link #checkedLength} returns for a payload that is not its blob. */
    static final long BAD = -2;

    /**
     * @param hash    the hash the blob must have
     * @param flag    the entry's flag
     * @param codecId its codec id
     * @param payload its whole payload
     * @return the blob length when the payload decodes to a blob of that hash; -1 when the codec
     *         is missing; {@link #BAD} when it does not decode or hashes otherwise
     */
    static long checkedLength(CodecRegistry codecs, PackGeometry geometry, byte[] hash, int flag, int codecId,
                              byte[] payload) {
        try {
            byte[] blob = Payloads.decode(codecs, flag, codecId, payload,
                    (int) Math.min(Integer.MAX_VALUE - 8, geometry.isKnown() ? geometry.maxPackSize() : Integer.MAX_VALUE - 8));
            return Arrays.equals(Blake2b.hash(blob, 0, blob.length), hash) ? blob.length : BAD;
        } catch (UnsupportedCodecException missing) {
            return -1;
        } catch (IOException | RuntimeException undecodable) {
            return BAD;
        }
    }
}
