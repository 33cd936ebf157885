package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.blobsfile.core.internal.plugin.Payloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the index up to date with the end of the packs: scans from a checkpoint, checks the hash
 * of every entry found, indexes the good ones, and cuts a torn tail off the active pack. The
 * index never leads the packs, so whatever lies after the checkpoint was never indexed; and
 * since a put is acknowledged only after its bytes are written, a broken entry at the very end of
 * the active pack is one that no caller was told is stored.
 *
 * <p>The scan resynchronises after damage, so a damaged header costs at most its own entry: the
 * entries after it are indexed, and the pack is cut only where nothing up to its end verifies.
 * The bytes cut are saved to {@link LostAndFound} first, so even a wrong guess loses nothing;
 * only zeros after the checkpoint, which the writer writes ahead of its entries, are cut unsaved.
 */
final class TailRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(TailRecovery.class);
    private static final int BATCH = 4096;

    /**
     * What recovery found.
     *
     * @param entries        entries indexed
     * @param added          their totals
     * @param activeEnd      where the active pack's entries end, or -1 when the last pack is closed or none exists
     * @param checkpoint     the checkpoint to record
     * @param truncatedBytes bytes cut off a torn tail
     * @param recount        whether the index held keys after its checkpoint, written by a recovery cut
     *                       short over places its totals may count: the totals must be counted again
     */
    record Tail(long entries, IndexMeta.Counters added, long activeEnd, IndexMeta.Checkpoint checkpoint,
                long truncatedBytes, boolean recount) {
    }

    private final PackReaders readers;
    private final CodecRegistry codecs;
    private final PackGeometry geometry;
    private final LostAndFound lostAndFound;
    /** False for a store opened read-only: a torn tail is then left as it is, and only indexing stops there. */
    private final boolean mayWrite;

    TailRecovery(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, boolean mayWrite) {
        this.readers = readers;
        this.lostAndFound = new LostAndFound(readers.dir());
        this.codecs = codecs;
        this.geometry = geometry;
        this.mayWrite = mayWrite;
    }

    /**
     * Scans packs {@code fromPack..packs-1}, the first from {@code fromOffset}.
     */
    Tail recover(StoreIndex index, int packs, int fromPack, long fromOffset) throws IOException {
        long entries = 0;
        long truncated = 0;
        long activeEnd = -1;
        IndexMeta.Counters added = IndexMeta.Counters.ZERO;
        // a blob found again after the checkpoint (put again after its deletion, or copied by a
        // compaction whose index write was lost) moves to its later place: counted once
        Map<BlobRef, Location> placed = new HashMap<>();
        // whether the index holds keys after its checkpoint: a recovery cut short wrote them, over
        // places the totals may count, so the totals are counted again
        boolean[] afterCheckpoint = {false};
        for (int n = fromPack; n < packs; n++) {
            boolean last = n == packs - 1;
            Path path = readers.path(n);
            String notRegular = PackFormat.notRegular(path);
            if (notRegular != null) {
                // never opened, followed or cut; a last pack like this is closed and puts start the next
                LOG.error("{} is {}: it is passed over, and verify reports it", path, notRegular);
                continue;
            }
            try (FileChannel ch = FileChannel.open(path, last && mayWrite
                    ? new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS}
                    : new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS})) {
                long size = ch.size();
                PackScanner scanner = new PackScanner(path, ch, size, geometry);
                EntryCheck check = new EntryCheck(codecs, scanner.source(), geometry.maxPackSize());
                Checked checked = new Checked(n, check);
                long start = n == fromPack ? fromOffset : PackFormat.HEADER_SIZE;
                PackScanner.Result r = scanner.scan(start, check, checked::visit);
                long end = r.endOfEntries();
                for (PackScanner.Unreadable u : r.unreadable()) {
                    if (u.from() != r.unreadableTail()) {
                        LOG.error("{}: no entry verifies in [{}, {}); the entries after it are indexed", path, u.from(), u.to());
                    }
                }
                if (r.recovered() > 0) {
                    LOG.warn("{}: {} entries with a damaged header were recovered by their hash; repair or verify"
                            + " reports the damage", path, r.recovered());
                }
                String header = last ? scanner.headerProblem() : null;
                if (header != null) {
                    // not certainly a pack: nothing is appended to it nor cut off it, and puts start the next
                    LOG.error("{}: damaged pack header ({}): the pack is closed and new blobs go to the next one",
                            path, header);
                } else if (last && !r.hasEof()) {
                    // nothing verifies from the end of the last good entry on: a write cut short,
                    // whether the file ends inside it or zeros written ahead of it follow
                    long goodEnd = checked.goodEnd(start);
                    long tornAt = goodEnd < size ? goodEnd : -1;
                    checked.dropFrom(goodEnd);
                    if (tornAt >= start && PositionalIo.isZero(ch, tornAt, size)) {
                        // zeros the writer wrote ahead of its entries, after everything indexed: no data
                        if (mayWrite) {
                            ch.truncate(tornAt);
                            ch.force(true);
                        }
                        end = tornAt;
                    } else if (tornAt >= 0 && !mayWrite) {
                        LOG.warn("{}: a torn entry at offset {} ({} bytes) is left as it is (read-only); the entries"
                                + " before it are served", path, tornAt, size - tornAt);
                        end = tornAt;
                    } else if (tornAt >= 0) {
                        Path saved = lostAndFound.save(path, ch, tornAt, size, "a torn write at the end of the"
                                + " active pack: no entry from this offset on verifies");
                        LOG.warn("{}: cut a torn tail at offset {} ({} bytes, saved to {}); no put of it had returned",
                                path, tornAt, size - tornAt, saved);
                        ch.truncate(tornAt);
                        ch.force(true);
                        truncated += size - tornAt;
                        end = tornAt;
                    }
                    // a pack with room for its EOF entry stays the one puts go to, even with no room for
                    // another entry: the next put closes it with that entry and seals it (left closed, it
                    // would stay short of the pack size without parity for good). Read-only, it is served
                    // and verified up to its entries' end, as the active pack the writer beside may still have
                    activeEnd = geometry.closes(end) || !mayWrite ? end : -1;
                } else if (last && mayWrite && r.damage() != null && r.eof() != null && r.damage().offset() == size
                        && r.eof().end() > size) {
                    LOG.warn("{}: completing the zero padding a crash interrupted", path);
                    PositionalIo.writeZeros(ch, size, r.eof().end());
                    ch.force(true);
                } else if (r.damage() != null) {
                    LOG.error("{}: damaged at offset {}: {}", path, r.damage().offset(), r.damage().reason());
                }
                checked.reportCorrupt(path);
                IndexBatch batch = new IndexBatch();
                for (int i = 0; i < checked.count; i++) {
                    Location loc = checked.locations[i];
                    if (loc == null) {
                        continue;
                    }
                    batch.put(checked.keys[i], loc.encode());
                    Location was = counted(index, placed, checked.keys[i], fromPack, fromOffset, afterCheckpoint);
                    if (was != null) {
                        added = added.minus(was);
                    }
                    added = added.plus(loc);
                    placed.put(BlobRef.of(checked.keys[i]), loc);
                    entries++;
                    if (batch.puts().size() == BATCH) {
                        index.write(batch);
                        batch = new IndexBatch();
                    }
                }
                if (!batch.isEmpty()) {
                    index.write(batch);
                }
            }
        }
        if (entries > 0) {
            LOG.info("recovery indexed {} entries found after the index checkpoint", entries);
        }
        IndexMeta.Checkpoint cp = activeEnd >= 0 ? new IndexMeta.Checkpoint(packs - 1, activeEnd)
                : new IndexMeta.Checkpoint(packs, PackFormat.HEADER_SIZE);
        return new Tail(entries, added, activeEnd, cp, truncated, afterCheckpoint[0]);
    }

    /**
     * @return the place of blob {@code key} that the totals count: where this recovery put it
     *         last, else where the index has it if that lies before the checkpoint, else none (a
     *         key after the checkpoint, which a recovery cut short wrote, sets {@code afterCheckpoint})
     */
    private static Location counted(StoreIndex index, Map<BlobRef, Location> placed, byte[] key, int fromPack,
                                    long fromOffset, boolean[] afterCheckpoint) {
        Location here = placed.get(BlobRef.of(key));
        if (here != null) {
            return here;
        }
        Location was = index.get(key);
        boolean beforeCheckpoint = was != null && PackFormat.isBefore(was.pack(), was.offset(), fromPack, fromOffset);
        afterCheckpoint[0] |= was != null && !beforeCheckpoint;
        return beforeCheckpoint ? was : null;
    }

    /** The entries of one pack whose hashes check, and where the last failing one is. */
    private final class Checked {
        private final int pack;
        private final EntryCheck check;
        private byte[][] keys = new byte[64][];
        private Location[] locations = new Location[64];
        private int count;
        /** Where the last entry that verified ends, or -1 before one has. */
        private long goodEnd = -1;
        /** Entries that failed their check: offset, and why. */
        private final Map<Long, String> corrupt = new java.util.TreeMap<>();

        Checked(int pack, EntryCheck check) {
            this.pack = pack;
            this.check = check;
        }

        void visit(PackScanner.Entry e, PackScanner s) throws IOException {
            EntryCheck.Verified v = check.verified(e);
            if (v == null) {
                bad(e, "its payload does not decode to a blob with its hash");
                return;
            }
            EntryHeader h = v.header();
            long size = v.length();
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                locations = Arrays.copyOf(locations, count * 2);
            }
            keys[count] = h.hash();
            locations[count] = new Location(pack, e.offset(), h.size(), size, Payloads.storedCodec(h.flag(), h.codecId()));
            count++;
            goodEnd = e.end();
        }

        private void bad(PackScanner.Entry e, String why) {
            corrupt.put(e.offset(), why);
        }

        /** @return where the last entry that verified ends, or {@code start} when none has since it */
        long goodEnd(long start) {
            return Math.max(goodEnd, start);
        }

        /** Entries of a torn tail are not corruption: forgets those from {@code offset} on. */
        void dropFrom(long offset) {
            corrupt.keySet().removeIf(o -> o >= offset);
        }

        void reportCorrupt(Path path) {
            corrupt.forEach((offset, why) -> LOG.error("{}: entry at offset {}: {}; it is not indexed", path, offset, why));
        }
    }
}
