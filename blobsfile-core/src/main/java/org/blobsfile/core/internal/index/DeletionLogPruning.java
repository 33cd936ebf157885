package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;

/**
 * Which records of the {@link DeletionLog} a pack still needs, so that the others can go. A
 * deletion must stay while some pack holds an entry it makes dead: a rebuild of the index, a
 * salvage or a compaction would take that entry for a live blob otherwise. Once compaction has
 * emptied the pack that held a deleted blob's indexed entry, the deletion is needed only for
 * copies elsewhere (a crash between an append and its index write, a compaction cut short), and
 * a walk of the packs is the only way to know there are none. Its garbage, and that of the
 * compaction, is already given back.
 *
 * <p>So a pruning surveys the log (which deletions are of compacted packs: the candidates),
 * walks the packs that are not empty for entries of candidate blobs the deletions still cover
 * (checking every payload, so that no damaged header hides one),
 * and writes the log again with the deletions that are not candidates, the latest deletion of
 * each candidate blob still found in a pack, and the compaction records those need to give their
 * garbage back again; the compactions and bytes of the records it drops are summed in its first
 * record. When some pack cannot be walked whole or was quarantined, nothing is pruned: an entry it
 * hides could need any deletion. A slot of the log that does not verify is left out (the caller
 * keeps the old log aside first).
 */
public final class DeletionLogPruning {
    private final DeletionLog log;
    /** The records up to here are the ones surveyed. */
    private final long upTo;
    /** For each compacted pack, the offset of its last compaction record. */
    private final Map<Integer, Long> compactedAt = new HashMap<>();
    /** The blobs of the candidates: deletions whose pack was compacted after them. */
    private final Set<BlobRef> candidateBlobs = new HashSet<>();
    /** Whether a record was read yet, in the first pass. */
    private boolean sawRecord;
    private long damaged;
    /** The last pack any candidate's end position names: later packs hold no entry a candidate covers. */
    private int lastCoveredPack = -1;
    /** The last offset a candidate's end position names in {@link #lastCoveredPack}. */
    private long lastCoveredOffset;
    /** Candidates whose pack was compacted since the last pruning: what this one can newly drop. */
    private long fresh;
    /** Whether the first slot, which says the log's generation once it was pruned, does not verify. */
    private boolean firstDamaged;

    private DeletionLogPruning(DeletionLog log, long upTo) {
        this.log = log;
        this.upTo = upTo;
    }

    /**
     * Reads the log as far as it goes now.
     *
     * @param log the store's deletion log
     * @return what a pruning of it could drop
     * @throws IOException when the log cannot be read
     */
    public static DeletionLogPruning survey(DeletionLog log) throws IOException {
        DeletionLogPruning p = new DeletionLogPruning(log, log.end());
        p.damaged = p.read((r, at) -> {
            if (!p.sawRecord && at != DeletionLog.HEADER_SIZE) {
                p.firstDamaged = true;
            }
            p.sawRecord = true;
            if (r.kind() == DeletionLog.Kind.COMPACTED) {
                p.compactedAt.put(r.pack(), at);
            }
        });
        // compactions recorded after the last pruning's own records give new candidates; those it kept
        // were needed then, and count for nothing until a pack they cover is compacted
        DeletionLog.Record last = log.pruning();
        long since = last != null ? last.resumeAt() : DeletionLog.HEADER_SIZE;
        p.read((r, at) -> {
            if (p.isCandidate(r, at)) {
                if (p.compactedAt.get(r.pack()) >= since) {
                    p.fresh++;
                }
                p.candidateBlobs.add(BlobRef.of(r.hash()));
                if (r.endPack() > p.lastCoveredPack) {
                    p.lastCoveredPack = r.endPack();
                    p.lastCoveredOffset = r.endOffset();
                } else if (r.endPack() == p.lastCoveredPack) {
                    p.lastCoveredOffset = Math.max(p.lastCoveredOffset, r.endOffset());
                }
            }
        });
        return p;
    }

    /** @return the candidates whose pack was compacted since the log was last pruned */
    public long fresh() {
        return fresh;
    }

    /**
     * @return whether the log's first slot does not verify: the log may have been pruned, its
     *         generation unknown, and a new one could repeat a generation an index applied
     */
    public boolean firstSlotDamaged() {
        return firstDamaged;
    }

    /** @return the slots of the log that did not verify (a torn last record included) */
    public long damaged() {
        return damaged;
    }

    /** @return the offset up to which the log was surveyed; the records after it are kept as they are */
    public long upTo() {
        return upTo;
    }

