package org.blobsfile.core;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.BlobTooLargeException;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Durability;
import org.blobsfile.api.HashMismatchException;
import org.blobsfile.api.Range;
import org.blobsfile.api.SealListener;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreClosedException;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexBatch;
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

    /** Held shared by every call, exclusively by close: close waits for calls in flight. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** Serializes appends, rollover and index updates. */
    private final ReentrantLock writeLock = new ReentrantLock();
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
    private final long recoveredEntries;
    private final long truncatedBytes;

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
        this.writer = o.writer();
        this.nextPack = o.nextPack();
        this.packCount = o.nextPack();
        this.counters = o.counters();
        this.recoveredEntries = o.recoveredEntries();
        this.truncatedBytes = o.truncatedBytes();
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
            for (AutoCloseable c : new AutoCloseable[] {sealing, writer, index, readers, lock}) {
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
            List<byte[]> hashes = new ArrayList<>(blobs.size());
            List<BlobRef> refs = new ArrayList<>(blobs.size());
            for (byte[] b : blobs) {
                byte[] h = Blake2b.hash(Objects.requireNonNull(b, "blob"), 0, b.length);
                hashes.add(h);
                refs.add(BlobRef.of(h));
            }
            store(blobs, hashes);
            return refs;
        } finally {
            exit();
        }
    }

    private void store(List<byte[]> blobs, List<byte[]> hashes) {
        for (byte[] b : blobs) {
            if (b.length > maxBlob) {
                throw new BlobTooLargeException(b.length, maxBlob);
            }
        }
        puts.add(blobs.size());
        List<Prepared> todo = new ArrayList<>(blobs.size());
        Set<BlobRef> seen = new HashSet<>();
        for (int i = 0; i < blobs.size(); i++) {
            byte[] hash = hashes.get(i);
            if (!seen.add(BlobRef.of(hash)) || index.contains(hash)) {
                dedupedPuts.increment();
                continue;
            }
            todo.add(prepare(hash, blobs.get(i)));
        }
        if (!todo.isEmpty()) {
            append(todo);
        }
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

    private void append(List<Prepared> todo) {
        writeLock.lock();
        try {
            IndexBatch batch = new IndexBatch();
            IndexMeta.Counters c = counters;
            List<ByteBuffer> run = new ArrayList<>();
            List<Prepared> runItems = new ArrayList<>();
            long runBytes = 0;
            int appended = 0;
            for (Prepared p : todo) {
                if (index.contains(p.hash())) {
                    dedupedPuts.increment(); // another thread stored it since we looked
                    continue;
                }
                PackWriter w = activeWriter();
                if (!PackFormat.fits(w.end() + runBytes, p.payload().length, maxPackSize)) {
                    c = flushRun(w, run, runItems, batch, c);
                    runBytes = 0;
                    w = rollover();
                }
                byte[] header = new byte[PackFormat.ENTRY_HEADER];
                PackFormat.putEntryHeader(header, 0, p.hash(), p.flag(), p.algo(), p.payload().length);
                run.add(ByteBuffer.wrap(header));
                run.add(ByteBuffer.wrap(p.payload()));
                runItems.add(p);
                runBytes += PackFormat.ENTRY_HEADER + p.payload().length;
                appended++;
            }
            if (appended == 0) {
                return;
            }
            c = flushRun(activeWriter(), run, runItems, batch, c);
            if (options.durability() != Durability.NONE) {
                writer.force();
                forces.increment();
            }
            batch.putMeta(IndexMeta.CHECKPOINT, new IndexMeta.Checkpoint(writer.number(), writer.end()).encode());
            batch.putMeta(IndexMeta.COUNTERS, c.encode());
            index.write(batch);
            counters = c;
        } catch (IOException e) {
            throw new StorageIOException("appending to " + dir, e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Appends the pending entries to {@code w} and adds them to the index batch. */
    private IndexMeta.Counters flushRun(PackWriter w, List<ByteBuffer> run, List<Prepared> items, IndexBatch batch,
                                        IndexMeta.Counters c) throws IOException {
        if (run.isEmpty()) {
            return c;
        }
        long offset = w.append(run.toArray(new ByteBuffer[0]), items.size());
        for (Prepared p : items) {
            Location loc = new Location(w.number(), offset, p.payload().length, p.size(), p.algo());
            batch.put(p.hash(), loc.encode());
            c = c.plus(loc);
            offset += PackFormat.ENTRY_HEADER + p.payload().length;
            bytesWritten.add(PackFormat.ENTRY_HEADER + p.payload().length);
        }
        run.clear();
        items.clear();
        return c;
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
        Location loc = index.get(ref.bytes());
        if (loc == null) {
            throw new BlobNotFoundException(ref);
        }
        return loc;
    }

    private byte[] read(BlobRef ref, Location loc) {
        Path path = readers.path(loc.pack());
        byte[] payload = new byte[Math.toIntExact(loc.storedSize())];
        try {
            readers.readFully(loc.pack(), loc.payloadOffset(), payload, 0, payload.length);
        } catch (EOFException e) {
            throw new CorruptPackException(path, loc.offset(), "the file ends inside the entry of blob " + ref);
        } catch (IOException e) {
            throw new StorageIOException("reading blob " + ref + " from " + path, e);
        }
        bytesRead.add(payload.length);
        int flag = loc.algo() == PackFormat.ALGO_NONE ? PackFormat.FLAG_BLOB : PackFormat.FLAG_COMPRESSED;
        byte[] blob;
        try {
            blob = Payloads.decode(codecs, flag, loc.algo(), payload, (int) maxBlob);
        } catch (IOException e) {
            CorruptPackException c = new CorruptPackException(path, loc.offset(),
                    "payload of blob " + ref + " does not decode with codec id " + loc.algo());
            c.addSuppressed(e);
            throw c;
        }
        byte[] actual = Blake2b.hash(blob, 0, blob.length);
        if (!Arrays.equals(actual, 0, BlobRef.LENGTH, ref.bytes(), 0, BlobRef.LENGTH)) {
            throw new CorruptPackException(path, loc.offset(), "blob " + ref + " fails its hash check (the bytes hash to "
                    + BlobRef.of(actual) + ")");
        }
        return blob;
    }

    @Override
    public boolean exists(BlobRef ref) {
        Objects.requireNonNull(ref, "ref");
        enter();
        try {
            return index.contains(ref.bytes());
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
        exit();
        return new IndexWalk(index, range, this::enter, this::exit).stream();
    }

    // ---- maintenance and introspection -----------------------------------------------------

    @Override
    public void rebuildIndex() {
        enter();
        writeLock.lock();
        try {
            counters = index.rebuild(readers, codecs, maxPackSize, packCount - 1, checkpoint());
            indexRebuilds.increment();
        } catch (IOException e) {
            throw new StorageIOException("rebuilding the index of " + dir, e);
        } finally {
            writeLock.unlock();
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
            IndexMeta.Counters c = counters;
            return new StoreStats(c.blobs(), c.bytes(), c.storedBytes(), packCount, sealedPackNumbers().size(), maxPackSize,
                    writeCodec == null ? CodecRegistry.NONE : writeCodec.name(), index.name(), options.durability(),
                    puts.sum(), dedupedPuts.sum(), gets.sum(), bytesWritten.sum(), bytesRead.sum(), forces.sum(),
                    indexRebuilds.sum(), recoveredEntries, truncatedBytes);
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
