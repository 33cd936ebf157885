package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.BlobTooLargeException;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.EvictionReport;
import org.blobsfile.api.HashMismatchException;
import org.blobsfile.api.OperationListener;
import org.blobsfile.api.OperationListener.Operation;
import org.blobsfile.api.Progress;
import org.blobsfile.api.Range;
import org.blobsfile.api.ReadOnlyStoreException;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.SealListener;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreClosedException;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.SweepReport;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.hash.FastBlake2b;
import org.blobsfile.core.internal.index.IndexMeta;
import org.blobsfile.core.internal.index.IndexWalk;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PayloadInput;
import org.blobsfile.core.internal.pack.VerifyLedger;
import org.blobsfile.core.internal.parity.SealingPipeline;
import org.blobsfile.core.internal.plugin.CodecRegistry;

/**
 * The store: packs in a directory, an index beside them. This class keeps the lifecycle and the
 * CPU work of puts (hashing, compression), which runs in the caller's thread outside any lock;
 * {@link PackAppender} appends and commits, {@link BlobReader} reads, and
 * {@link StoreMaintenance} verifies and repairs. Reads take no lock but the lifecycle's shared one.
 */
final class FileBlobStore implements BlobStore {
    /** Bytes in a batch above which hashing and compressing it is spread over the cores. */
    private static final long SPREAD_BYTES = 256 * 1024;

    /** A streamed blob shorter than this is held and put as an array: a spool would cost more than it saves. */
    private static final int SMALL_PUT = 256 * 1024;

    private final Packs packs;
    private final StoreParts parts;
    private final BlobStoreOptions options;
    private final DirectoryLock lock;
    private final PackAppender appender;
    private final BlobReader reader;
    private final StoreMaintenance maintenance;
    private final PackRepairs repairs;
    private final Deletions deletions;
    private final Compactor compactor;
    private final VerifyLedger ledger;
    /** The background scrub, or null. */
    private final Scrubber scrubber;

    /** Held shared by every call, exclusively by close: close waits for calls in flight. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** What opening found: counts stats reports as they were then. */
    private final StoreOpener.Found found;

    private FileBlobStore(BlobStoreOptions options, StoreOpener.Opened o) {
        this.packs = o.packs();
        this.parts = o.parts();
        this.options = options;
        this.lock = o.lock();
        // a read-only store never appends: the mode without a committing thread of its own
        this.appender = new PackAppender(packs, parts,
                options.readOnly() ? org.blobsfile.api.Durability.NONE : options.durability(), o.writer(), o.nextPack(),
                options.readOnly() ? o.activeEnd() : -1);
        this.repairs = new PackRepairs(packs, parts, appender, !options.readOnly());
        this.reader = new BlobReader(packs, parts, appender, repairs);
        this.ledger = new VerifyLedger(packs.dir());
        this.maintenance = new StoreMaintenance(packs, parts, appender, reader, repairs, ledger);
        this.deletions = new Deletions(parts, appender);
        this.compactor = new Compactor(packs, parts, appender, reader, deletions);
        this.found = o.found();
        this.scrubber = Scrubber.start(packs, parts, appender, repairs, ledger, options.scrubRate());
    }

    /** Opens or creates the store the options describe. */
    static FileBlobStore open(BlobStoreOptions options) {
        return new FileBlobStore(options, StoreOpener.open(options));
    }

    // ---- lifecycle -------------------------------------------------------------------------

