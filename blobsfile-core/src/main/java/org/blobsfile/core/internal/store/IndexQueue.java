package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.index.StoreIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexing queue: entries appended to the packs (and forced, as the durability mode says)
 * wait here until one background thread writes them to the index in large batches, off the put
 * path. Meanwhile they are found in an in-memory table, so a put is readable, and its blob
 * deduplicated, the moment it is handed over.
 *
 * <p>The index lags the packs and never leads them: runs are handed over in the order they were
 * appended, and each batch records the checkpoint of its last run, so a crash loses only index
 * records that opening the store finds again after the checkpoint. The queue is bounded: a
 * hand-over waits while {@link #MAX_QUEUED} records are waiting.
 *
 * <p>A batch that cannot be written is kept as a failure: every later hand-over throws it, so
 * puts fail until the store is opened again (which re-indexes from the checkpoint), while reads
 * go on finding what the table holds.
 */
final class IndexQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexQueue.class);
    /** Records per index batch at most. */
    static final int BATCH = 64 * 1024;
    /** Records waiting at most before a hand-over waits for the indexer. */
    static final int MAX_QUEUED = 4 * BATCH;
    /** How long the indexer waits for a batch to fill before it writes what it has. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final StoreIndex index;
    private final String name;
    /** Blob to encoded location, for every record handed over and not yet in the index. */
    private final Map<BlobRef, byte[]> table = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when there is work for the indexer, or a drain or close wants it at once. */
    private final Condition work = lock.newCondition();
    /** Signalled whenever the indexer wrote a batch or failed. */
    private final Condition progress = lock.newCondition();
    /** Runs handed over and not yet taken by the indexer (guarded by lock). */
    private final ArrayDeque<Reservation> queue = new ArrayDeque<>();
    /** Records in {@link #queue} and in the batch being written (guarded by lock). */
    private int queued;
    /** Runs handed over, and runs in the index, since the store opened (guarded by lock). */
    private long handedOver;
    private long indexed;
    /** Threads waiting for everything handed over to be indexed (guarded by lock). */
    private int draining;
    private boolean closing;
    private volatile Throwable failure;
    /**
     * Counts the changes after which a blob may be in the index and nowhere in memory although a
     * lookup of memory and index missed it before: a batch written (then taken off the table),
     * or maintenance writing the index. See {@link #generation}.
     */
    private final AtomicLong generation = new AtomicLong();
    private Thread indexer;

    /**
     * @param index the index the batches are written to
     * @param name  what the indexer thread is named after: the store
     */
    IndexQueue(StoreIndex index, String name) {
        this.index = index;
        this.name = name;
    }

    /**
     * Hands runs over for indexing; their blobs are found in {@link #location} from now on.
     * Called in append order. Waits while the queue is full.
     *
     * @param runs the runs, in the order they were appended
     * @throws IOException when an earlier batch could not be written to the index
     */
    void add(List<Reservation> runs) throws IOException {
        checkFailure();
        // into the table before the indexer can see them, and outside the lock it shares with the indexer
        int n = 0;
        for (Reservation run : runs) {
            for (IndexRecord r : run.batch().puts()) {
                table.put(BlobRef.of(r.key()), r.value());
            }
            n += run.batch().puts().size();
        }
        lock.lock();
        try {
            checkFailure();
            queue.addAll(runs);
            handedOver += runs.size();
            queued += n;
            if (indexer == null) {
                indexer = new Thread(this::runIndexer, "blobsfile-indexer " + name);
                indexer.setDaemon(true);
                indexer.start();
            }
            if (queued == n || queued >= BATCH) {
                work.signal();
            }
            while (queued >= MAX_QUEUED && failure == null) {
                progress.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return where a blob handed over and not yet indexed is, or null */
    Location location(BlobRef ref) {
        if (table.isEmpty()) {
            return null;
        }
        byte[] loc = table.get(ref);
        return loc == null ? null : Location.decode(loc);
    }

    /** @return whether a blob handed over is not yet indexed */
    boolean holds(byte[] hash) {
        return !table.isEmpty() && table.containsKey(BlobRef.of(hash));
    }

    /**
     * A mark to take before looking a blob up in the table and the index. While it stays the
     * same, a blob missing from the table is missing from the index too, if it was at the first
     * lookup: a batch reaches the index before it leaves the table, and counts in between.
     *
     * @return the mark
     */
    long generation() {
        return generation.get();
    }

    /** Counts a change to the index made beside the queue (maintenance): see {@link #generation}. */
    void indexChanged() {
        generation.incrementAndGet();
    }

    /**
     * Returns once everything handed over so far is in the index.
     *
     * @throws IOException when a batch could not be written
     */
    void drain() throws IOException {
        lock.lock();
        try {
            long target = handedOver;
            if (indexed >= target) {
                checkFailure();
                return;
            }
            draining++;
            try {
                work.signal();
                while (indexed < target && failure == null) {
                    progress.awaitUninterruptibly();
                }
            } finally {
                draining--;
            }
            checkFailure();
        } finally {
            lock.unlock();
        }
    }

    private void checkFailure() throws IOException {
        Throwable f = failure;
        if (f != null) {
            throw new IOException("the index could not be written (" + f.getMessage() + "); the store takes no"
                    + " more puts until it is opened again, which indexes what the index missed", f);
        }
    }

    private void runIndexer() {
        while (true) {
            List<Reservation> runs = take();
            if (runs == null) {
                return;
            }
            IndexBatch merged = new IndexBatch();
            int records = 0;
            for (Reservation run : runs) {
                for (IndexRecord r : run.batch().puts()) {
                    merged.put(r.key(), r.value());
                    records++;
                }
            }
            Reservation last = runs.get(runs.size() - 1);
            try {
                index.commit(merged, last.checkpoint(), last.counters());
            } catch (IOException | RuntimeException | Error e) {
                LOG.error("store {}: writing {} records to the index failed; puts fail until the store is opened"
                        + " again", name, records, e);
                lock.lock();
                try {
                    failure = e;
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            generation.incrementAndGet(); // before the table forgets them: see generation()
            for (IndexRecord r : merged.puts()) {
                // only the record handed over: a blob put again after a delete has a newer one
                table.remove(BlobRef.of(r.key()), r.value());
            }
            lock.lock();
            try {
                indexed += runs.size();
                queued -= records;
                progress.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits for work, and for a batch to fill unless someone waits for it.
     *
     * @return the runs of the next batch, or null once closed with nothing left
     */
    private List<Reservation> take() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closing) {
                work.awaitUninterruptibly();
            }
            if (queue.isEmpty()) {
                return null;
            }
            long deadline = System.nanoTime() + LINGER_NANOS;
            long left;
            while (queued < BATCH && !closing && draining == 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    work.awaitNanos(left);
                } catch (InterruptedException e) {
                    // nobody interrupts this thread but the JVM's end; the queue is written out all the same
                }
            }
            List<Reservation> runs = new ArrayList<>();
            int records = 0;
            while (!queue.isEmpty() && (runs.isEmpty() || records + queue.peekFirst().batch().puts().size() <= BATCH)) {
                Reservation r = queue.pollFirst();
                records += r.batch().puts().size();
                runs.add(r);
            }
            return runs;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes out everything handed over and stops the indexer.
     *
     * @throws IOException when a batch could not be written
     */
    @Override
    public void close() throws IOException {
        Thread t;
        lock.lock();
        try {
            closing = true;
            work.signal();
            t = indexer;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        checkFailure();
    }
}