    /**
     * Walks the packs that are not empty for entries of candidate blobs that a deletion covers.
     *
     * @param dead     every deletion, as a walk of the packs tells dead entries by
     * @param readers  the packs
     * @param codecs   the store's codecs
     * @param geometry its pack geometry
     * @param evicted  the packs whose entries come from their manifests
     * @param lengths  how far each pack goes: its file's size, or the active pack's appended end
     * @param active   the active pack's number, or -1
     * @param quarantined whether a pack was quarantined: its file is a tombstone, and the damaged
     *                 pack kept aside may be put back
     * @return the candidate blobs some pack still holds a dead entry of, or null when a pack
     *         could not be walked whole (damaged, unreadable, quarantined or not a regular file)
     *         or holds an entry that does not verify: a header damaged where its hash is may
     *         hide a copy that a repair would bring back
     * @throws IOException when a pack cannot be read
     */
    public Set<BlobRef> stillInPacks(DeadEntries dead, PackReaders readers, CodecRegistry codecs,
                                     PackGeometry geometry, EvictedPacks evicted, long[] lengths, int active,
                                     IntPredicate quarantined) throws IOException {
        PackEntries entries = new PackEntries(codecs, geometry, evicted);
        Set<BlobRef> found = new HashSet<>();
        for (int n = 0; n <= lastCoveredPack && n < lengths.length; n++) {
            if (compactedAt.containsKey(n)) {
                continue; // an empty sealed pack since its compaction: nothing is ever appended to it again
            }
            if (quarantined.test(n)) {
                return null;
            }
            int pack = n;
            boolean[] unverified = {false};
            // the active pack only as far as the deletions reach: entries after that are later puts,
            // and its end may hold a group commit's bytes not written yet
            long length = n == active && n == lastCoveredPack ? Math.min(lengths[n], lastCoveredOffset) : lengths[n];
            PackScanner.Result r = entries.walk(readers.path(n), n, length, true, new PackEntries.Sink() {
                @Override
                public void entry(byte[] key, Location loc) {
                    if (dead.covers(key, pack, loc.offset())) {
                        BlobRef ref = BlobRef.of(key);
                        if (candidateBlobs.contains(ref)) {
                            found.add(ref);
                        }
                    }
                }

                @Override
                public void unverified(long offset) {
                    unverified[0] = true;
                }
            });
            if (r == null || r.damage() != null || !r.unreadable().isEmpty() || unverified[0]) {
                return null;
            }
        }
        return found;
    }

    /**
     * Writes the records to keep, of those surveyed.
     *
     * @param out          the new log
     * @param dead         every deletion, to tell a blob's latest
     * @param stillInPacks what {@link #stillInPacks} found
     * @return what the records left out counted, which the new log's first record sums up
     * @throws IOException when the log cannot be read or the new one written
     */
    public Dropped write(DeletionLog.Rewrite out, DeadEntries dead, Set<BlobRef> stillInPacks)
            throws IOException {
        long[] dropped = {0, 0, 0};
        Set<Integer> keptDeletionOf = new HashSet<>();
        read((r, at) -> {
            switch (r.kind()) {
                case DELETED -> {
                    if (!isCandidate(r, at) || stillInPacks.contains(BlobRef.of(r.hash()))
                            && dead.isLatest(r.hash(), r.endPack(), r.endOffset())) {
                        out.add(r);
                        keptDeletionOf.add(r.pack());
                    } else {
                        dropped[2]++;
                    }
                }
                case COMPACTED -> {
                    if (keptDeletionOf.remove(r.pack())) {
                        out.add(r); // gives back the garbage of the deletion kept before it
                    } else {
                        dropped[0]++;
                        dropped[1] += r.bytes();
                        dropped[2]++;
                    }
                }
                case PRUNED -> {
                    dropped[0] += r.compactions();
                    dropped[1] += r.bytes();
                }
            }
        });
        return new Dropped(dropped[2], dropped[0], dropped[1]);
    }

    /**
     * What a pruning leaves out.
     *
     * @param records        the deletion and compaction records left out; an earlier pruning's
     *                       first record, which the new one replaces, is not counted
     * @param compactions    packs the records left out say were rewritten
     * @param reclaimedBytes bytes they say were given back
     */
    public record Dropped(long records, long compactions, long reclaimedBytes) {
    }

    /** A record of the log and its offset. */
    @FunctionalInterface
    private interface RecordAt {
        void record(DeletionLog.Record r, long at) throws IOException;
    }

    /** Reads the records surveyed; returns how many slots of the whole log did not verify. */
    private long read(RecordAt visitor) throws IOException {
        return log.read(DeletionLog.HEADER_SIZE, (r, end) -> {
            if (end <= upTo) {
                visitor.record(r, end - DeletionLog.RECORD_SIZE);
            }
        });
    }

    private boolean isCandidate(DeletionLog.Record r, long at) {
        Long compacted = compactedAt.get(r.pack());
        return r.kind() == DeletionLog.Kind.DELETED && compacted != null && compacted > at;
    }
}
