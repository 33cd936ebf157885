package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-derives the index entries of one pack from the pack, after an operation changed or moved
 * it (repair, quarantine, salvage): every entry of the pack that verifies is indexed there unless
 * the index already has the blob at a place that verifies, and every key the index places in the
 * pack where the pack does not hold it is removed. The work is split in two so that the store
 * holds its puts back only for the second: {@link #plan} reads the pack and the index and lists
 * the changes; {@link Changes#apply} writes them, each one only if the key still has the value
 * the plan saw, with the totals adjusted in the same write.
 *
 * <p>The plan holds, for the pack, 16 bytes per verified entry (its offset and a 64-bit digest of
 * its hash) and the changes themselves; the index is walked once, never held.
 */
public final class PackReindex {
    private static final Logger LOG = LoggerFactory.getLogger(PackReindex.class);

    /**
     * One change of the index.
     *
     * @param key      a blob's hash
     * @param expected the value the plan saw, or null when the key was absent
     * @param next     the value to write, or null to remove the key
     */
    public record Change(byte[] key, Location expected, Location next) {
    }

    /**
     * The changes that make the index follow one pack.
     *
     * @param pack    the pack
     * @param changes what to write, in the order found
     */
    public record Changes(int pack, List<Change> changes) {
        /** @return whether the index already follows the pack */
        public boolean isEmpty() {
            return changes.isEmpty();
        }

        /**
         * @param dead deletions, read after the plan was made
         * @return these changes without those that would index an entry a deletion covers
         */
        public Changes without(DeadEntries dead) {
            List<Change> kept = new ArrayList<>(changes.size());
            for (Change c : changes) {
                if (c.next() == null || !dead.covers(c.key(), c.next().pack(), c.next().offset())) {
                    kept.add(c);
                }
            }
            return new Changes(pack, kept);
        }

        /**
         * Writes the changes whose key still holds the value the plan saw, in one batch with the
         * new totals. The caller holds the store's puts and commits back.
         *
         * @param index  the index the plan was made from
         * @param totals the totals over the index as it is now
         * @return the totals after the changes
         * @throws IOException when the index cannot be read or written
         */
        public IndexMeta.Counters apply(StoreIndex index, IndexMeta.Counters totals) throws IOException {
            IndexBatch batch = new IndexBatch();
            Map<BlobRef, Location> written = new HashMap<>();
            IndexMeta.Counters c = totals;
            int applied = 0;
            for (Change ch : changes) {
                BlobRef ref = BlobRef.of(ch.key());
                Location now = written.containsKey(ref) ? written.get(ref) : index.get(ch.key());
                if (!Objects.equals(now, ch.expected())) {
                    continue; // changed since the plan looked: a put or another change got there first
                }
                if (now != null) {
                    c = c.minus(now);
                }
                if (ch.next() == null) {
                    batch.delete(ch.key());
                } else {
                    batch.put(ch.key(), ch.next().encode());
                    c = c.plus(ch.next());
                }
                written.put(ref, ch.next());
                applied++;
            }
            if (applied > 0) {
                index.commit(batch, null, c);
                LOG.info("index of pack {}: {} entries re-derived from the pack", pack, applied);
            }
            return c;
        }
    }

    private final PackReaders readers;
    private final PackEntries entries;
    private final LocationProbe probe;

    /**
     * @param readers  read channels on the packs
     * @param codecs   to decode compressed entries, whose hashes are checked
     * @param geometry the store's pack geometry
     */
    public PackReindex(PackReaders readers, CodecRegistry codecs, PackGeometry geometry) {
        this.readers = readers;
        this.entries = new PackEntries(codecs, geometry, EvictedPacks.NONE); // run on damaged local packs only
        this.probe = new LocationProbe(readers, codecs, geometry);
    }

    /**
     * Lists the changes that make the index hold exactly what pack {@code pack} holds verified.
     *
     * @param index  the index, read only
     * @param pack   the pack
     * @param length how far its entries go: its file's size, or the active pack's appended end
     * @param dead   the entries of deleted blobs, which the index must not hold
     * @return the changes, to be applied with the store's puts held back
     * @throws IOException when the pack or the index cannot be read
     */
    public Changes plan(StoreIndex index, int pack, long length, DeadEntries dead) throws IOException {
        List<Change> changes = new ArrayList<>();
        Offsets found = new Offsets();
        entries.walk(readers.path(pack), pack, length, true, (key, loc) -> {
            if (dead.covers(key, pack, loc.offset())) {
                return; // deleted: absent from the index, and to stay so
            }
            found.add(loc.offset(), key);
            Location now = index.get(key);
            if (loc.equals(now)) {
                return;
            }
            if (now != null && (now.pack() != pack || now.offset() != loc.offset())
                    && probe.probe(key, now) == LocationProbe.Verdict.VERIFIED) {
                return; // stored twice, and the copy the index has is good
            }
            changes.add(new Change(key, now, loc));
        });
        index.forEach((key, loc) -> {
            if (loc.pack() != pack || found.holds(loc.offset(), key)) {
                return;
            }
            LocationProbe.Verdict v = probe.probe(key, loc);
            if (v == LocationProbe.Verdict.ABSENT) {
                changes.add(new Change(key, loc, null));
                LOG.warn("{}: the index placed blob {} at offset {}, where the pack does not hold it: removed from"
                        + " the index", readers.path(pack), BlobRef.of(key), loc.offset());
            }
            // DAMAGED: the entry is there and the pack is damaged, which verify reports and repair
            // may fix; UNREADABLE: the pack itself is the problem. Either way the index is right.
        });
        return new Changes(pack, changes);
    }

    /** The offsets of a pack's verified entries, in the ascending order a walk finds them, with a hash digest each. */
    private static final class Offsets {
        private long[] offsets = new long[256];
        private long[] digests = new long[256];
        private int count;

        void add(long offset, byte[] key) {
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                digests = Arrays.copyOf(digests, count * 2);
            }
            offsets[count] = offset;
            digests[count] = KeyDigest.of(key);
            count++;
        }

        /** @return whether the walk found the entry of {@code key} at {@code offset} */
        boolean holds(long offset, byte[] key) {
            int i = Arrays.binarySearch(offsets, 0, count, offset);
            return i >= 0 && digests[i] == KeyDigest.of(key);
        }
    }
}
