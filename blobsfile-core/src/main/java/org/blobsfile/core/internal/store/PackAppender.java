package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.OperationListener;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.index.DeletionReplay;
import org.blobsfile.core.internal.index.IndexMeta;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.index.PackReindex;
import org.blobsfile.core.internal.index.StoreIndex;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.pack.PackWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of the store: the one duplicate check of a put, appends to the active pack,
 * rollover when it is full, and the appends of maintenance. What makes an append durable is the
 * {@link Durability} chosen at open, to which every append hands its {@link Reservation} under
 * the write lock; a put then waits outside the lock if that mode says so. The mode hands durable
 * entries to the {@link IndexQueue}, which indexes them in the background.
 */
final class PackAppender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PackAppender.class);
    /** What {@link #storedTicket} says of a blob the store does not have. */
    static final long NOT_STORED = -1;
    /** How far ahead of its entries a pack that puts force is filled with zeros: see {@link PackWriter#preallocate}. */
    private static final long WRITE_AHEAD = 4L << 20;

    /** The packs of the store, as maintenance needs them: how many, and how far the active one goes. */
    record Extent(int packs, int active, long activeEnd) {
        /**
         * @return the length to read of each pack: the active pack's appended end, else its file's
         *         (0 for a pack that is not a regular file, which is never followed)
         */
        long[] lengths(PackReaders readers) throws IOException {
            long[] lengths = new long[packs];
            for (int n = 0; n < packs; n++) {
                lengths[n] = n == active ? activeEnd : PackFormat.regularFileSize(readers.path(n));
            }
            return lengths;
        }
    }

    private final Packs packs;
    private final StoreParts parts;

    /** Serializes appends, rollover and index updates. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final IndexQueue queue;
    private final Durability durability;
    /** Totals including appended but not yet committed entries (guarded by writeLock). */
    private IndexMeta.Counters appendedCounters;
    private PackWriter writer;
    private int nextPack;
    private volatile int packCount;
    /** Where the last pack's entries end in a store opened read-only, which has no writer; else -1. */
    private final long readOnlyEnd;
    /** Blobs a sweep is deleting now: a put finds them not stored, so it stores them again. */
    private volatile Set<BlobRef> deleting = Set.of();

    /**
     * @param writer      the active pack as the store was opened with it, or null
     * @param nextPack    the number the next new pack gets
     * @param readOnlyEnd for a store opened read-only, where the entries of its last pack end
     *                    when that pack is not closed (a torn entry after them stays); else -1
     */
    PackAppender(Packs packs, StoreParts parts, org.blobsfile.api.Durability mode, PackWriter writer, int nextPack,
                 long readOnlyEnd) {
        this.packs = packs;
        this.parts = parts;
        this.queue = new IndexQueue(parts.index(), packs.dir().toString());
        this.durability = Durability.of(mode, queue, parts.meters(), writeLock);
        this.writer = writer;
        if (writer != null) {
            writeAhead(writer);
        }
        this.nextPack = nextPack;
        this.packCount = nextPack;
        this.appendedCounters = parts.index().totals();
        this.readOnlyEnd = readOnlyEnd;
    }

    /** @return how many pack files the store has, the active one included */
    int packCount() {
        return packCount;
    }

    /** @return the packs as they are now, read under the write lock */
    Extent extent() {
        writeLock.lock();
        try {
            if (writer != null) {
                return new Extent(packCount, writer.number(), writer.end());
            }
            return readOnlyEnd >= 0 ? new Extent(packCount, packCount - 1, readOnlyEnd) : new Extent(packCount, -1, -1);
        } finally {
            writeLock.unlock();
        }
    }

    // ---- appending -------------------------------------------------------------------------

    /**
     * The write side's one duplicate check. It is exact under the write lock, where
     * {@link #append} asks it; the store also asks it before compressing a blob, outside the lock,
     * where it can only miss a blob stored meanwhile, which the check under the lock then finds.
     *
     * @return {@link #NOT_STORED}, or the ticket a put of the blob must wait for (0: it is indexed)
     */
    long storedTicket(byte[] hash) {
        return storedTicket(hash, -1);
    }

    /**
     * @param checkedAt the {@link #generation} when a check of the blob began that found it not
     *                  stored, or -1
     * @return as {@link #storedTicket(byte[])}; the index is asked only when it may have changed
     *         since {@code checkedAt}, which spares most blobs of a batch a second index lookup
     */
    private long storedTicket(byte[] hash, long checkedAt) {
        Set<BlobRef> beingDeleted = deleting;
        if (!beingDeleted.isEmpty() && beingDeleted.contains(BlobRef.of(hash))) {
            return NOT_STORED;
        }
        // pending first, then the queue: a blob leaves each only once the next one has it
        long ticket = durability.pendingTicket(hash);
        if (ticket >= 0) {
            return ticket;
        }
        if (queue.holds(hash)) {
            return 0;
        }
        return (checkedAt < 0 || checkedAt != queue.generation()) && parts.index().contains(hash) ? 0 : NOT_STORED;
    }

    /** @return the mark to take before a first {@link #storedTicket} check of a blob to put */
    long generation() {
        return queue.generation();
    }

    /** Stores staged blobs: appends those not stored yet, and returns once the durability mode counts them stored. */
    void store(List<Staged> staged) {
        awaitDurable(append(staged, false));
    }

    /**
     * A blob read into a {@link Spool}, ready to append: the entry's header fields and where its
     * payload is.
     *
     * @param hash    the blob's BLAKE2b-256
     * @param payload the file holding the payload from position 0
     * @param stored  the payload's length
     * @param flag    the entry's flag
     * @param codecId the entry's codec id
     * @param size    the blob's length before compression
     */
    record Spooled(byte[] hash, java.nio.channels.FileChannel payload, long stored, int flag, int codecId, long size) {
    }

    /**
     * Stores one spooled blob, unless the write side finds it stored meanwhile: under the write
     * lock, its entry is copied from the spool into the active pack (rolled over first when the
     * entry does not fit), then handed to the durability mode as any put's run is; returns once
     * the mode counts it stored. Entries reserved by a group commit are committed first, so the
     * copy is written at once, in order. Other puts wait for the lock while the copy runs, which
     * is bounded by the pack's largest entry.
     *
     * @param checkedAt the {@link #generation} taken before the check that found it not stored
     */
    void storeSpooled(Spooled blob, long checkedAt) {
        long waitFor;
        try {
            // with every entry reserved before it committed first: the copy writes at once, and a
            // commit that fails then fails only the puts it covers
            waitFor = durability.exclusively(writeLock, () -> appendSpooled(blob, checkedAt));
        } catch (IOException e) {
            throw new StorageIOException("appending to " + packs.dir(), e);
        }
        awaitDurable(waitFor);
    }

    /** {@link #storeSpooled}'s part under the write lock. @return the ticket to wait for */
    private long appendSpooled(Spooled blob, long checkedAt) throws IOException {
        long stored = storedTicket(blob.hash(), checkedAt);
        if (stored != NOT_STORED) {
            return deduplicated(0, stored);
        }
        IndexMeta.Counters before = appendedCounters;
        try {
            PackWriter w = activeWriter();
            if (!packs.geometry().fits(w.end(), blob.stored())) {
                w = rollover();
            }
            byte[] header = new EntryHeader(blob.hash(), blob.flag(), blob.codecId(), blob.stored()).encode();
            long offset = w.appendFrom(header, blob.payload(), blob.stored());
            Location loc = new Location(w.number(), offset, blob.stored(), blob.size(), blob.codecId());
            IndexBatch batch = new IndexBatch();
            batch.put(blob.hash(), loc.encode());
            parts.meters().bytesWritten.add(EntryHeader.LENGTH + blob.stored());
            IndexMeta.Counters c = appendedCounters.plus(loc);
            appendedCounters = c;
            return durability.appended(new Reservation(w, batch, new IndexMeta.Checkpoint(w.number(), w.end()), c));
        } catch (IOException e) {
            appendedCounters = before;
            throw e;
        }
    }

    /** @return a batch whose runs are appended as they come and made durable together */
    Batch batch() {
        return new Batch();
    }

    /** @return whether puts are forced before they return, in this durability mode */
    boolean forces() {
        return durability.forces();
    }

    /** @return whether a batch may append run by run while the rest is staged: see {@link Durability#appendsWhileStaging} */
    boolean appendsWhileStaging() {
        return durability.appendsWhileStaging();
    }

    /**
     * The appends of one putAll: each run's bytes are written at once, so that the caller's
     * staging of the next run overlaps the write, and one commit at the end covers them all.
     */
    final class Batch {
        private long waitFor;

        /** Appends a run of the batch's blobs, those not stored yet. */
        void append(List<Staged> run) {
            waitFor = Math.max(waitFor, PackAppender.this.append(run, true));
        }

        /** Returns once every run appended is stored as the durability mode says. */
        void awaitDurable() {
            PackAppender.this.awaitDurable(waitFor);
        }
    }

    /**
     * Appends the staged blobs that are not stored yet, under the write lock, and hands them to
     * the durability mode; a blob stored already, or twice in {@code staged}, counts as a
     * deduplicated put.
     *
     * @param writeNow write reserved bytes now rather than at the group's commit
     * @return the ticket to wait for before the blobs count as stored, or 0
     */
    private long append(List<Staged> staged, boolean writeNow) {
        long waitFor = 0;
        int fresh = 0;
        for (Staged st : staged) {
            if (st.prepared() == null) {
                waitFor = deduplicated(waitFor, st.storedTicket());
            } else {
                fresh++;
            }
        }
        if (fresh == 0) {
            return waitFor; // the check before compressing found them all: no lock needed
        }
        writeLock.lock();
        IndexMeta.Counters before = appendedCounters;
        try {
            EntryRun run = new EntryRun(appendedCounters, fresh > 1);
            for (Staged st : staged) {
                if (st.prepared() == null) {
                    continue;
                }
                // another thread may have stored it since the check before compressing; if its put
                // has not returned yet, ours must not return before that one is durable either
                long stored = run.has(st.hash()) ? 0 : storedTicket(st.hash(), st.checkedAt());
                if (stored != NOT_STORED) {
                    waitFor = deduplicated(waitFor, stored);
                    continue;
                }
                run.add(st.prepared());
            }
            waitFor = Math.max(waitFor, handOver(run, writeNow));
        } catch (IOException e) {
            appendedCounters = before; // the writer gave the entries up: they count for nothing
            throw new StorageIOException("appending to " + packs.dir(), e);
        } finally {
            writeLock.unlock();
        }
        return waitFor;
    }

    /**
     * Places a run's entries and hands them to the durability mode, under the write lock.
     *
     * @param writeNow write reserved bytes now rather than at the group's commit
     * @return the ticket to wait for, or 0 for an empty run
     */
    private long handOver(EntryRun run, boolean writeNow) throws IOException {
        if (run.entries() == 0) {
            return 0;
        }
        IndexMeta.Counters c = run.finish();
        appendedCounters = c;
        IndexMeta.Checkpoint cp = new IndexMeta.Checkpoint(writer.number(), writer.end());
        long ticket = durability.appended(new Reservation(writer, run.batch(), cp, c));
        if (writeNow) {
            writer.writeReserved();
        }
        return ticket;
    }

    /** Counts a put whose blob is stored already. @return the ticket to wait for, with the blob's */
    private long deduplicated(long waitFor, long ticket) {
        parts.meters().dedupedPuts.increment();
        return Math.max(waitFor, ticket);
    }

    /** Returns once the puts up to {@code ticket} are durable. */
    private void awaitDurable(long ticket) {
        try {
            durability.awaitDurable(ticket);
        } catch (IOException e) {
            throw new StorageIOException("committing puts to " + packs.dir(), e);
        }
    }

    /** @return where a blob is that is durable (as the mode says) but not indexed yet, or null */
    Location unindexed(BlobRef ref) {
        Location loc = durability.forcedPending(ref);
        return loc != null ? loc : queue.location(ref);
    }

    /**
     * Waits until every durable put is also indexed, for the calls that read the index as a
     * whole (enumerate, stats): they then see every put that returned before them.
     */
    void awaitIndexed() {
        durability.awaitHandedOver();
        try {
            queue.drain();
        } catch (IOException e) {
            throw new StorageIOException("indexing puts to " + packs.dir(), e);
        }
    }

    /**
     * Runs {@code work} with every append so far forced and indexed, and new appends and commits
     * held back until it returns: for maintenance that moves blobs or rewrites the index.
     */
    <T> T exclusively(Durability.Exclusive<T> work) throws IOException {
        return durability.exclusively(writeLock, () -> {
            queue.drain();
            try {
                return work.run();
            } finally {
                queue.indexChanged();
            }
        });
    }

    // ---- maintenance (inside exclusively) ----------------------------------------------------

    /**
     * Appends entries copied from a damaged pack, replacing their index records. A blob the
     * index had is moved, and counts once still; one it did not have (the index had lost it) is
     * added to the totals.
     */
    void appendMoved(List<Prepared> items) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        if (items.isEmpty()) {
            return;
        }
        EntryRun run = new EntryRun(IndexMeta.Counters.ZERO, false);
        for (Prepared p : items) {
            run.add(p);
        }
        run.finish();
        IndexBatch batch = run.batch();
        IndexMeta.Counters c = appendedCounters;
        Set<BlobRef> counted = new HashSet<>();
        List<IndexRecord> puts = batch.puts();
        for (int i = puts.size() - 1; i >= 0; i--) {
            IndexRecord r = puts.get(i);
            if (!counted.add(BlobRef.of(r.key()))) {
                continue; // copied twice: the index keeps the last copy, counted once
            }
            Location before = parts.index().get(r.key());
            if (before != null) {
                c = c.minus(before);
            }
            c = c.plus(Location.decode(r.value()));
        }
        writer.writeReserved();
        OperationListeners.Timing forcing = parts.meters().operations.start();
        writer.force();
        parts.meters().forces.increment();
        forcing.completed(OperationListener.Operation.FORCE, 0);
        parts.index().commit(batch, new IndexMeta.Checkpoint(writer.number(), writer.end()), c);
        appendedCounters = c;
    }

    /**
     * @return the position appends have reached: every entry appended so far lies before it,
     *         every later one at or after it
     */
    IndexMeta.Checkpoint appendPosition() {
        assert writeLock.isHeldByCurrentThread();
        return writer != null ? new IndexMeta.Checkpoint(writer.number(), writer.end())
                : new IndexMeta.Checkpoint(nextPack, PackFormat.HEADER_SIZE);
    }

    /**
     * Makes puts of these blobs store them anew from now until {@link #deletingDone}, though the
     * index still has them: a sweep may be deleting them.
     */
    void deleting(Set<BlobRef> blobs) {
        deleting = Set.copyOf(blobs);
    }

    /** Ends {@link #deleting}. */
    void deletingDone() {
        deleting = Set.of();
    }

    /**
     * Removes deleted blobs from the index, with the deletion log's new state, in one write.
     *
     * @param removed   the blobs and where the index had them; none for a record of compaction
     * @param deletions how far the log is applied now, and the garbage it left
     */
    void commitDeletions(Map<BlobRef, Location> removed, IndexMeta.Deletions deletions) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        IndexBatch batch = new IndexBatch();
        IndexMeta.Counters c = appendedCounters;
        for (Map.Entry<BlobRef, Location> e : removed.entrySet()) {
            batch.delete(e.getKey().bytes());
            c = c.minus(e.getValue());
        }
        parts.index().commit(batch, null, c, deletions);
        appendedCounters = c;
    }

    /**
     * Appends copies of blobs a compaction moves, as puts are appended: the durability mode
     * commits them with the puts around them, and the index queue moves them. A copy is appended
     * only if the index still places its blob where it was read from; the check and the append
     * hold the write lock, which deletions and every other move take too, so no copy is made of a
     * blob deleted meanwhile. Returns once the copies are durable, as a put would.
     *
     * @param copies the blobs' entries as read and checked
     * @param from   where each was read from
     * @return those appended; the others had been deleted or moved meanwhile
     */
    List<Prepared> appendMovedLive(List<Prepared> copies, List<Location> from) {
        long waitFor = 0;
        List<Prepared> appended = new ArrayList<>();
        writeLock.lock();
        IndexMeta.Counters before = appendedCounters;
        try {
            EntryRun run = new EntryRun(appendedCounters, false);
            for (int i = 0; i < copies.size(); i++) {
                Prepared p = copies.get(i);
                // the queue first: a location there is newer than the index's
                Location now = queue.location(BlobRef.of(p.hash()));
                if (now == null && durability.pendingTicket(p.hash()) < 0) {
                    now = parts.index().get(p.hash());
                }
                if (from.get(i).equals(now)) {
                    run.add(p, now);
                    appended.add(p);
                }
            }
            waitFor = handOver(run, true);
        } catch (IOException e) {
            appendedCounters = before;
            throw new StorageIOException("appending to " + packs.dir(), e);
        } finally {
            writeLock.unlock();
        }
        awaitDurable(waitFor);
        return appended;
    }

    /**
     * Forces the active pack, whatever the durability mode: for maintenance about to remove the
     * only other copy of what was appended, which puts that are not forced would otherwise leave
     * to the operating system's flush.
     */
    void forceAppended() throws IOException {
        assert writeLock.isHeldByCurrentThread();
        if (writer != null) {
            OperationListeners.Timing forcing = parts.meters().operations.start();
            writer.force();
            parts.meters().forces.increment();
            forcing.completed(OperationListener.Operation.FORCE, 0);
        }
    }

    /** Takes the totals the index recorded last, after a change written to it directly. */
    void adoptIndexTotals() {
        assert writeLock.isHeldByCurrentThread();
        appendedCounters = parts.index().totals();
    }

    /** Writes index changes that make the index follow a pack again, and takes the totals they leave. */
    void rederived(PackReindex.Changes changes) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        appendedCounters = changes.apply(parts.index(), appendedCounters);
    }

    /** Drops lost blobs from the index and from the totals. */
    void forgetLost(Collection<BlobRef> lost) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        IndexBatch batch = new IndexBatch();
        IndexMeta.Counters c = appendedCounters;
        for (BlobRef r : lost) {
            Location l = parts.index().get(r.bytes());
            if (l == null) {
                continue; // named lost from a damaged entry the index never held
            }
            batch.delete(r.bytes());
            c = new IndexMeta.Counters(c.blobs() - 1, c.bytes() - Math.max(0, l.size()), c.storedBytes() - l.storedSize());
        }
        parts.index().commit(batch, null, c);
        appendedCounters = c;
    }

    /**
     * Rebuilds the index from every pack, up to the active pack's appended end.
     *
     * @param readable whether a blob of the old index still reads back at its place (healing)
     * @return the blobs the old index held that no pack holds any more
     */
    List<BlobRef> rebuildIndex(BiPredicate<byte[], Location> readable) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        IndexMeta.Checkpoint end = writer != null ? new IndexMeta.Checkpoint(writer.number(), writer.end())
                : new IndexMeta.Checkpoint(nextPack, PackFormat.HEADER_SIZE);
        StoreIndex.Rebuilt r = parts.index().rebuild(packs.readers(), packs.codecs(), packs.geometry(), packCount - 1, end,
                readable);
        // the new index knows no deletion: every record of the log is applied to it again
        DeletionReplay.apply(parts.index(), parts.deletions());
        appendedCounters = parts.index().totals();
        return r.vanished();
    }

    // ---- packs -----------------------------------------------------------------------------

    /**
     * Entries on their way into the packs, under the write lock: each is placed after the last,
     * the pack rolls over when the next one does not fit, and every placed entry gets its index
     * record and its share of the totals. The durability mode places the bytes: GROUP only
     * reserves them (the group's leader writes them), the other modes write them at once.
     */
    private final class EntryRun {
        private final IndexBatch batch = new IndexBatch();
        /** The blobs of the run, when it may hold one twice; else null. */
        private final Set<BlobRef> keys;
        private final List<ByteBuffer> buffers = new ArrayList<>();
        private final List<Prepared> items = new ArrayList<>();
        /** For each item, where the blob was before a compaction copied it, or null for a new blob. */
        private final List<Location> movedFrom = new ArrayList<>();
        private IndexMeta.Counters counters;
        private long bytes;
        private int entries;

        /** @param many whether the run may take more than one blob, and so one twice */
        EntryRun(IndexMeta.Counters counters, boolean many) {
            this.counters = counters;
            this.keys = many ? new HashSet<>() : null;
        }

        /** @return whether the run holds the blob already */
        boolean has(byte[] hash) {
            return keys != null && keys.contains(BlobRef.of(hash));
        }

        void add(Prepared p) throws IOException {
            add(p, null);
        }

        /** @param from where a blob being moved is now, counted there; null for a new blob */
        void add(Prepared p, Location from) throws IOException {
            PackWriter w = activeWriter();
            if (!packs.geometry().fits(w.end() + bytes, p.payload().length)) {
                place(w);
                rollover();
            }
            byte[] header = new EntryHeader(p.hash(), p.flag(), p.codecId(), p.payload().length).encode();
            buffers.add(ByteBuffer.wrap(header));
            buffers.add(ByteBuffer.wrap(p.payload()));
            items.add(p);
            movedFrom.add(from);
            if (keys != null) {
                keys.add(BlobRef.of(p.hash()));
            }
            bytes += p.entryBytes();
            entries++;
        }

        /** Places what is left in the active pack; returns the totals with every entry added. */
        IndexMeta.Counters finish() throws IOException {
            place(activeWriter());
            return counters;
        }

        int entries() {
            return entries;
        }

        IndexBatch batch() {
            return batch;
        }

        private void place(PackWriter w) throws IOException {
            if (items.isEmpty()) {
                return;
            }
            ByteBuffer[] bufs = buffers.toArray(new ByteBuffer[0]);
            long offset = durability.place(w, bufs, items.size());
            for (int i = 0; i < items.size(); i++) {
                Prepared p = items.get(i);
                Location loc = new Location(w.number(), offset, p.payload().length, p.size(), p.codecId());
                batch.put(p.hash(), loc.encode());
                Location from = movedFrom.get(i);
                counters = (from == null ? counters : counters.minus(from)).plus(loc);
                offset += p.entryBytes();
                parts.meters().bytesWritten.add(p.entryBytes());
            }
            buffers.clear();
            items.clear();
            movedFrom.clear();
            bytes = 0;
        }
    }

    private PackWriter activeWriter() throws IOException {
        if (writer == null) {
            writer = PackWriter.create(packs.dir(), nextPack, packs.geometry());
            writeAhead(writer);
            nextPack++;
            packCount = nextPack;
            LOG.debug("created pack {}", writer.path());
        }
        return writer;
    }

    /** Closes the full active pack (EOF entry and padding, forced) and opens the next. */
    private PackWriter rollover() throws IOException {
        PackWriter full = writer;
        OperationListeners.Timing forcing = parts.meters().operations.start();
        full.finish(); // its EOF entry and padding, then the force
        parts.meters().forces.increment();
        forcing.completed(OperationListener.Operation.FORCE, 0);
        full.close();
        writer = null;
        LOG.info("pack {} is full", full.path());
        parts.sealing().submit(full.number(), full.entries());
        return activeWriter();
    }

    private void writeAhead(PackWriter w) {
        w.preallocate(durability.forces() ? WRITE_AHEAD : 0);
    }

    /**
     * Indexes what waits in the queue, then closes the active pack's file (cutting the zeros
     * written ahead); the store calls it once no put is in flight.
     */
    @Override
    public void close() throws IOException {
        try (PackWriter w = writer) {
            queue.close();
        }
    }
}
