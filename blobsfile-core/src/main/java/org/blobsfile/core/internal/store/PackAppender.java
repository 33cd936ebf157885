package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.Durability;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.index.IndexMeta;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.index.StoreIndex;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.pack.PackWriter;
import org.blobsfile.core.internal.parity.SealingPipeline;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of the store: appends entries to the active pack, rolls it over when full, and
 * makes what it appended durable and indexed as the durability mode says, always in this order:
 * append, force the pack, then one index batch that also records the checkpoint.
 *
 * <p>SYNC_EACH and NONE finish each append under the write lock. GROUP appends only reserve
 * their bytes; each put then waits in the {@link GroupCommitter} for a commit that writes and
 * forces everything appended before it, wakes the puts it covered, and writes their index batch.
 * Until that batch is written, the blobs are found here ({@link #forcedPending}), so a put that
 * returned can always be read back.
 */
final class PackAppender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PackAppender.class);

    /** The packs of the store, as maintenance needs them: how many, and how far the active one goes. */
    record Extent(int packs, int active, long activeEnd) {
        /** @return the length to read of each pack: the active pack's appended end, else its file's */
        long[] lengths(PackReaders readers) throws IOException {
            long[] lengths = new long[packs];
            for (int n = 0; n < packs; n++) {
                lengths[n] = n == active ? activeEnd : Files.size(readers.path(n));
            }
            return lengths;
        }
    }

    /** Work run with every append settled and new ones held back. */
    interface Exclusive<T> {
        T run() throws IOException;
    }

    private final Path dir;
    private final Durability durability;
    private final long maxPackSize;
    private final StoreIndex index;
    private final SealingPipeline sealing;
    private final StoreMeters meters;

    /** Serializes appends, rollover and index updates. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Held while a group is committed, and by {@link #exclusively} work that needs the index
     * settled; taken before {@link #writeLock}, never after.
     */
    private final ReentrantLock commitLock = new ReentrantLock();
    /** Where GROUP puts wait for the commit that covers them, and who leads it. */
    private final GroupCommitter committer = new GroupCommitter(this::commitGroup, () -> this.durableTicket);
    /** GROUP mode: appended entries not yet forced and indexed, in append order (guarded by writeLock). */
    private final List<Pending> pending = new ArrayList<>();
    /**
     * GROUP mode: the blobs of {@link #pending}, for deduplication, and for reads of blobs whose
     * put has returned (they are forced) before the index batch that records them is written.
     */
    private final Map<BlobRef, PendingBlob> pendingKeys = new ConcurrentHashMap<>();
    private long lastTicket;
    /** GROUP mode: every put up to this ticket is forced, and may return. */
    private volatile long durableTicket;
    /** GROUP mode: every put up to this ticket is also in the index. */
    private volatile long indexedTicket;
    /** Totals including appended but not yet committed entries (guarded by writeLock). */
    private IndexMeta.Counters appendedCounters;
    /** Totals of what the index holds. */
    private volatile IndexMeta.Counters counters;
    private PackWriter writer;
    private int nextPack;
    private volatile int packCount;

    /**
     * @param writer    the active pack as the store was opened with it, or null
     * @param nextPack  the number the next new pack gets
     * @param counters  the totals the index holds
     */
    PackAppender(Path dir, Durability durability, long maxPackSize, StoreIndex index, SealingPipeline sealing,
                 StoreMeters meters, PackWriter writer, int nextPack, IndexMeta.Counters counters) {
        this.dir = dir;
        this.durability = durability;
        this.maxPackSize = maxPackSize;
        this.index = index;
        this.sealing = sealing;
        this.meters = meters;
        this.writer = writer;
        this.nextPack = nextPack;
        this.packCount = nextPack;
        this.counters = counters;
        this.appendedCounters = counters;
    }

    /** @return how many pack files the store has, the active one included */
    int packCount() {
        return packCount;
    }

    /** @return the totals of every blob indexed so far */
    IndexMeta.Counters counters() {
        return counters;
    }

    /** @return the packs as they are now, read under the write lock */
    Extent extent() {
        writeLock.lock();
        try {
            return writer != null ? new Extent(packCount, writer.number(), writer.end())
                    : new Extent(packCount, -1, -1);
        } finally {
            writeLock.unlock();
        }
    }

    // ---- appending -------------------------------------------------------------------------

    /**
     * Appends the blobs no other put stored meanwhile, under the write lock. SYNC_EACH and NONE
     * are then stored; GROUP puts must still pass {@link #awaitDurable} with the ticket returned.
     *
     * @param writeNow in GROUP mode, write the bytes now rather than at the group's commit, so a
     *                 caller with more to append overlaps the write with its other work
     * @return the ticket to wait for before the blobs count as stored, or 0
     */
    long append(List<Prepared> todo, boolean writeNow) {
        long waitFor = 0;
        writeLock.lock();
        try {
            EntryRun run = new EntryRun(appendedCounters);
            for (Prepared p : todo) {
                PendingBlob other = pendingKeys.get(BlobRef.of(p.hash()));
                if (other != null || index.contains(p.hash())) {
                    // another thread stored it since we looked; if its put has not returned yet,
                    // ours must not return before that one is durable either
                    meters.dedupedPuts.increment();
                    waitFor = Math.max(waitFor, other == null ? 0 : other.ticket());
                    continue;
                }
                run.add(p);
            }
            if (run.entries() > 0) {
                waitFor = Math.max(waitFor, appendLocked(run));
                if (writeNow && durability == Durability.GROUP) {
                    writer.writeReserved();
                }
            }
        } catch (IOException e) {
            throw new StorageIOException("appending to " + dir, e);
        } finally {
            writeLock.unlock();
        }
        return waitFor;
    }

    /** Returns once the puts up to {@code ticket} are durable: see {@link GroupCommitter}. */
    void awaitDurable(long ticket) {
        if (ticket <= durableTicket) {
            return;
        }
        try {
            committer.await(ticket);
        } catch (IOException e) {
            throw new StorageIOException("committing puts to " + dir, e);
        }
    }

    /**
     * Writes the last run, then forces and indexes it (SYNC_EACH, NONE) or queues it for the
     * next group commit (GROUP). Under the write lock.
     *
     * @return the ticket to wait for, or 0
     */
    private long appendLocked(EntryRun run) throws IOException {
        IndexMeta.Counters c = run.finish();
        IndexBatch batch = run.batch();
        appendedCounters = c;
        IndexMeta.Checkpoint cp = new IndexMeta.Checkpoint(writer.number(), writer.end());
        if (durability == Durability.GROUP) {
            long ticket = ++lastTicket;
            pending.add(new Pending(ticket, writer, batch, cp, c));
            for (IndexRecord r : batch.puts()) {
                pendingKeys.put(BlobRef.of(r.key()), new PendingBlob(ticket, r.value()));
            }
            committer.arrived();
            return ticket;
        }
        if (durability == Durability.SYNC_EACH) {
            writer.force();
            meters.forces.increment();
        }
        batch.putMeta(IndexMeta.CHECKPOINT, cp.encode());
        batch.putMeta(IndexMeta.COUNTERS, c.encode());
        index.write(batch);
        counters = c;
        return 0;
    }

    /** A blob appended in GROUP mode and not yet indexed: its ticket and its encoded location. */
    private record PendingBlob(long ticket, byte[] location) {
    }

    /** Entries appended in GROUP mode, waiting for the force and index batch that make them stored. */
    private record Pending(long ticket, PackWriter writer, IndexBatch batch, IndexMeta.Checkpoint checkpoint,
                           IndexMeta.Counters counters) {
    }

    // ---- group commit ----------------------------------------------------------------------

    /** A group commit as the {@link GroupCommitter} runs it. @return how many puts it covered */
    private int commitGroup(Runnable forced) throws IOException {
        commitLock.lock();
        try {
            return commitPending(forced);
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Forces everything appended so far, tells {@code forced}, then writes the one index batch
     * that records it. Needs {@link #commitLock}, held until the batch is written, so the next
     * group's force waits for it and the index's checkpoints only ever advance.
     *
     * @param forced run once the group is forced: its puts may return before it is indexed,
     *               because reads find such blobs in {@link #pendingKeys}
     * @return how many puts (appends) it covered
     */
    private int commitPending(Runnable forced) throws IOException {
        List<Pending> group;
        writeLock.lock();
        try {
            group = new ArrayList<>(pending);
            committer.taken();
            if (writer != null) {
                writer.writeReserved(); // one write for the whole group; the force runs outside the lock
            }
        } finally {
            writeLock.unlock();
        }
        if (group.isEmpty()) {
            return 0;
        }
        Set<PackWriter> packs = new HashSet<>();
        IndexBatch merged = new IndexBatch();
        int entries = 0;
        for (Pending g : group) {
            packs.add(g.writer());
            for (IndexRecord r : g.batch().puts()) {
                merged.put(r.key(), r.value());
                entries++;
            }
        }
        for (PackWriter w : packs) {
            // a pack that rolled over meanwhile was forced by its EOF entry; only the open one needs it
            if (!w.isFinished()) {
                try {
                    w.force();
                    meters.forces.increment();
                } catch (ClosedChannelException e) {
                    if (!w.isFinished()) {
                        throw e;
                    }
                }
            }
        }
        Pending last = group.get(group.size() - 1);
        durableTicket = Math.max(durableTicket, last.ticket());
        forced.run();
        merged.putMeta(IndexMeta.CHECKPOINT, last.checkpoint().encode());
        merged.putMeta(IndexMeta.COUNTERS, last.counters().encode());
        index.write(merged);
        meters.groupCommits.increment();
        meters.groupedEntries.add(entries);
        writeLock.lock();
        try {
            pending.removeIf(g -> g.ticket() <= last.ticket());
            pendingKeys.values().removeIf(b -> b.ticket() <= last.ticket());
            counters = last.counters();
        } finally {
            writeLock.unlock();
        }
        indexedTicket = last.ticket();
        return group.size();
    }

    /**
     * Where a blob is that was forced but is not indexed yet (GROUP), or null. Looked up before
     * the index: a blob leaves {@link #pendingKeys} only after its index batch is written, so a
     * blob missing from both is not stored.
     */
    Location forcedPending(BlobRef ref) {
        if (pendingKeys.isEmpty()) {
            return null;
        }
        PendingBlob b = pendingKeys.get(ref);
        return b != null && b.ticket() <= durableTicket ? Location.decode(b.location()) : null;
    }

    /**
     * Waits until every forced group is also indexed, for the calls that read the index as a
     * whole (enumerate, stats): they then see every put that returned before them.
     */
    void awaitIndexed() {
        if (indexedTicket < durableTicket) {
            commitLock.lock(); // a leader holds it until its index batch is written
            commitLock.unlock();
        }
    }

    /**
     * Runs {@code work} with every append so far forced and indexed, and new appends and commits
     * held back until it returns: for maintenance that moves blobs or rewrites the index.
     */
    <T> T exclusively(Exclusive<T> work) throws IOException {
        commitLock.lock();
        writeLock.lock();
        try {
            commitPending(() -> { }); // the write lock is reentrant
            return work.run();
        } finally {
            writeLock.unlock();
            commitLock.unlock();
        }
    }

    // ---- maintenance (inside exclusively) ----------------------------------------------------

    /** Appends entries copied from a damaged pack, replacing their index records; the totals stay. */
    void appendMoved(List<Prepared> items) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        if (items.isEmpty()) {
            return;
        }
        EntryRun run = new EntryRun(IndexMeta.Counters.ZERO);
        for (Prepared p : items) {
            run.add(p);
        }
        run.finish();
        IndexBatch batch = run.batch();
        writer.writeReserved();
        writer.force();
        meters.forces.increment();
        batch.putMeta(IndexMeta.CHECKPOINT, new IndexMeta.Checkpoint(writer.number(), writer.end()).encode());
        batch.putMeta(IndexMeta.COUNTERS, appendedCounters.encode()); // the same blobs, moved
        index.write(batch);
    }

    /** Drops lost blobs from the index and from the totals. */
    void forgetLost(Collection<BlobRef> lost) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        IndexBatch batch = new IndexBatch();
        IndexMeta.Counters c = appendedCounters;
        for (BlobRef r : lost) {
            Location l = index.get(r.bytes());
            batch.delete(r.bytes());
            c = new IndexMeta.Counters(c.blobs() - 1, c.bytes() - Math.max(0, l.size()), c.storedBytes() - l.storedSize());
        }
        batch.putMeta(IndexMeta.COUNTERS, c.encode());
        index.write(batch);
        counters = c;
        appendedCounters = c;
    }

    /** Rebuilds the index from every pack, up to the active pack's appended end. */
    void rebuildIndex(PackReaders readers, CodecRegistry codecs) throws IOException {
        assert writeLock.isHeldByCurrentThread();
        IndexMeta.Checkpoint end = writer != null ? new IndexMeta.Checkpoint(writer.number(), writer.end())
                : new IndexMeta.Checkpoint(nextPack, PackFormat.HEADER_SIZE);
        counters = index.rebuild(readers, codecs, PackGeometry.of(maxPackSize), packCount - 1, end);
        appendedCounters = counters;
    }

    // ---- packs -----------------------------------------------------------------------------

    /**
     * Entries on their way into the packs, under the write lock: each is placed after the last,
     * the pack rolls over when the next one does not fit, and every placed entry gets its index
     * record and its share of the totals. GROUP only reserves the bytes (the group's leader
     * writes them); the other modes write them at once.
     */
    private final class EntryRun {
        private final IndexBatch batch = new IndexBatch();
        private final List<ByteBuffer> buffers = new ArrayList<>();
        private final List<Prepared> items = new ArrayList<>();
        private IndexMeta.Counters counters;
        private long bytes;
        private int entries;

        EntryRun(IndexMeta.Counters counters) {
            this.counters = counters;
        }

        void add(Prepared p) throws IOException {
            PackWriter w = activeWriter();
            if (!PackGeometry.of(maxPackSize).fits(w.end() + bytes, p.payload().length)) {
                place(w);
                rollover();
            }
            byte[] header = new EntryHeader(p.hash(), p.flag(), p.algo(), p.payload().length).encode();
            buffers.add(ByteBuffer.wrap(header));
            buffers.add(ByteBuffer.wrap(p.payload()));
            items.add(p);
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
            long offset = durability == Durability.GROUP ? w.reserve(bufs, items.size()) : w.append(bufs, items.size());
            for (Prepared p : items) {
                Location loc = new Location(w.number(), offset, p.payload().length, p.size(), p.algo());
                batch.put(p.hash(), loc.encode());
                counters = counters.plus(loc);
                offset += p.entryBytes();
                meters.bytesWritten.add(p.entryBytes());
            }
            buffers.clear();
            items.clear();
            bytes = 0;
        }
    }

    private PackWriter activeWriter() throws IOException {
        if (writer == null) {
            writer = PackWriter.create(dir, nextPack, PackGeometry.of(maxPackSize));
            nextPack++;
            packCount = nextPack;
            LOG.debug("created pack {}", writer.path());
        }
        return writer;
    }

    /** Closes the full active pack (EOF entry and padding, forced) and opens the next. */
    private PackWriter rollover() throws IOException {
        PackWriter full = writer;
        full.finish();
        meters.forces.increment();
        full.close();
        writer = null;
        LOG.info("pack {} is full", full.path());
        sealing.submit(full.number(), full.entries());
        return activeWriter();
    }

    /** Closes the active pack's file; the store calls it once no put is in flight. */
    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
    }
}
