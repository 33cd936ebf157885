package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Decides who commits GROUP-mode puts and when. A put that has appended its entries waits here
 * for the commit that covers them. One waiting thread at a time leads: it runs the flush (one
 * write, one force, one index batch for everything appended so far) and then wakes every put the
 * flush covered.
 *
 * <p>A group is only as large as the number of puts that appended before its force began. Left
 * alone, writers split into two cohorts: the puts a flush releases append again while the next
 * force, started at once, already runs, so each waits for two forces. So a new leader first
 * gathers: it waits until as many puts have appended as were active in the last cycle (the
 * previous group plus those that appended during its flush), and is woken the moment the last of
 * them arrives. The wait is bounded by a fraction of the recent flush time, so writers that went
 * away cost at most that once, and the expectation follows the load from one cycle to the next:
 * a single writer never waits at all.
 */
final class GroupCommitter {
    /** Commits everything appended so far. */
    interface Flush {
        /**
         * Writes and forces every appended put, runs {@code forced}, then indexes them.
         *
         * @param forced wakes the puts the force covered, before the index batch is written
         * @return how many puts the flush covered (0 if there was nothing to do)
         * @throws IOException if writing, forcing or indexing fails
         */
        int flush(Runnable forced) throws IOException;
    }

    /** The longest a leader gathers, as a share of the recent flush time: 1/2. */
    private static final int GATHER_SHIFT = 1;
    /** The longest a leader ever gathers, whatever the flushes cost. */
    private static final long MAX_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A put waiting for its commit. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final long ticket;

        Waiter(long ticket) {
            this.ticket = ticket;
        }
    }

    private final Flush flush;
    private final LongSupplier committed;
    private final AtomicBoolean leading = new AtomicBoolean();
    /**
     * Puts parked until a flush covers them or they may lead. Waking goes by unpark, not by a
     * lock's condition: woken threads then run at once, side by side, instead of taking a lock
     * back one after another.
     */
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    /** Puts appended since the last flush took its group; a heuristic, not a ticket count. */
    private final AtomicInteger arrivals = new AtomicInteger();
    /** The leader while it gathers, to be woken when the last awaited put arrives. */
    private volatile Thread gatherer;
    /** How many arrivals the gathering leader waits for. */
    private volatile int gatherTarget;
    /** Puts active in the last cycle: what the next leader gathers. Only the leader touches it. */
    private int expected = 1;
    /** Puts that appended while the last group was forced. Only the leader touches it. */
    private int lateArrivals;
    /** Smoothed flush time, in nanoseconds. Only the leader touches it. */
    private long flushNanos;

    /**
     * @param flush     commits what is appended
     * @param committed the highest ticket committed so far
     */
    GroupCommitter(Flush flush, LongSupplier committed) {
        this.flush = flush;
        this.committed = committed;
    }

    /**
     * Counts a put that has just appended, and wakes a gathering leader if it was the last one
     * awaited. Called under the store's write lock, like {@link #taken()}, so that the count
     * matches what the next flush will take.
     */
    void arrived() {
        int n = arrivals.incrementAndGet();
        Thread g = gatherer;
        if (g != null && n == gatherTarget) {
            LockSupport.unpark(g);
        }
    }

    /** Starts counting arrivals afresh: a flush has just taken every put appended so far. */
    void taken() {
        arrivals.set(0);
    }

    /**
     * Returns once {@code ticket} is committed, leading a flush if no other thread does. An
     * interrupt does not cut the wait short: the put's bytes are already appended, so it is seen
     * through (the interrupt status stays set for the caller).
     *
     * @param ticket the ticket the put's append was given
     * @throws IOException if a flush this thread led failed
     */
    void await(long ticket) throws IOException {
        // a leader forces through a FileChannel, which an interrupt would close for every put:
        // hold the interrupt back until this put is through, then hand it on
        boolean interrupted = Thread.interrupted();
        try {
            while (committed.getAsLong() < ticket) {
                if (leading.compareAndSet(false, true)) {
                    interrupted |= lead();
                    continue;
                }
                Waiter w = new Waiter(ticket);
                waiters.add(w);
                // a leader that finished before we queued has not seen us: look again before parking
                while (committed.getAsLong() < ticket && leading.get()) {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
                waiters.remove(w);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether the thread was interrupted while it gathered (the flag is cleared) */
    private boolean lead() throws IOException {
        int covered = 0;
        boolean interrupted = false;
        try {
            interrupted = gather();
            long start = System.nanoTime();
            covered = flush.flush(this::wakeForced);
            if (covered > 0) {
                long took = System.nanoTime() - start;
                // the puts of this group, and the ones that appended while it was forced; those
                // woken since then are counted already
                expected = Math.max(1, covered + lateArrivals);
                flushNanos = flushNanos == 0 ? took : flushNanos + ((took - flushNanos) >> 3);
            }
        } finally {
            leading.set(false);
            wakeAfterFlush();
        }
        return interrupted;
    }

    /**
     * Waits for the puts of the last cycle to append, or a share of a flush's time at most.
     *
     * @return whether the thread was interrupted meanwhile (the flag is cleared)
     */
    private boolean gather() {
        int target = expected;
        if (arrivals.get() >= target) {
            return false;
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + Math.min(flushNanos >> GATHER_SHIFT, MAX_GATHER_NANOS);
        gatherTarget = target;
        gatherer = Thread.currentThread();
        try {
            long left;
            while (arrivals.get() < target && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            gatherer = null;
        }
        return interrupted;
    }

    /**
     * Wakes every put the force covered, while the leader goes on to write the index batch:
     * they append their next puts meanwhile, which is the gathering of the next group.
     */
    private void wakeForced() {
        lateArrivals = arrivals.get();
        long done = committed.getAsLong();
        for (Waiter w : waiters) {
            if (w.ticket <= done) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    /** Wakes every put a flush covered (a failed one may have covered some), and one other to lead next. */
    private void wakeAfterFlush() {
        long done = committed.getAsLong();
        boolean nextLeader = false;
        for (Waiter w : waiters) {
            if (w.ticket <= done) {
                LockSupport.unpark(w.thread);
            } else if (!nextLeader) {
                nextLeader = true;
                LockSupport.unpark(w.thread);
            }
        }
    }
}
