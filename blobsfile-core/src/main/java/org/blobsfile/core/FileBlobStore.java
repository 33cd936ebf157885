package org.blobsfile.core;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.BlobTooLargeException;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.Durability;
import org.blobsfile.api.HashMismatchException;
import org.blobsfile.api.Progress;
import org.blobsfile.api.Range;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.SealListener;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreClosedException;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: packs in a directory, an index beside them. CPU work (hashing, compression) runs in
 * the caller's thread outside any lock; appends and index updates are serialized by the write
 * lock; reads take no lock but the lifecycle's shared one.
 */
final class FileBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);

    private final Path dir;
    private final BlobStoreOptions options;
    private final long maxPackSize;
    private final long maxBlob;
    private final CodecRegistry codecs;
    private final Codec writeCodec;
    private final StoreIndex index;
    private final PackReaders readers;
    private final DirectoryLock lock;
    private final SealingPipeline sealing;
    private final Quarantine quarantine;
    /** Blobs lost with a quarantined pack, so that a get can say where they went. */
    private final Map<BlobRef, Integer> lost = new ConcurrentHashMap<>();
    /** Packs a self-healing read found damaged and queued for repair. */
    private final Set<Integer> repairQueued = ConcurrentHashMap.newKeySet();

    /** Held shared by every call, exclusively by close: close waits for calls in flight. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** Serializes appends, rollover and index updates. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Held while a group is committed, and by maintenance that needs the index settled (rebuild,
     * repair); taken before {@link #writeLock}, never after.
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
    private PackWriter writer;
    private int nextPack;
    private volatile int packCount;
    private volatile IndexMeta.Counters counters;

    private final LongAdder puts = new LongAdder();
    private final LongAdder dedupedPuts = new LongAdder();
    private final LongAdder gets = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder forces = new LongAdder();
    private final LongAdder indexRebuilds = new LongAdder();
    private final LongAdder repairs = new LongAdder();
    private final LongAdder healedReads = new LongAdder();
    private final LongAdder groupCommits = new LongAdder();
    private final LongAdder groupedEntries = new LongAdder();
    private final long recoveredEntries;
    private final long truncatedBytes;
    private final boolean uncleanShutdown;

    private FileBlobStore(StoreOpener.Opened o) {
        this.dir = o.dir();
        this.options = o.options();
        this.maxPackSize = o.maxPackSize();
        this.maxBlob = Math.min(PackFormat.maxPayload(maxPackSize), Integer.MAX_VALUE - 8);
        this.codecs = o.codecs();
        this.writeCodec = o.writeCodec();
        this.index = o.index();
        this.readers = o.readers();
        this.lock = o.lock();
        this.sealing = o.sealing();
        this.quarantine = new Quarantine(dir, maxPackSize);
        try {
            lost.putAll(quarantine.lostBlobs());
        } catch (IOException e) {
            throw new StorageIOException("reading the quarantine notes of " + dir, e);
        }
        this.writer = o.writer();
        this.nextPack = o.nextPack();
        this.packCount = o.nextPack();
        this.counters = o.counters();
        this.appendedCounters = o.counters();
        this.recoveredEntries = o.recoveredEntries();
        this.truncatedBytes = o.truncatedBytes();
        this.uncleanShutdown = o.uncleanShutdown();
        if (o.rebuilt()) {
            indexRebuilds.increment();
        }
    }

    /** Opens or creates the store the options describe. */
    static FileBlobStore open(BlobStoreOptions options) {
        return new FileBlobStore(StoreOpener.open(options));
    }

    // ---- lifecycle -------------------------------------------------------------------------

    private void enter() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            throw new StoreClosedException(dir);
        }
    }

    private void exit() {
        lifecycle.readLock().unlock();
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            AutoCloseable clean = () -> Files.deleteIfExists(dir.resolve(StoreOpener.DIRTY));
            for (AutoCloseable c : new AutoCloseable[] {sealing, writer, index, readers, clean, lock}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e instanceof IOException io ? io : new IOException(e);
                    }
                }
            }
            if (failure != null) {
                throw new StorageIOException("closing store " + dir, failure);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    // ---- writes ----------------------------------------------------------------------------

    /** A blob hashed and compressed, ready to append. */
    private record Prepared(byte[] hash, byte[] payload, int flag, int algo, long size) {
    }

    @Override
    public BlobRef put(byte[] data) {
        Objects.requireNonNull(data, "data");
        enter();
        try {
            checkSizes(List.of(data)); // before hashing: a blob that cannot be stored costs nothing
            byte[] hash = Blake2b.hash(data, 0, data.length);
            store(List.of(data), List.of(hash));
            return BlobRef.of(hash);
        } finally {
            exit();
        }
    }

    @Override
    public void put(BlobRef ref, byte[] data) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(data, "data");
        enter();
        try {
            checkSizes(List.of(data));
            byte[] hash = Blake2b.hash(data, 0, data.length);
            BlobRef actual = BlobRef.of(hash);
            if (!actual.equals(ref)) {
                throw new HashMismatchException(ref, actual);
            }
            store(List.of(data), List.of(hash));
        } finally {
            exit();
        }
    }

    @Override
    public List<BlobRef> putAll(List<byte[]> blobs) {
        Objects.requireNonNull(blobs, "blobs");
        enter();
        try {
            checkSizes(blobs);
            boolean parallel = worthSpreading(blobs);
            byte[][] hashes = new byte[blobs.size()][];
            if (parallel && options.durability() != Durability.SYNC_EACH) {
                storeOverlapped(blobs, hashes);
            } else {
                each(blobs.size(), parallel, i -> hashes[i] = Blake2b.hash(blobs.get(i), 0, blobs.get(i).length));
                store(blobs, Arrays.asList(hashes));
            }
            List<BlobRef> refs = new ArrayList<>(blobs.size());
            for (byte[] h : hashes) {
                refs.add(BlobRef.of(h));
            }
            return refs;
        } finally {
            exit();
        }
    }

    /** Bytes in a batch above which hashing and compressing it is spread over the cores. */
    private static final long SPREAD_BYTES = 256 * 1024;

    private static boolean worthSpreading(List<byte[]> blobs) {
        if (blobs.size() < 2) {
            return false;
        }
        long total = 0;
        for (byte[] b : blobs) {
            total += b.length;
        }
        return total >= SPREAD_BYTES;
    }

    /** A blob of a putAll, hashed and, unless the index already has it, prepared. */
    private record Staged(byte[] hash, Prepared prepared) {
    }

    /**
     * Stores a batch with the appends overlapping the hashing and compressing: blobs are staged
     * on every core, and this thread appends each run of staged blobs as soon as it is ready,
     * writing its bytes at once, while the rest are still being staged. Only the force waits
     * for the end, and it is one force for the whole batch. SYNC_EACH keeps one append per batch
     * instead, since each of its appends forces.
     *
     * @param hashes filled with the hash of every blob, in order
     */
    private void storeOverlapped(List<byte[]> blobs, byte[][] hashes) {
        puts.add(blobs.size());
        Set<BlobRef> seen = new HashSet<>();
        int[] staged = {0};
        long[] waitFor = {0};
        withInterruptHeld(() -> {
            OrderedPipeline.run(blobs.size(), i -> stage(blobs.get(i)), run -> {
                List<Prepared> todo = new ArrayList<>(run.size());
                for (Staged st : run) {
                    hashes[staged[0]++] = st.hash();
                    if (st.prepared() == null || !seen.add(BlobRef.of(st.hash()))) {
                        dedupedPuts.increment();
                        continue;
                    }
                    todo.add(st.prepared());
                }
                if (!todo.isEmpty()) {
                    waitFor[0] = Math.max(waitFor[0], appendNow(todo, true));
                }
            });
            if (waitFor[0] > durableTicket) {
                commit(waitFor[0]);
            }
        });
    }

    /** Hashes a blob and, when the index does not have it yet, compresses it. Any thread. */
    private Staged stage(byte[] data) {
        byte[] hash = Blake2b.hash(data, 0, data.length);
        return new Staged(hash, index.contains(hash) ? null : prepare(hash, data));
    }

    /** Runs {@code task} for 0..n-1, on the common pool's threads and this one when {@code parallel}. */
    private static void each(int n, boolean parallel, java.util.function.IntConsumer task) {
        java.util.stream.IntStream range = java.util.stream.IntStream.range(0, n);
        (parallel ? range.parallel() : range).forEach(task);
    }

    private void checkSizes(List<byte[]> blobs) {
        for (byte[] b : blobs) {
            Objects.requireNonNull(b, "blob");
            if (b.length > maxBlob) {
                throw new BlobTooLargeException(b.length, maxBlob);
            }
        }
    }

    private void store(List<byte[]> blobs, List<byte[]> hashes) {
        checkSizes(blobs);
        puts.add(blobs.size());
        List<Integer> fresh = new ArrayList<>(blobs.size());
        Set<BlobRef> seen = new HashSet<>();
        for (int i = 0; i < blobs.size(); i++) {
            byte[] hash = hashes.get(i);
            if (!seen.add(BlobRef.of(hash)) || index.contains(hash)) {
                dedupedPuts.increment();
                continue;
            }
            fresh.add(i);
        }
        if (fresh.isEmpty()) {
            return;
        }
        Prepared[] todo = new Prepared[fresh.size()];
        each(todo.length, writeCodec != null && worthSpreading(blobs), k -> {
            int i = fresh.get(k);
            todo[k] = prepare(hashes.get(i), blobs.get(i));
        });
        append(Arrays.asList(todo));
    }

    private Prepared prepare(byte[] hash, byte[] data) {
        if (writeCodec != null && data.length > 0) {
            byte[] c = writeCodec.compress(data, 0, data.length);
            if (c.length < data.length) {
                return new Prepared(hash, c, PackFormat.FLAG_COMPRESSED, writeCodec.id(), data.length);
            }
        }
        // a codec that does not shrink a blob costs reads for nothing: keep it plain
        return new Prepared(hash, data, PackFormat.FLAG_BLOB, PackFormat.ALGO_NONE, data.length);
    }

    /**
     * Appends the blobs, then makes them durable and indexed as the durability mode says:
     * SYNC_EACH and NONE finish under the write lock; GROUP hands the entries to
     * {@link #commit}, where one force and one index batch cover every put appended before it.
     */
    private void append(List<Prepared> todo) {
        withInterruptHeld(() -> {
            long waitFor = appendNow(todo, false);
            if (waitFor > durableTicket) {
                commit(waitFor);
            }
        });
    }

    /**
     * Runs a put's writing part with the thread's interrupt held back, then hands it on: an
     * interrupt would close the pack's channel under every other put.
     */
    private static void withInterruptHeld(Runnable write) {
        boolean interrupted = Thread.interrupted();
        try {
            write.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Appends the blobs no other put stored meanwhile, under the write lock.
     *
     * @param write in GROUP mode, write the bytes now rather than at the group's commit, so a
     *              caller with more to append overlaps the write with its other work
     * @return the ticket to wait for before the blobs count as stored, or 0
     */
    private long appendNow(List<Prepared> todo, boolean write) {
        long waitFor = 0;
        writeLock.lock();
        try {
            EntryRun run = new EntryRun(appendedCounters);
            for (Prepared p : todo) {
                PendingBlob other = pendingKeys.get(BlobRef.of(p.hash()));
                if (other != null || index.contains(p.hash())) {
                    // another thread stored it since we looked; if its put has not returned yet,
                    // ours must not return before that one is durable either
                    dedupedPuts.increment();
                    waitFor = Math.max(waitFor, other == null ? 0 : other.ticket());
                    continue;
                }
                run.add(p);
            }
            if (run.entries() > 0) {
                waitFor = Math.max(waitFor, appendLocked(run));
                if (write && options.durability() == Durability.GROUP) {
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
        if (options.durability() == Durability.GROUP) {
            long ticket = ++lastTicket;
            pending.add(new Pending(ticket, writer, batch, cp, c));
            for (IndexRecord r : batch.puts()) {
                pendingKeys.put(BlobRef.of(r.key()), new PendingBlob(ticket, r.value()));
            }
            committer.arrived();
            return ticket;
        }
        if (options.durability() == Durability.SYNC_EACH) {
            writer.force();
            forces.increment();
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

    /** Returns once the entries of {@code ticket} are forced: see {@link GroupCommitter}. */
    private void commit(long ticket) {
        try {
            committer.await(ticket);
        } catch (IOException e) {
            throw new StorageIOException("committing puts to " + dir, e);
        }
    }

    /** A group commit as the {@link GroupCommitter} runs it. @return how many puts it covered */
    private int commitGroup(Runnable forced) throws IOException {
        commitLock.lock();
        try {
            return commitPending(forced);
        } finally {
            commitLock.unlock();
        }
    }

    /** Forces and indexes everything appended so far. Needs {@link #commitLock}. */
    private void commitPending() throws IOException {
        commitPending(() -> { });
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
                    forces.increment();
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
        groupCommits.increment();
        groupedEntries.add(entries);
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
            if (!PackFormat.fits(w.end() + bytes, p.payload().length, maxPackSize)) {
                place(w);
                rollover();
            }
            byte[] header = new byte[PackFormat.ENTRY_HEADER];
            PackFormat.putEntryHeader(header, 0, p.hash(), p.flag(), p.algo(), p.payload().length);
            buffers.add(ByteBuffer.wrap(header));
            buffers.add(ByteBuffer.wrap(p.payload()));
            items.add(p);
            bytes += PackFormat.ENTRY_HEADER + p.payload().length;
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
            long offset = options.durability() == Durability.GROUP ? w.reserve(bufs, items.size())
                    : w.append(bufs, items.size());
            for (Prepared p : items) {
                Location loc = new Location(w.number(), offset, p.payload().length, p.size(), p.algo());
                batch.put(p.hash(), loc.encode());
                counters = counters.plus(loc);
                offset += PackFormat.ENTRY_HEADER + p.payload().length;
                bytesWritten.add(PackFormat.ENTRY_HEADER + p.payload().length);
            }
            buffers.clear();
            items.clear();
            bytes = 0;
        }
    }

    private PackWriter activeWriter() throws IOException {
        if (writer == null) {
            writer = PackWriter.create(dir, nextPack, maxPackSize);
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
        forces.increment();
        full.close();
        writer = null;
        LOG.info("pack {} is full", full.path());
        sealing.submit(full.number(), full.entries());
        return activeWriter();
    }


    // ---- reads -----------------------------------------------------------------------------

    @Override
    public byte[] get(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        enter();
        try {
            Location loc = locate(ref);
            gets.increment();
            return read(ref, loc);
        } finally {
            exit();
        }
    }

    private Location locate(BlobRef ref) {
        Location loc = forcedPending(ref);
        if (loc == null) {
            loc = index.get(ref.bytes());
        }
        if (loc == null) {
            Integer pack = lost.get(ref);
            if (pack != null) {
                throw new BlobNotFoundException(ref, "blob " + ref + " was lost: pack " + PackFormat.fileName(pack)
                        + " could not be repaired and is in " + quarantine.packPath(pack) + " (see "
                        + quarantine.notePath(pack).getFileName() + ")");
            }
            throw new BlobNotFoundException(ref);
        }
        return loc;
    }

    private byte[] read(BlobRef ref, Location loc) {
        byte[] payload = new byte[Math.toIntExact(loc.storedSize())];
        try {
            readers.readFully(loc.pack(), loc.payloadOffset(), payload, 0, payload.length);
        } catch (EOFException e) {
            throw new CorruptPackException(readers.path(loc.pack()), loc.offset(),
                    "the file ends inside the entry of blob " + ref);
        } catch (IOException e) {
            throw new StorageIOException("reading blob " + ref + " from " + readers.path(loc.pack()), e);
        }
        bytesRead.add(payload.length);
        CorruptPackException damage;
        try {
            return decodeChecked(ref, loc, payload);
        } catch (CorruptPackException e) {
            damage = e;
        }
        if (!sealing.isSealed(loc.pack())) {
            throw damage;
        }
        // a sealed pack carries parity: rebuild the damaged bytes instead of failing the read
        byte[] healed;
        try {
            healed = new BlobHealer(maxPackSize).heal(readers.channel(loc.pack()), loc.payloadOffset(), payload.length,
                    candidate -> {
                        try {
                            decodeChecked(ref, loc, candidate);
                            return true;
                        } catch (CorruptPackException stillBad) {
                            return false;
                        }
                    });
        } catch (IOException e) {
            damage.addSuppressed(e);
            throw damage;
        }
        if (healed == null) {
            throw damage;
        }
        healedReads.increment();
        LOG.warn("{}: rebuilt blob {} from parity; repairing the pack", readers.path(loc.pack()), ref);
        scheduleRepair(loc.pack());
        return decodeChecked(ref, loc, healed);
    }

    /**
     * Where a blob is that was forced but is not indexed yet (GROUP), or null. Looked up before
     * the index: a blob leaves {@link #pendingKeys} only after its index batch is written, so a
     * blob missing from both is not stored.
     */
    private Location forcedPending(BlobRef ref) {
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
    private void awaitIndexed() {
        if (indexedTicket < durableTicket) {
            commitLock.lock(); // a leader holds it until its index batch is written
            commitLock.unlock();
        }
    }

    /** Decodes a payload and checks the blob's hash; damage of either kind is a {@link CorruptPackException}. */
    private byte[] decodeChecked(BlobRef ref, Location loc, byte[] payload) {
        // the pack's path is only named in failures: building it costs a formatted string per read
        int flag = loc.algo() == PackFormat.ALGO_NONE ? PackFormat.FLAG_BLOB : PackFormat.FLAG_COMPRESSED;
        byte[] blob;
        try {
            blob = Payloads.decode(codecs, flag, loc.algo(), payload, (int) maxBlob);
        } catch (IOException e) {
            CorruptPackException c = new CorruptPackException(readers.path(loc.pack()), loc.offset(),
                    "payload of blob " + ref + " does not decode with codec id " + loc.algo());
            c.addSuppressed(e);
            throw c;
        }
        byte[] actual = Blake2b.hash(blob, 0, blob.length);
        if (!Arrays.equals(actual, 0, BlobRef.LENGTH, ref.bytes(), 0, BlobRef.LENGTH)) {
            throw new CorruptPackException(readers.path(loc.pack()), loc.offset(), "blob " + ref + " fails its hash check (the bytes hash to "
                    + BlobRef.of(actual) + ")");
        }
        return blob;
    }

    /** Repairs a sealed pack in the background thread, once, after a read had to heal it. */
    private void scheduleRepair(int pack) {
        if (!repairQueued.add(pack)) {
            return;
        }
        sealing.runLater(() -> {
            try {
                Path p = readers.path(pack);
                PackVerifier.PackCheck check = new PackVerifier(maxPackSize, codecs).check(p, pack, Files.size(p), n -> { });
                PackRepairer.Outcome o = new PackRepairer(maxPackSize, codecs).repair(p, check, n -> { });
                if (o.status() == PackRepairer.Status.REPAIRED) {
                    readers.forget(pack);
                    repairs.increment();
                    LOG.info("{}: repaired from parity (shards {})", p, o.rebuiltShards());
                } else if (o.status() == PackRepairer.Status.UNRECOVERABLE) {
                    LOG.error("{}: cannot be repaired in the background ({}); run repair to quarantine it", p, o.reason());
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("background repair of pack {} failed", pack, e);
            } finally {
                repairQueued.remove(pack);
            }
        });
    }

    @Override
    public boolean exists(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        enter();
        try {
            return forcedPending(ref) != null || index.contains(ref.bytes());
        } finally {
            exit();
        }
    }

    @Override
    public long size(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        enter();
        try {
            Location loc = locate(ref);
            if (loc.size() < 0) {
                codecs.forId(loc.algo()); // throws naming the missing codec
            }
            return loc.size();
        } finally {
            exit();
        }
    }

    @Override
    public Stream<BlobInfo> enumerate(Range range) {
        Objects.requireNonNull(range, "range");
        enter();
        try {
            awaitIndexed();
        } finally {
            exit();
        }
        return new IndexWalk(index, range, this::enter, this::exit).stream();
    }

    // ---- maintenance and introspection -----------------------------------------------------

    @Override
    public VerifyReport verify(Progress progress) {
        Objects.requireNonNull(progress, "progress");
        enter();
        try {
            sealing.awaitIdle(); // a pack half-way through its seal is not damaged, just busy
            int packs;
            long activeEnd;
            int active;
            writeLock.lock();
            try {
                packs = packCount;
                active = writer != null ? writer.number() : -1;
                activeEnd = writer != null ? writer.end() : -1;
            } finally {
                writeLock.unlock();
            }
            long[] lengths = new long[packs];
            long total = 0;
            for (int n = 0; n < packs; n++) {
                lengths[n] = n == active ? activeEnd : Files.size(readers.path(n));
                total += lengths[n];
            }
            PackVerifier verifier = new PackVerifier(maxPackSize, codecs);
            List<Damage> damage = new ArrayList<>();
            long read = 0;
            long blobs = 0;
            long[] done = {0};
            final long all = total;
            for (int n = 0; n < packs; n++) {
                PackVerifier.PackCheck c = verifier.check(readers.path(n), n, lengths[n], chunk -> {
                    done[0] += chunk;
                    progress.update(done[0], all);
                });
                damage.addAll(c.damage());
                read += c.bytesRead();
                blobs += c.blobs();
            }
            if (!damage.isEmpty()) {
                LOG.warn("verify of {} found {} problems; the first: {}", dir, damage.size(), damage.get(0));
            }
            return new VerifyReport(packs, read, blobs, damage);
        } catch (IOException e) {
            throw new StorageIOException("verifying " + dir, e);
        } finally {
            exit();
        }
    }

    @Override
    public RepairReport repair(Progress progress) {
        Objects.requireNonNull(progress, "progress");
        enter();
        commitLock.lock();
        writeLock.lock(); // puts wait: quarantine copies blobs into the active pack
        try {
            commitPending(); // settle GROUP puts in flight (the write lock is reentrant)
            sealing.awaitIdle();
            int active = writer != null ? writer.number() : -1;
            List<Path> repaired = new ArrayList<>();
            List<Path> quarantined = new ArrayList<>();
            List<BlobRef> lostNow = new ArrayList<>();
            List<Damage> found = new ArrayList<>();
            List<Damage> remaining = new ArrayList<>();
            long total = 0;
            for (int n = 0; n < packCount; n++) {
                total += n == active ? writer.end() : Files.size(readers.path(n));
            }
            long[] done = {0};
            final long all = total;
            LongConsumer tick = chunk -> {
                done[0] += chunk;
                progress.update(done[0], all);
            };
            PackVerifier verifier = new PackVerifier(maxPackSize, codecs);
            for (int n = 0; n < packCount; n++) {
                Path p = readers.path(n);
                PackVerifier.PackCheck check = verifier.check(p, n, n == active ? writer.end() : Files.size(p), tick);
                if (check.isClean()) {
                    continue;
                }
                found.addAll(check.damage());
                if (n == active) {
                    remaining.addAll(check.damage()); // no parity yet: a damaged blob here is lost, the rest serve
                    continue;
                }
                PackRepairer.Outcome o = check.sealed()
                        ? new PackRepairer(maxPackSize, codecs).repair(p, check, n2 -> { })
                        : new PackRepairer.Outcome(PackRepairer.Status.UNRECOVERABLE, List.of(),
                                "the pack is damaged and has no parity", damagedBlobs(check));
                if (o.status() == PackRepairer.Status.REPAIRED) {
                    readers.forget(n);
                    repairs.increment();
                    repaired.add(p);
                    LOG.info("{}: repaired from parity (shards {})", p, o.rebuiltShards());
                } else if (o.status() == PackRepairer.Status.UNRECOVERABLE) {
                    lostNow.addAll(salvageAndQuarantine(n, o.reason()));
                    quarantined.add(quarantine.packPath(n));
                }
            }
            return new RepairReport(repaired, quarantined, lostNow, found, remaining);
        } catch (IOException e) {
            throw new StorageIOException("repairing " + dir, e);
        } finally {
            writeLock.unlock();
            commitLock.unlock();
            exit();
        }
    }

    private static List<BlobRef> damagedBlobs(PackVerifier.PackCheck check) {
        List<BlobRef> out = new ArrayList<>();
        for (Damage d : check.damage()) {
            if (d.blob() != null && !out.contains(d.blob())) {
                out.add(d.blob());
            }
        }
        return out;
    }

    /**
     * Copies every intact blob of pack {@code n} that the index finds there into the active pack,
     * then moves the pack to quarantine. Called under the write lock.
     *
     * @return the blobs that were lost: indexed in this pack and failing their hash
     */
    private List<BlobRef> salvageAndQuarantine(int n, String reason) throws IOException {
        Path p = readers.path(n);
        List<Prepared> intact = new ArrayList<>();
        Set<BlobRef> lostHere = new java.util.LinkedHashSet<>();
        long[] pending = {0};
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            new PackScanner(p, ch, ch.size(), maxPackSize).scan(PackFormat.HEADER_SIZE, (e, s) -> {
                BlobRef ref = BlobRef.of(e.hash());
                Location where = index.get(e.hash());
                if (where == null || where.pack() != n || where.offset() != e.offset()) {
                    return; // indexed elsewhere: nothing of it lives only here
                }
                byte[] payload = s.payload(e);
                try {
                    byte[] blob = decodeChecked(ref, where, payload);
                    intact.add(new Prepared(e.hash(), payload, e.flag(), e.algo(), blob.length));
                    pending[0] += payload.length;
                } catch (CorruptPackException bad) {
                    lostHere.add(ref);
                } catch (UnsupportedCodecException missing) {
                    intact.add(new Prepared(e.hash(), payload, e.flag(), e.algo(), where.size()));
                    pending[0] += payload.length;
                }
                if (pending[0] > (16 << 20)) {
                    appendSalvaged(intact);
                    intact.clear();
                    pending[0] = 0;
                }
            });
        }
        appendSalvaged(intact);
        // blobs indexed in this pack that the scan never reached (beyond a structural break) are lost too
        lostHere.addAll(allIndexedIn(n));
        IndexBatch batch = new IndexBatch();
        IndexMeta.Counters c = appendedCounters;
        for (BlobRef r : lostHere) {
            Location l = index.get(r.bytes());
            batch.delete(r.bytes());
            c = new IndexMeta.Counters(c.blobs() - 1, c.bytes() - Math.max(0, l.size()), c.storedBytes() - l.storedSize());
        }
        batch.putMeta(IndexMeta.COUNTERS, c.encode());
        index.write(batch);
        counters = c;
        appendedCounters = c;
        quarantine.quarantine(n, reason, lostHere);
        readers.forget(n);
        for (BlobRef r : lostHere) {
            lost.put(r, n);
        }
        LOG.error("{}: beyond repair ({}); moved to {} after copying its intact blobs; {} blobs lost", p, reason,
                quarantine.packPath(n), lostHere.size());
        return new ArrayList<>(lostHere);
    }

    /** @return the blobs the index still finds in pack {@code n} */
    private List<BlobRef> allIndexedIn(int n) throws IOException {
        List<BlobRef> out = new ArrayList<>();
        index.forEach((key, location) -> {
            if (location.pack() == n) {
                out.add(BlobRef.of(key));
            }
        });
        return out;
    }

    /** Appends salvaged entries as they are stored, replacing their index records. Under the write lock. */
    private void appendSalvaged(List<Prepared> items) throws IOException {
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
        forces.increment();
        batch.putMeta(IndexMeta.CHECKPOINT, new IndexMeta.Checkpoint(writer.number(), writer.end()).encode());
        batch.putMeta(IndexMeta.COUNTERS, appendedCounters.encode()); // the same blobs, moved: the totals stay
        index.write(batch);
    }

    @Override
    public void rebuildIndex() {
        enter();
        commitLock.lock();
        writeLock.lock();
        try {
            commitPending(); // settle GROUP puts in flight (the write lock is reentrant)
            counters = index.rebuild(readers, codecs, maxPackSize, packCount - 1, checkpoint());
            appendedCounters = counters;
            indexRebuilds.increment();
        } catch (IOException e) {
            throw new StorageIOException("rebuilding the index of " + dir, e);
        } finally {
            writeLock.unlock();
            commitLock.unlock();
            exit();
        }
    }

    private IndexMeta.Checkpoint checkpoint() {
        return writer != null ? new IndexMeta.Checkpoint(writer.number(), writer.end())
                : new IndexMeta.Checkpoint(nextPack, PackFormat.HEADER_SIZE);
    }

    @Override
    public StoreStats stats() {
        enter();
        try {
            awaitIndexed();
            IndexMeta.Counters c = counters;
            return new StoreStats(c.blobs(), c.bytes(), c.storedBytes(), packCount, sealedPackNumbers().size(), maxPackSize,
                    writeCodec == null ? CodecRegistry.NONE : writeCodec.name(), index.name(), options.durability(),
                    puts.sum(), dedupedPuts.sum(), gets.sum(), bytesWritten.sum(), bytesRead.sum(), forces.sum(),
                    indexRebuilds.sum(), recoveredEntries, truncatedBytes, sealing.seals(), repairs.sum(), healedReads.sum(),
                    quarantinedCount(), groupCommits.sum(), groupedEntries.sum(), uncleanShutdown);
        } finally {
            exit();
        }
    }

    @Override
    public List<Path> sealedPacks() {
        enter();
        try {
            List<Path> out = new ArrayList<>();
            for (int n : sealedPackNumbers()) {
                out.add(readers.path(n));
            }
            return out;
        } finally {
            exit();
        }
    }

    private int quarantinedCount() {
        int n = 0;
        for (int i = 0; i < packCount; i++) {
            if (quarantine.contains(i)) {
                n++;
            }
        }
        return n;
    }

    private List<Integer> sealedPackNumbers() {
        return sealing.sealedPacks();
    }

    @Override
    public void addSealListener(SealListener listener) {
        sealing.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public Path directory() {
        return dir;
    }

    long maxPackSize() {
        return maxPackSize;
    }

    /** Waits for the packs queued for sealing so far; for tests and tools. */
    void awaitSealing() {
        sealing.awaitIdle();
    }

    @Override
    public String toString() {
        return "BlobStore[" + dir + "]";
    }
}