    /**
     * Starts a call: fails if the store is closed, else holds the lifecycle's shared lock and
     * the thread's interrupt until {@link #exit}. An interrupt would close a file channel that
     * the store shares between threads (a pack's, or an index plugin's), failing every other call.
     *
     * @return whether the thread was interrupted, for {@link #exit} to hand back
     */
    private boolean enter() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            throw new StoreClosedException(packs.dir());
        }
        return Thread.interrupted();
    }

    /** Ends a call: releases the shared lock and restores the interrupt {@link #enter} held back. */
    private void exit(boolean interrupted) {
        lifecycle.readLock().unlock();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        // an index plugin writing its file as it closes must not meet an interrupt either
        boolean interrupted = Thread.interrupted();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            // a read-only store never made the marker, and one left by a crashed writer is not its to remove
            AutoCloseable clean = options.readOnly() ? null
                    : () -> Files.deleteIfExists(packs.dir().resolve(StoreOpener.DIRTY));
            AutoCloseable[] closing = {scrubber, parts.archive(), parts.sealing(), repairs, appender, parts.index(),
                packs.readers(), clean, lock};
            for (AutoCloseable c : closing) {
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
                throw new StorageIOException("closing store " + packs.dir(), failure);
            }
        } finally {
            lifecycle.writeLock().unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- writes ----------------------------------------------------------------------------

    /** @throws ReadOnlyStoreException when the store was opened read-only */
    private void requireWritable(String operation) {
        if (options.readOnly()) {
            throw new ReadOnlyStoreException(packs.dir(), operation);
        }
    }

    @Override
    public BlobRef put(byte[] data) {
        Objects.requireNonNull(data, "data");
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try {
            requireWritable("put");
            checkSize(data); // before hashing: a blob that cannot be stored costs nothing
            byte[] hash = Blake2b.hash(data, 0, data.length);
            store(List.of(stage(hash, data)));
            timing.completed(Operation.PUT, data.length);
            return BlobRef.of(hash);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public void put(BlobRef ref, byte[] data) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(data, "data");
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try {
            requireWritable("put");
            checkSize(data);
            byte[] hash = Blake2b.hash(data, 0, data.length);
            BlobRef actual = BlobRef.of(hash);
            if (!actual.equals(ref)) {
                throw new HashMismatchException(ref, actual);
            }
            store(List.of(stage(hash, data)));
            timing.completed(Operation.PUT, data.length);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public List<BlobRef> putAll(List<byte[]> blobs) {
        Objects.requireNonNull(blobs, "blobs");
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try {
            requireWritable("putAll");
            long bytes = 0;
            for (byte[] b : blobs) {
                checkSize(b);
                bytes += b.length;
            }
            boolean parallel = worthSpreading(blobs);
            Staged[] staged = new Staged[blobs.size()];
            if (parallel && appender.appendsWhileStaging()) {
                storeOverlapped(blobs, staged);
            } else {
                IntStream range = IntStream.range(0, staged.length);
                (parallel ? range.parallel() : range).forEach(i -> staged[i] = stage(blobs.get(i)));
                store(Arrays.asList(staged));
            }
            List<BlobRef> refs = new ArrayList<>(staged.length);
            for (Staged st : staged) {
                refs.add(BlobRef.of(st.hash()));
            }
            timing.completed(Operation.PUT, bytes);
            return refs;
        } finally {
            exit(interrupted);
        }
    }

    private void checkSize(byte[] blob) {
        Objects.requireNonNull(blob, "blob");
        if (blob.length > packs.maxBlob()) {
            throw new BlobTooLargeException(blob.length, packs.maxBlob());
        }
    }

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

    /** Hashes a blob and stages it. Any thread. */
    private Staged stage(byte[] data) {
        return stage(Blake2b.hash(data, 0, data.length), data);
    }

    /** Compresses a hashed blob unless the write side has it already. Any thread. */
    private Staged stage(byte[] hash, byte[] data) {
        deletions.touch(hash); // before the duplicate check: see Deletions
        long checkedAt = appender.generation();
        long stored = appender.storedTicket(hash);
        return stored == PackAppender.NOT_STORED ? Staged.fresh(Prepared.of(hash, data, packs.writeCodec()), checkedAt)
                : Staged.stored(hash, stored);
    }

    /** Appends staged blobs in one run, and returns once they are stored as the durability mode says. */
    private void store(List<Staged> staged) {
        parts.meters().puts.add(staged.size());
        appender.store(staged);
    }

    /**
     * Stores a batch with the appends overlapping the hashing and compressing: blobs are staged
     * on every core, and this thread appends each run of staged blobs as soon as it is ready,
     * writing its bytes at once, while the rest are still being staged. Only the force waits
     * for the end, and it is one force for the whole batch.
     *
     * @param staged filled with every blob as staged, in order
     */
    private void storeOverlapped(List<byte[]> blobs, Staged[] staged) {
        parts.meters().puts.add(blobs.size());
        PackAppender.Batch batch = appender.batch();
        int[] done = {0};
        OrderedPipeline.run(blobs.size(), i -> stage(blobs.get(i)), run -> {
            for (Staged st : run) {
                staged[done[0]++] = st;
            }
            batch.append(run);
        });
        batch.awaitDurable();
    }

    // ---- streamed puts ----------------------------------------------------------------------

    @Override
    public BlobRef put(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try {
            requireWritable("put");
            return putStream(in, timing);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public BlobRef put(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try {
            requireWritable("put");
            long size = Files.size(file);
            if (size > packs.geometry().maxPayload()) {
                throw new BlobTooLargeException(size, packs.geometry().maxPayload()); // before a byte is read
            }
            try (InputStream in = Files.newInputStream(file)) {
                return putStream(in, timing);
            }
        } finally {
            exit(interrupted);
        }
    }

    /**
     * Reads a stream into a blob. Shorter than {@link #SMALL_PUT} bytes it is an ordinary put; beyond,
     * the source is read once into a {@link Spool}, hashed on the way, then compressed from the
     * spool into a second one when the store compresses (the codec's frame states the blob's
     * length, known only now), and the smaller of the two is appended. All of it in this thread,
     * outside any lock, in memory independent of the blob's length; only the append takes the
     * write lock.
     */
    private BlobRef putStream(InputStream in, OperationListeners.Timing timing) throws IOException {
        byte[] head = in.readNBytes(SMALL_PUT);
        if (head.length < SMALL_PUT) {
            checkSize(head); // a pack smaller than the chunk holds less than the chunk
            byte[] hash = Blake2b.hash(head, 0, head.length);
            store(List.of(stage(hash, head)));
            timing.completed(Operation.PUT, head.length);
            return BlobRef.of(hash);
        }
        long max = packs.geometry().maxPayload();
        try (Spool raw = spool()) {
            FastBlake2b digest = Blake2b.newDigest();
            long size = 0;
            OutputStream out = raw.output();
            byte[] buf = head;
            for (int n = head.length; n >= 0; n = in.read(buf)) { // a failure here is the source's: as it is
                size += n;
                if (size > max) {
                    throw new BlobTooLargeException(size, max); // at least this long: read no further
                }
                digest.update(buf, 0, n);
                int len = n;
                spooling(() -> out.write(buf, 0, len));
            }
            spooling(out::close);
            byte[] hash = digest.digest();
            parts.meters().puts.increment();
            deletions.touch(hash); // before the duplicate check: see Deletions
            long checkedAt = appender.generation();
            long stored = appender.storedTicket(hash);
            if (stored != PackAppender.NOT_STORED) {
                appender.store(List.of(Staged.stored(hash, stored)));
                timing.completed(Operation.PUT, size);
                return BlobRef.of(hash);
            }
            Codec codec = packs.writeCodec();
            try (Spool packed = codec == null ? null : spool()) {
                if (packed != null) {
                    long length = size;
                    spooling(() -> {
                        try (OutputStream p = packed.output(); OutputStream z = codec.compressing(p, length)) {
                            raw.copyTo(z);
                        }
                    });
                    if (packed.size() < size) {
                        appender.storeSpooled(new PackAppender.Spooled(hash, packed.channel(), packed.size(),
                                PackFormat.FLAG_COMPRESSED, codec.id(), size), checkedAt);
                        timing.completed(Operation.PUT, size);
                        return BlobRef.of(hash);
                    }
                }
                // not compressed, or not smaller for it: plain, which is still v1
                appender.storeSpooled(new PackAppender.Spooled(hash, raw.channel(), size, PackFormat.FLAG_BLOB,
                        PackFormat.CODEC_NONE, size), checkedAt);
                timing.completed(Operation.PUT, size);
                return BlobRef.of(hash);
            }
        }
    }

    /** Spool work whose failure is the store's, not the source's. */
    private interface SpoolWork {
        void run() throws IOException;
    }

    private void spooling(SpoolWork work) {
        try {
            work.run();
        } catch (IOException e) {
            throw new StorageIOException("spooling a blob in " + packs.dir().resolve(Spool.DIR), e);
        }
    }

    private Spool spool() {
        try {
            return Spool.create(packs.dir());
        } catch (IOException e) {
            throw new StorageIOException("spooling a blob in " + packs.dir().resolve(Spool.DIR), e);
        }
    }

    // ---- deletions -------------------------------------------------------------------------

    @Override
    public boolean delete(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        return !deleteAll(List.of(ref)).isEmpty();
    }

    @Override
    public List<BlobRef> deleteAll(Collection<BlobRef> refs) {
        Objects.requireNonNull(refs, "refs");
        for (BlobRef r : refs) {
            Objects.requireNonNull(r, "ref");
        }
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try {
            requireWritable("delete");
            List<BlobRef> deleted = deletions.delete(refs);
            timing.completed(Operation.DELETE, 0);
            return deleted;
        } catch (IOException e) {
            throw new StorageIOException("deleting from " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public SweepReport sweep(Predicate<BlobRef> live) {
        Objects.requireNonNull(live, "live");
        return sweep(Deletions.of(live));
    }

    @Override
    public SweepReport sweep(Stream<BlobRef> liveInOrder) {
        Objects.requireNonNull(liveInOrder, "liveInOrder");
        return sweep(Deletions.ofSorted(liveInOrder.iterator()));
    }

    private SweepReport sweep(Deletions.LiveSet live) {
        boolean interrupted = enter();
        try {
            requireWritable("sweep");
            return deletions.sweep(live);
        } catch (IOException e) {
            throw new StorageIOException("sweeping " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public CompactionReport compact(CompactionOptions options, Progress progress) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        boolean interrupted = enter();
        try {
            requireWritable("compact");
            return compactor.compact(options, progress);
        } catch (IOException e) {
            throw new StorageIOException("compacting " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    // ---- reads -----------------------------------------------------------------------------

    @Override
    public byte[] get(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try {
            byte[] data = reader.get(ref);
            timing.completed(Operation.GET, data.length);
            return data;
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public void get(BlobRef ref, OutputStream out) throws IOException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(out, "out");
        OperationListeners.Timing timing = parts.meters().operations.start();
        boolean interrupted = enter();
        try (InputStream in = reader.open(ref, () -> closed)) {
            // pieces as large as the payload's reads: a decoder and the hash pay per call
            byte[] buf = new byte[PayloadInput.CHUNK];
            long written = 0;
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                written += n;
            }
            timing.completed(Operation.GET, written);
        } catch (IOException e) {
            if (e.getCause() instanceof CorruptPackException damage) {
                throw damage; // what get(ref) throws for the same blob
            }
            throw e;
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public InputStream open(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        boolean interrupted = enter();
        try {
            return reader.open(ref, () -> closed);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public boolean exists(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        boolean interrupted = enter();
        try {
            return reader.exists(ref);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public long size(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        boolean interrupted = enter();
        try {
            Location loc = reader.locate(ref);
            if (loc.size() < 0) {
                packs.codecs().forId(loc.codecId()); // throws naming the missing codec
            }
            return loc.size();
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public Stream<BlobInfo> enumerate(Range range) {
        Objects.requireNonNull(range, "range");
        boolean interrupted = enter();
        try {
            appender.awaitIndexed();
        } finally {
            exit(interrupted);
        }
        return parts.index().walk(range, new IndexWalk.Guard() {
            @Override
            public boolean enter() {
                return FileBlobStore.this.enter();
            }

            @Override
            public void exit(boolean interrupted) {
                FileBlobStore.this.exit(interrupted);
            }
        });
    }

    // ---- maintenance and introspection -----------------------------------------------------

    @Override
    public VerifyReport verify(Progress progress) {
        return verify(VerifyOptions.DEFAULT, progress);
    }

    @Override
    public VerifyReport verify(VerifyOptions verifyOptions, Progress progress) {
        Objects.requireNonNull(verifyOptions, "verifyOptions");
        Objects.requireNonNull(progress, "progress");
        boolean interrupted = enter();
        try {
            return maintenance.verify(verifyOptions, progress);
        } catch (IOException e) {
            throw new StorageIOException("verifying " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public RepairReport repair(Progress progress) {
        Objects.requireNonNull(progress, "progress");
        boolean interrupted = enter();
        try {
            requireWritable("repair");
            return maintenance.repair(progress);
        } catch (IOException e) {
            throw new StorageIOException("repairing " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public void rebuildIndex() {
        boolean interrupted = enter();
        try {
            requireWritable("rebuildIndex");
            appender.exclusively(() -> {
                appender.rebuildIndex(reader::readsAt);
                return null;
            });
            parts.meters().indexRebuilds.increment();
        } catch (IOException e) {
            throw new StorageIOException("rebuilding the index of " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public StoreStats stats() {
        boolean interrupted = enter();
        try {
            appender.awaitIndexed();
            IndexMeta.Counters c = parts.index().totals();
            IndexMeta.Deletions d = parts.index().deletions();
            StoreMeters m = parts.meters(); // short, so the chain below stays readable
            SealingPipeline sealing = parts.sealing();
            Codec codec = packs.writeCodec();
            StoreStats.Builder b = StoreStats.builder();
            b.blobs(c.blobs()).bytes(c.bytes()).storedBytes(c.storedBytes())
                    .packs(appender.packCount()).sealedPacks(sealing.sealedPacks().size())
                    .maxPackSize(packs.geometry().maxPackSize())
                    .codec(codec == null ? CodecRegistry.NONE : codec.name()).index(parts.index().name())
                    .durability(options.durability()).puts(m.puts.sum()).dedupedPuts(m.dedupedPuts.sum())
                    .gets(m.gets.sum()).bytesWritten(m.bytesWritten.sum()).bytesRead(m.bytesRead.sum())
                    .forces(m.forces.sum()).indexRebuilds(m.indexRebuilds.sum())
                    .recoveredEntries(found.recoveredEntries()).truncatedBytes(found.truncatedBytes())
                    .seals(sealing.seals()).repairs(m.repairs.sum()).healedReads(m.healedReads.sum())
                    .quarantinedPacks(quarantinedCount()).groupCommits(m.groupCommits.sum())
                    .groupCommitEntries(m.groupedEntries.sum()).uncleanShutdown(found.uncleanShutdown())
                    .deletedBlobs(d.deletedBlobs()).garbageBytes(d.garbageBytes()).garbageByPack(d.garbageByPack())
                    .compactions(d.compactions()).reclaimedBytes(d.reclaimedBytes())
                    .archive(parts.archive() == null ? "" : parts.archive().location())
                    .archivedPacks(parts.archive() == null ? 0 : parts.archive().archivedCount())
                    .evictedPacks(parts.archive() == null ? 0 : parts.archive().evictedPacks().size())
                    .uploadBacklog(parts.archive() == null ? 0 : parts.archive().backlog())
                    .archiveReads(parts.archive() == null ? 0 : parts.archive().reads());
            verification(b);
            return b.build();
        } catch (IOException e) {
            throw new StorageIOException("reading the stats of " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public List<Path> sealedPacks() {
        boolean interrupted = enter();
        try {
            List<Path> out = new ArrayList<>();
            for (int n : parts.sealing().sealedPacks()) {
                out.add(packs.readers().path(n));
            }
            return out;
        } finally {
            exit(interrupted);
        }
    }

    /** Sets what the verify ledger and the background scrub tell of the store's verification. */
    private void verification(StoreStats.Builder b) {
        Map<Integer, VerifyLedger.Verification> latest;
        try {
            latest = ledger.latest();
        } catch (IOException e) {
            latest = Map.of(); // an unreadable ledger costs the stats their verification times, not the rest
        }
        long unverified = 0;
        long oldest = Long.MAX_VALUE;
        PackAppender.Extent extent = appender.extent();
        for (int n = 0; n < extent.packs(); n++) {
            if (n == extent.active()) {
                continue; // it takes puts: checked once it is closed, by a scrub as by verify
            }
            VerifyLedger.Verification v = latest.get(n);
            if (v == null) {
                unverified++;
            } else {
                oldest = Math.min(oldest, v.millis());
            }
        }
        b.unverifiedPacks(unverified).oldestVerification(oldest == Long.MAX_VALUE ? 0 : oldest);
        if (scrubber != null) {
            b.scrubbedPacks(scrubber.roundDone()).scrubRoundPacks(scrubber.roundPacks()).scrubRounds(scrubber.rounds())
                    .scrubbedBytes(scrubber.bytes());
        }
    }

    private int quarantinedCount() {
        int n = 0;
        for (int i = 0, packs = appender.packCount(); i < packs; i++) {
            if (parts.quarantine().contains(i)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void addSealListener(SealListener listener) {
        parts.sealing().addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void addOperationListener(OperationListener listener) {
        parts.meters().operations.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * @return the store's archive, once the seals under way are done
     * @throws ArchiveException when the store has none
     */
    private ArchiveTier requireArchive(String operation) {
        requireWritable(operation);
        if (parts.archive() == null) {
            throw new ArchiveException("store " + packs.dir() + " has no archive: open it with one (--archive URI)");
        }
        parts.sealing().awaitIdle();
        return parts.archive();
    }

    @Override
    public ArchiveReport archive(Progress progress) {
        Objects.requireNonNull(progress, "progress");
        boolean interrupted = enter();
        try {
            // a pack sealed by a put that returned before this call is archived by it
            return requireArchive("archive").uploader().archiveNow(progress);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public EvictionReport evict(int keepLocal) {
        if (keepLocal < 0) {
            throw new IllegalArgumentException("keepLocal must be at least 0, got " + keepLocal);
        }
        boolean interrupted = enter();
        try {
            requireArchive("evict");
            return compactor.whileIdle(() -> maintenance.evict(keepLocal));
        } catch (ArchiveUnavailableException e) {
            throw new ArchiveException(e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageIOException("evicting packs of " + packs.dir(), e);
        } finally {
            exit(interrupted);
        }
    }

    @Override
    public Path directory() {
        return packs.dir();
    }

    @Override
    public String toString() {
        return "BlobStore[" + packs.dir() + "]";
    }
}
