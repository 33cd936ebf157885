package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.util.ArrayDeque;
import org.blobsfile.core.internal.io.Zeros;

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
        UNKNOWN_FLAG,
        /**
         * An EOF entry that cannot be one, its hash or codec id not zero: a blob entry's damaged
         * flag byte, most likely. Only a walk with a check looks.
         */
        IMPLAUSIBLE_EOF
    }

    /**
     * Says whether an entry is what its header claims, for a walk that resynchronises after a
     * break. Only consulted where the structure breaks, so an intact pack is walked without
     * hashing.
     */
    public interface Check {
        /**
         * @param entry an entry whose header parses as a blob entry
         * @return whether its payload decodes and hashes to its hash; false when that cannot be
         *         told (a codec that is not present), since only proof may resynchronise a walk
         * @throws IOException when the payload cannot be read
         */
        boolean verifies(PackScanner.Entry entry) throws IOException;

        /**
         * Tries to recover an entry whose header is damaged: its hash field is taken as found, and
         * a payload of {@code storedSize} bytes is decoded as plain and with each codec present
         * until one hashes to it.
         *
         * @param offset     where the entry starts
         * @param found      its header as found
         * @param storedSize the payload length to try
         * @return the header that makes the entry verify, or null when none does
         * @throws IOException when the payload cannot be read
         */
        EntryHeader recover(long offset, EntryHeader found, long storedSize) throws IOException;
    }

    /** Told of each step of a walk, in file order. */
    public interface Steps {
        /**
         * A blob entry that lies within the limit. The walk goes on at {@link PackScanner.Entry#end}.
         * A walk with a {@link Check} reports an entry only once what follows it parses or it
         * verifies, so an entry whose size field is damaged is never reported with that size.
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
         * A break in the structure. A walk without a {@link Check} ends there; one with a check
         * goes on at the next entry that verifies, telling of what lies between through
         * {@link #recovered} and {@link #skipped}.
         *
         * @param kind   what is wrong
         * @param offset where the entry that breaks starts
         * @param entry  that entry's header, or null when there is no whole header
         * @throws IOException when handling it fails
         */
        void broken(Break kind, long offset, PackScanner.Entry entry) throws IOException;

        /**
         * A blob entry with a damaged header whose payload was found to verify with another
         * size, flag or codec id: {@code entry} carries the header that verifies, {@code found}
         * the one on disk. By default it is taken as a blob entry.
         *
         * @param entry the entry as recovered
         * @param found the damaged header as found
         * @throws IOException when handling it fails
         */
        default void recovered(PackScanner.Entry entry, EntryHeader found) throws IOException {
            blob(entry);
        }

        /**
         * Bytes {@code [from, to)} hold no entry that verifies: the walk resynchronised at
         * {@code to}, the next entry that verifies, or the limit.
         *
         * @param from where the unreadable bytes start
         * @param to   where they end
         * @throws IOException when handling it fails
         */
        default void skipped(long from, long to) throws IOException {
        }

        /**
         * A blob entry's header parsed, before the walk knows whether what follows confirms it:
         * a scan decides there how far to read ahead.
         *
         * @param entry the entry
         */
        default void parsed(PackScanner.Entry entry) {
        }
    }

    /** How many entries one unreadable range may yield before the rest of it is given up. */
    private static final int MAX_RECOVERIES = 16;
    /** How many parsed entries a walk with a check holds back until more entries follow them. */
    private static final int LOOKAHEAD = 4;
    /**
     * A candidate entry this long is hashed only when an entry header could follow it: hashing
     * every plausible-looking header of a damaged range in full would cost time quadratic in it.
     */
    private static final long LONG_CANDIDATE = 64 * 1024;
    /** How many bytes a search reads at a time while it passes a run of zeros. */
    private static final int ZERO_SCAN = 64 * 1024;

    private PackWalker() {
    }

    /**
     * Whether an entry flagged EOF has the shape of one, its hash zero and its codec id 0, so
     * that the walk ends there. Its size field is the caller's to check: a damaged one is still
     * an EOF entry. A damaged flag byte that reads 8 on a blob entry fails this.
     *
     * @param e the entry
     * @return whether it is shaped as an EOF entry
     */
    public static boolean isEofShaped(PackScanner.Entry e) {
        return e.header().hasZeroHash() && e.codecId() == PackFormat.CODEC_NONE;
    }

    /**
     * Whether an entry flagged EOF can be one: its hash is zero, its codec id 0, and its padding
     * ends at the pack size (or, with the pack size unknown, within the limit). A damaged flag
     * byte that reads 8 fails this, and so does not end a walk.
     *
     * @param e        the entry
     * @param geometry the pack's geometry
     * @param limit    where the walk stops
     * @return whether it is a plausible EOF entry
     */
    public static boolean isPlausibleEof(PackScanner.Entry e, PackGeometry geometry, long limit) {
        return isEofShaped(e) && (geometry.isKnown() ? e.end() == geometry.dataAreaEnd() : e.end() <= limit);
    }

    /**
     * Walks the entries in {@code [from, limit)}, ending at the first break in the structure.
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
        return walk(source, from, limit, geometry, null, steps);
    }

    /**
     * Walks the entries in {@code [from, limit)}. With a check, a break does not end the walk:
     * the entry before it is confirmed by its hash, entries whose headers are damaged are
     * recovered where their payload still verifies, and the walk resynchronises at the next
     * offset whose header's payload hashes to its hash. A damaged byte in a header so costs at
     * most that entry, never the ones after it.
     *
     * @param source   where headers and, for the check, payloads are read from
     * @param from     an entry boundary, 64 for a whole pack
     * @param limit    where the walk must stop: the file's end, or the end of the data area
     * @param geometry the pack's geometry; when known, no blob entry may run past the data area
     * @param check    proves entries where the structure breaks, or null to end the walk there
     * @param steps    told of every entry, break, recovery and unreadable range, in file order
     * @return where the walk stopped: the offset of the EOF entry or break that ended it, or where
     *         the entries end (the limit when the walk resynchronised up to it)
     * @throws IOException when reading or a step fails
     */
    public static long walk(Source source, long from, long limit, PackGeometry geometry, Check check, Steps steps)
            throws IOException {
        return new Walk(source, limit, geometry, check, steps).run(from);
    }

    /** One walk: its position and the entry parsed but not yet reported. */
    private static final class Walk {
        private final Source source;
        private final long limit;
        private final PackGeometry geometry;
        private final Check check;
        private final Steps steps;
        private final byte[] h = new byte[EntryHeader.LENGTH];
        /**
         * With a check, the blob entries parsed last, oldest first, reported once enough entries
         * after them parse: a damaged size field can land on bytes that parse as a header by
         * chance, and one entry of lookahead would report the damaged entry before the break.
         */
        private final ArrayDeque<PackScanner.Entry> pending = new ArrayDeque<>();

        Walk(Source source, long limit, PackGeometry geometry, Check check, Steps steps) {
            this.source = source;
            this.limit = limit;
            this.geometry = geometry;
            this.check = check;
            this.steps = steps;
        }

        long run(long from) throws IOException {
            long pos = from;
            while (pos < limit) {
                Break kind;
                PackScanner.Entry e = null;
                if (limit - pos < EntryHeader.LENGTH) {
                    kind = Break.TRUNCATED_HEADER;
                } else {
                    e = read(pos);
                    kind = structure(e);
                    if (kind == null && e.flag() == PackFormat.FLAG_EOF && check != null && !isEofShaped(e)) {
                        kind = Break.IMPLAUSIBLE_EOF;
                    }
                    if (kind == null && e.flag() == PackFormat.FLAG_EOF) {
                        flush();
                        steps.eof(e);
                        return pos;
                    }
                    if (kind == null) {
                        steps.parsed(e);
                        if (check == null) {
                            steps.blob(e);
                        } else {
                            pending.addLast(e);
                            if (pending.size() > LOOKAHEAD) {
                                steps.blob(pending.removeFirst());
                            }
                        }
                        pos = e.end();
                        continue;
                    }
                }
                steps.broken(kind, pos, e);
                if (check == null) {
                    return pos;
                }
                pos = resynchronise(pos);
            }
            flush();
            return pos;
        }

        private PackScanner.Entry read(long pos) throws IOException {
            source.read(pos, h, 0, EntryHeader.LENGTH);
            return new PackScanner.Entry(pos, EntryHeader.decode(h, 0));
        }

        /** @return what is wrong with the structure of the entry at hand, or null for a blob or EOF entry */
        private Break structure(PackScanner.Entry e) {
            return switch (e.flag()) {
                case PackFormat.FLAG_BLOB, PackFormat.FLAG_COMPRESSED -> e.end() > limit ? Break.PAST_LIMIT
                        : geometry.isKnown() && e.end() > geometry.dataAreaEnd() ? Break.PAST_DATA_AREA : null;
                case PackFormat.FLAG_EOF -> null;
                case PackFormat.FLAG_PARITY -> Break.PARITY_BEFORE_EOF;
                default -> Break.UNKNOWN_FLAG;
            };
        }

        /** Reports the pending entries: what followed them parsed. */
        private void flush() throws IOException {
            while (!pending.isEmpty()) {
                steps.blob(pending.removeFirst());
            }
        }

        /**
         * After a break at {@code at}: finds the next entry that verifies, recovers what it can
         * of the bytes before it, and tells of the rest.
         *
         * @return where the walk goes on: the entry found, or the limit
         */
        private long resynchronise(long at) throws IOException {
            long gapStart = at;
            long searchFrom = at + 1;
            // the newest pending entry that verifies confirms the ones before it; those after it
            // are suspect: a damaged size field may be what led the walk astray, and the next
            // entry may lie inside what it claims
            while (!pending.isEmpty() && !check.verifies(pending.peekLast())) {
                PackScanner.Entry suspect = pending.removeLast();
                gapStart = suspect.offset();
                searchFrom = suspect.payloadOffset();
            }
            flush();
            long next = findNext(searchFrom);
            long gapEnd = next >= 0 ? next : limit;
            recoverGap(gapStart, gapEnd);
            return gapEnd;
        }

        /** @return the offset of the first entry at or after {@code from} that verifies (or an EOF entry that fits), or -1 */
        private long findNext(long from) throws IOException {
            for (long o = from; limit - o >= EntryHeader.LENGTH; o++) {
                source.read(o, h, 0, EntryHeader.LENGTH);
                if (Zeros.isZero(h, 0, h.length)) {
                    // a run of zeros (written ahead of the entries, or zeroed by damage): no entry
                    // starts where its flag byte would be zero, so jump to where the run ends
                    o = Math.max(o, zeroRunEnd(o + EntryHeader.LENGTH) - EntryHeader.FLAG - 1);
                    continue;
                }
                int flag = h[EntryHeader.FLAG] & 0xff;
                int codec = h[EntryHeader.CODEC] & 0xff;
                boolean blob = flag == PackFormat.FLAG_BLOB && codec == PackFormat.CODEC_NONE
                        || flag == PackFormat.FLAG_COMPRESSED && codec != PackFormat.CODEC_NONE;
                if (!blob && !(flag == PackFormat.FLAG_EOF && codec == PackFormat.CODEC_NONE)) {
                    continue; // most offsets end here: two bytes rule them out
                }
                PackScanner.Entry e = new PackScanner.Entry(o, EntryHeader.decode(h, 0));
                if (structure(e) != null) {
                    continue;
                }
                if (blob && e.storedSize() >= LONG_CANDIDATE && !followable(e.end())) {
                    continue;
                }
                if (blob ? check.verifies(e) : isPlausibleEof(e, geometry, limit)) {
                    return o;
                }
            }
            return -1;
        }

        /** @return where the zeros from {@code from} end: the first byte that is not zero, or the limit */
        private long zeroRunEnd(long from) throws IOException {
            byte[] block = new byte[ZERO_SCAN];
            long pos = from;
            while (pos < limit) {
                int n = (int) Math.min(block.length, limit - pos);
                source.read(pos, block, 0, n);
                int at = Zeros.firstNonZero(block, 0, n);
                if (at >= 0) {
                    return pos + at;
                }
                pos += n;
            }
            return limit;
        }

        /**
         * Reports an entry held back in an unreadable range: as a blob when what follows it
         * confirms its size and its flag is a blob's, else as unreadable bytes.
         */
        private void release(PackScanner.Entry held, boolean confirmed) throws IOException {
            if (held == null) {
                return;
            }
            boolean blob = held.flag() == PackFormat.FLAG_BLOB || held.flag() == PackFormat.FLAG_COMPRESSED;
            if (confirmed && blob) {
                steps.blob(held);
            } else {
                steps.skipped(held.offset(), held.end());
            }
        }

        /** @return whether an entry may start at {@code pos}: the limit, or a header whose flag and codec bytes fit */
        private boolean followable(long pos) throws IOException {
            if (pos == limit) {
                return true;
            }
            if (limit - pos < EntryHeader.LENGTH) {
                return false;
            }
            byte[] next = new byte[EntryHeader.LENGTH];
            source.read(pos, next, 0, EntryHeader.LENGTH);
            int flag = next[EntryHeader.FLAG] & 0xff;
            return flag == PackFormat.FLAG_BLOB || flag == PackFormat.FLAG_COMPRESSED || flag == PackFormat.FLAG_EOF;
        }


        /**
         * Recovers the entries of {@code [from, to)} whose payload verifies under another header:
         * first the whole range as one entry (a damaged size field), then the entry the header's
         * own size field describes (a damaged flag or codec byte), from which it goes on.
         */
        private void recoverGap(long from, long to) throws IOException {
            long pos = from;
            // an entry whose payload is damaged but whose size field led to an entry that verifies:
            // its structure is whole, so it is reported as found, for parity to heal its payload
            PackScanner.Entry held = null;
            for (int tries = 0; to - pos >= EntryHeader.LENGTH && tries < MAX_RECOVERIES; tries++) {
                source.read(pos, h, 0, EntryHeader.LENGTH);
                if (Zeros.isZero(h, 0, h.length)) {
                    break; // zeros hold no entry, and no size field to follow
                }
                EntryHeader found = EntryHeader.decode(h, 0);
                long whole = to - pos - EntryHeader.LENGTH;
                EntryHeader fixed = check.recover(pos, found, whole);
                if (fixed == null && found.size() < whole) {
                    fixed = check.recover(pos, found, found.size());
                    if (fixed == null) {
                        // the entry itself is damaged, but its size field may still say where the next one starts
                        release(held, false);
                        held = new PackScanner.Entry(pos, found);
                        pos = held.end();
                        continue;
                    }
                }
                if (fixed == null) {
                    break;
                }
                release(held, true);
                held = null;
                PackScanner.Entry e = new PackScanner.Entry(pos, fixed);
                steps.recovered(e, found);
                pos = e.end();
            }
            release(held, held != null && held.end() == to);
            if (pos < to) {
                steps.skipped(pos, to);
            }
        }
    }
}
