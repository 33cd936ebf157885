package org.blobsfile.core.internal.pack;

import java.io.IOException;

/**
 * The entry grammar of a pack, parsed in one place: from an entry boundary, entries follow back to
 * back, blob entries (flags 1 and 2) until an EOF entry or the limit. Scanning, recovery and
 * verification all walk packs through it; what each makes of a break in the structure is its own
 * business (a scan stops there, a check reports it in its own words). The bytes come from a
 * {@link Source}, so a scan can read through its window while a check streams every byte once.
 * Stateless.
 */
public final class PackWalker {
    /** Where the walk reads entry headers from. */
    public interface Source {
        /**
         * Reads exactly {@code len} bytes of the pack at {@code pos} into {@code dst}.
         *
         * @param pos where in the pack
         * @param dst the destination
         * @param off where in {@code dst}
         * @param len how many bytes
         * @throws IOException when the bytes cannot be read
         */
        void read(long pos, byte[] dst, int off, int len) throws IOException;
    }

    /** How the structure of a pack breaks before its EOF entry. */
    public enum Break {
        /** Fewer bytes than an entry header are left before the limit. */
        TRUNCATED_HEADER,
        /** A blob entry's payload runs past the limit. */
        PAST_LIMIT,
        /** A blob entry's payload runs past the data area (the pack size). */
        PAST_DATA_AREA,
        /** A parity entry stands where blob entries or the EOF entry belong. */
        PARITY_BEFORE_EOF,
        /** An entry's flag is none of the format's. */
        UNKNOWN_FLAG
    }

    /** Told of each step of a walk, in file order. */
    public interface Steps {
        /**
         * A blob entry that lies within the limit. The walk goes on at {@link PackScanner.Entry#end}.
         *
         * @param entry the entry
         * @throws IOException when reading or handling it fails
         */
        void blob(PackScanner.Entry entry) throws IOException;

        /**
         * The EOF entry; the walk ends after it, leaving the padding and what follows to the caller.
         *
         * @param entry the EOF entry, its size field as found
         * @throws IOException when handling it fails
         */
        void eof(PackScanner.Entry entry) throws IOException;

        /**
         * A break in the structure; the walk ends there.
         *
         * @param kind   what is wrong
         * @param offset where the entry that breaks starts
         * @param entry  that entry's header, or null when there is no whole header
         * @throws IOException when handling it fails
         */
        void broken(Break kind, long offset, PackScanner.Entry entry) throws IOException;
    }

    private PackWalker() {
    }

    /**
     * Walks the entries in {@code [from, limit)}.
     *
     * @param source   where the headers are read from
     * @param from     an entry boundary, 64 for a whole pack
     * @param limit    where the walk must stop: the file's end, or the end of the data area
     * @param geometry the pack's geometry; when known, no blob entry may run past the data area
     * @param steps    told of every entry and of the break or EOF entry that ends the walk
     * @return where the walk stopped: the offset of the entry that ended it, or where the entries end
     * @throws IOException when reading or a step fails
     */
    public static long walk(Source source, long from, long limit, PackGeometry geometry, Steps steps)
            throws IOException {
        long pos = from;
        byte[] h = new byte[EntryHeader.LENGTH];
        while (pos < limit) {
            if (limit - pos < EntryHeader.LENGTH) {
                steps.broken(Break.TRUNCATED_HEADER, pos, null);
                return pos;
            }
            source.read(pos, h, 0, EntryHeader.LENGTH);
            PackScanner.Entry e = new PackScanner.Entry(pos, EntryHeader.decode(h, 0));
            switch (e.flag()) {
                case PackFormat.FLAG_BLOB, PackFormat.FLAG_COMPRESSED -> {
                    if (e.end() > limit) {
                        steps.broken(Break.PAST_LIMIT, pos, e);
                        return pos;
                    }
                    if (geometry.isKnown() && e.end() > geometry.dataAreaEnd()) {
                        steps.broken(Break.PAST_DATA_AREA, pos, e);
                        return pos;
                    }
                    steps.blob(e);
                    pos = e.end();
                }
                case PackFormat.FLAG_EOF -> {
                    steps.eof(e);
                    return pos;
                }
                case PackFormat.FLAG_PARITY -> {
                    steps.broken(Break.PARITY_BEFORE_EOF, pos, e);
                    return pos;
                }
                default -> {
                    steps.broken(Break.UNKNOWN_FLAG, pos, e);
                    return pos;
                }
            }
        }
        return pos;
    }
}
