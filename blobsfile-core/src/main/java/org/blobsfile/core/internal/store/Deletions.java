package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.SweepReport;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.index.DeletionLogPruning;
import org.blobsfile.core.internal.index.DeletionReplay;
import org.blobsfile.core.internal.index.IndexMeta;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.index.StoreIndex;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.PackFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way blobs leave the store: a deletion is appended to the {@link DeletionLog} (forced,
 * in the durability modes that force puts) and only then removed from the index, in one write
 * with the garbage it leaves, so the index never forgets a blob whose deletion a crash could lose.
 * Deletions run with appends held back ({@link PackAppender#exclusively}), which gives each a
 * position in the order of appends: the entries before it are dead, a put after it is not.
 *
 * <p>A sweep deletes what a live set does not hold, walking the index in key order a batch at a
 * time. It spares what was put after it began: a blob appended since sits at or after its
 * starting position, and a put of a blob already stored (which appends nothing) is noted by
 * {@link #touch} before its duplicate check. While a batch is being deleted, a put of one of its
 * blobs finds it not stored and appends it again (see {@link PackAppender#deleting}), so no put
 * can rely on a copy the batch is about to delete.
 */
final class Deletions {
    private static final Logger LOG = LoggerFactory.getLogger(Deletions.class);
    /** Blobs a sweep examines, and at most deletes, per batch. */
    static final int SWEEP_BATCH = 4096;
    /** Whether a pruning was tried since the store was opened; guarded by the compactor's lock. */
    private boolean pruneTried;

    private final StoreParts parts;
    private final PackAppender appender;
    /** The blobs put while each running sweep runs. */
    private final Set<Set<BlobRef>> sweeps = ConcurrentHashMap.newKeySet();
    /**
     * For each running sweep, where the blobs a compaction moved while it runs were first: a
     * copy lies after the sweep's starting position, but its blob was stored before it.
     */
    private final Set<Map<BlobRef, Location>> moves = ConcurrentHashMap.newKeySet();

    /**
     * @param parts    the store's index and deletion log
     * @param appender the write side, whose lock orders deletions among appends
     */
    Deletions(StoreParts parts, PackAppender appender) {
        this.parts = parts;
        this.appender = appender;
    }

    /** Notes a put of {@code hash}, before its duplicate check, for the sweeps running now. */
    void touch(byte[] hash) {
        if (!sweeps.isEmpty()) {
            BlobRef ref = BlobRef.of(hash);
            for (Set<BlobRef> s : sweeps) {
                s.add(ref);
            }
        }
    }

    /**
     * Notes, before a compaction appends a copy of a blob, where the blob was, for the sweeps
     * running now.
     */
    void moving(byte[] hash, Location from) {
        if (!moves.isEmpty()) {
            BlobRef ref = BlobRef.of(hash);
            for (Map<BlobRef, Location> m : moves) {
                m.putIfAbsent(ref, from);
            }
        }
    }

    /**
     * Deletes the blobs the store holds among {@code refs}.
     *
     * @return those deleted, in the order given, each once
     */
    List<BlobRef> delete(Collection<BlobRef> refs) throws IOException {
        if (refs.isEmpty()) {
            return List.of();
        }
        return appender.exclusively(() -> deleteHeld(refs, null, Set.of()));
    }

    /**
     * Deletes every blob stored when it began that {@code live} does not hold.
     *
     * @param live says which blobs to keep, asked in key order
     */
    SweepReport sweep(LiveSet live) throws IOException {
        Set<BlobRef> touched = ConcurrentHashMap.newKeySet();
        Map<BlobRef, Location> moved = new ConcurrentHashMap<>();
        sweeps.add(touched);
        moves.add(moved);
        try {
            // taken with the queue drained, so every blob stored before it is in the index the sweep walks
            IndexMeta.Checkpoint start = appender.exclusively(appender::appendPosition);
            long examined = 0;
            long deleted = 0;
            long deletedBytes = 0;
            long spared = 0;
            byte[] from = new byte[0];
            while (true) {
                List<IndexRecord> page = parts.index().scan(from, SWEEP_BATCH);
                if (page.isEmpty()) {
                    break;
                }
                List<BlobRef> candidates = new ArrayList<>();
                for (IndexRecord r : page) {
                    Location loc = Location.decode(r.value());
                    BlobRef ref = BlobRef.of(r.key());
                    if (!before(loc, start) && !before(moved.get(ref), start)) {
                        continue; // put after the sweep began
                    }
                    examined++;
                    if (!live.holds(ref)) {
                        candidates.add(ref);
                    }
                }
                from = StoreIndex.keyAfter(page.get(page.size() - 1).key());
                if (candidates.isEmpty()) {
                    continue;
                }
                Map<BlobRef, Location> gone = appender.exclusively(() -> {
                    appender.deleting(new HashSet<>(candidates));
                    try {
                        return deleteHeldPlaces(candidates, start, touched, moved);
                    } finally {
                        appender.deletingDone();
                    }
                });
                deleted += gone.size();
                for (Location l : gone.values()) {
                    deletedBytes += Math.max(0, l.size());
                }
                for (BlobRef c : candidates) {
                    if (!gone.containsKey(c) && touched.contains(c)) {
                        spared++;
                    }
                }
            }
            return new SweepReport(examined, deleted, deletedBytes, spared);
        } finally {
            sweeps.remove(touched);
            moves.remove(moved);
        }
    }

    /** What a sweep keeps. */
    @FunctionalInterface
    interface LiveSet {
        /** @return whether {@code ref}, asked in ascending order, is live */
        boolean holds(BlobRef ref);
    }

    /**
     * @return the live set of a predicate
     */
    static LiveSet of(Predicate<BlobRef> live) {
        return live::test;
    }

    /**
     * @param liveInOrder refs in ascending order, read alongside the ascending asks
     * @return the live set they make, which throws {@link IllegalArgumentException} at a ref out of order
     */
    static LiveSet ofSorted(java.util.Iterator<BlobRef> liveInOrder) {
        return new LiveSet() {
            private BlobRef current;
            /** The ref after {@code current}, read ahead so that a stream out of order fails a step sooner. */
            private BlobRef ahead;

            @Override
            public boolean holds(BlobRef ref) {
                if (current == null) {
                    advance();
                }
                while (current != null && current.compareTo(ref) < 0) {
                    advance();
                }
                return current != null && current.equals(ref);
            }

            private void advance() {
                current = ahead != null ? ahead : next(null);
                ahead = current == null ? null : next(current);
            }

            private BlobRef next(BlobRef after) {
                if (!liveInOrder.hasNext()) {
                    return null;
                }
                BlobRef n = Objects.requireNonNull(liveInOrder.next(), "a ref of the live set");
                BlobRef before = after != null ? after : current;
                if (before != null && n.compareTo(before) < 0) {
                    throw new IllegalArgumentException("the live set is not in ascending order: " + n + " comes after "
                            + before);
                }
                return n;
            }
        };
    }

    /**
     * Records that compaction rewrote a pack, so its garbage counts no more. Appends held back.
     *
     * @param pack      the pack
     * @param reclaimed the dead bytes it gave back
     */
    void compacted(int pack, long reclaimed) throws IOException {
        commit(List.of(DeletionLog.Record.compacted(pack, reclaimed)), Map.of());
    }

    /**
     * Drops from the deletion log the deletions no pack needs any more ({@link DeletionLogPruning}),
     * once the packs compacted since the last pruning held at least {@code atLeast} of them and a
     * sixteenth of the live blobs: the walk of the packs it takes reads and hashes every entry of
     * the others, so it runs only when that many records can go. Run with no compaction under way;
     * puts and deletions go on, and are held back only while the new log takes the old one's place.
     *
     * @param packs     the store's packs
     * @param atLeast   the fewest records worth a walk of the packs
     * @param rewrote   whether the compaction before rewrote a pack: one that did not changes
     *                  nothing a pruning tried since the store was opened would find
     * @return the records dropped
     * @throws IOException when the log or a pack cannot be read, or the log cannot be written: the
     *                     log is then as it was
     */
    long prune(Packs packs, long atLeast, boolean rewrote) throws IOException {
        DeletionLog log = parts.deletions();
        if (log.isEmpty() || log.isUnreadable() || !rewrote && pruneTried) {
            return 0;
        }
        pruneTried = true;
        DeletionLogPruning survey = DeletionLogPruning.survey(log);
        if (survey.fresh() == 0 || survey.fresh() < Math.max(atLeast, parts.index().totals().blobs() / 16)) {
            return 0;
        }
        if (survey.firstSlotDamaged()) {
            LOG.warn("{} is not pruned: its first record does not verify, so its generation is unknown", log.file());
            return 0;
        }
        // a compaction's copies may have filled a pack that is being sealed: the walk takes its
        // parity, half written, for damage
        parts.sealing().awaitIdle();
        DeadEntries dead = DeadEntries.read(log);
        PackAppender.Extent extent = appender.extent();
        Set<BlobRef> stillInPacks = survey.stillInPacks(dead, packs.readers(), packs.codecs(), packs.geometry(),
                parts.index().evicted(), extent.lengths(packs.readers()), extent.active(), parts.quarantine()::contains);
        if (stillInPacks == null) {
            LOG.warn("{} is not pruned: a pack is damaged, quarantined or cannot be read whole, and what it holds"
                    + " may need any deletion; repair it first", log.file());
            return 0;
        }
        long dropped;
        try (DeletionLog.Rewrite out = log.rewrite()) {
            DeletionLogPruning.Dropped left = survey.write(out, dead, stillInPacks);
            dropped = left.records();
            if (dropped == 0) {
                return 0; // each deletion is still needed: a new log would only be one record longer
            }
            if (survey.damaged() > 0) {
                // torn by a crash before it was acknowledged, or damaged since: unreadable either way, and
                // left out of the new log, so the old one is kept whole
                Path saved = new LostAndFound(log.file().getParent()).saveWhole(log.file(), survey.damaged()
                        + " records of it did not verify when it was pruned");
                LOG.warn("{}: {} of its records do not verify; the log is saved to {} before it is pruned",
                        log.file(), survey.damaged(), saved);
            }
            // a number the index never applied, though the log's first record be damaged
            int generation = parts.index().deletions().generation() + 1;
            appender.exclusively(() -> {
                catchUp(log);
                log.replaceWith(out, survey.upTo(), left.compactions(), left.reclaimedBytes(), generation);
                // the new log's generation and offsets; after a crash before this write, the log's first
                // record tells the index where it had got to in the new log (DeletionReplay)
                appender.commitDeletions(Map.of(), parts.index().deletions().applying().generation(log.generation())
                        .upTo(log.end()).done());
                return null;
            });
        }
        LOG.info("{} pruned: {} records no pack needs dropped, {} bytes left", log.file(), dropped, log.end());
        return dropped;
    }

    /** @return dead bytes per pack that has any */
    SortedMap<Integer, Long> garbageByPack() throws IOException {
        return parts.index().deletions().garbageByPack();
    }

    /** @return every deletion so far, to tell dead entries from live ones in a walk of the packs */
    DeadEntries dead() throws IOException {
        return DeadEntries.read(parts.deletions());
    }

    private List<BlobRef> deleteHeld(Collection<BlobRef> refs, IndexMeta.Checkpoint before, Set<BlobRef> spare)
            throws IOException {
        return new ArrayList<>(deleteHeldPlaces(refs, before, spare, Map.of()).keySet());
    }

    /**
     * Deletes, with appends held back, the blobs among {@code refs} that the index holds, that lie
     * before {@code before} (unless null) or were there before a compaction moved them
     * ({@code moved}), and that {@code spare} does not name.
     *
     * @return the blobs deleted, with where they were
     */
    private Map<BlobRef, Location> deleteHeldPlaces(Collection<BlobRef> refs, IndexMeta.Checkpoint before,
                                                    Set<BlobRef> spare, Map<BlobRef, Location> moved)
            throws IOException {
        IndexMeta.Checkpoint end = appender.appendPosition();
        Map<BlobRef, Location> removed = new LinkedHashMap<>();
        List<DeletionLog.Record> records = new ArrayList<>();
        for (BlobRef ref : refs) {
            if (removed.containsKey(ref) || spare.contains(ref)) {
                continue;
            }
            Location loc = parts.index().get(ref.bytes());
            if (loc == null || before != null && !before(loc, before) && !before(moved.get(ref), before)) {
                continue; // absent, or put again after the sweep began
            }
            removed.put(ref, loc);
            for (Map<BlobRef, Location> m : moves) {
                m.remove(ref); // a later copy is a put again, not this blob moved
            }
            records.add(DeletionLog.Record.deleted(ref.bytes(), loc.pack(), EntryHeader.LENGTH + loc.storedSize(),
                    end.pack(), end.offset()));
        }
        if (!records.isEmpty()) {
            commit(records, removed);
        }
        return removed;
    }

    /**
     * Appends records to the log, forces them if puts are forced, then writes the index: the
     * blobs removed, and the log's new state.
     */
    private void commit(List<DeletionLog.Record> records, Map<BlobRef, Location> removed) throws IOException {
        DeletionLog log = parts.deletions();
        catchUp(log);
        IndexMeta.Applying d = parts.index().deletions().applying();
        boolean forces = appender.forces(); // a deletion is forced as puts are, in this durability mode
        if (!forces) {
            // a deletion names the append position: what lies before it must survive a power cut
            // the log may survive, or the puts after the cut land before it and count as deleted
            appender.forceAppended();
        }
        long at = log.end();
        log.append(records);
        if (forces) {
            log.force();
        }
        for (DeletionLog.Record r : records) {
            at += DeletionLog.RECORD_SIZE;
            d.apply(r, at);
        }
        appender.commitDeletions(removed, d.done());
    }

    /**
     * Applies to the index what reached the log but not the index (an earlier deletion whose index
     * write failed, or a pruning whose did), so that the next write of the index's deletion state
     * follows the log. Appends held back.
     */
    private void catchUp(DeletionLog log) throws IOException {
        if (!DeletionReplay.isApplied(parts.index(), log)) {
            DeletionReplay.apply(parts.index(), log);
            appender.adoptIndexTotals();
        }
    }

    /** @return whether an entry at {@code loc} (false for null) was appended before {@code position} */
    private static boolean before(Location loc, IndexMeta.Checkpoint position) {
        return loc != null && PackFormat.isBefore(loc.pack(), loc.offset(), position.pack(), position.offset());
    }
}
