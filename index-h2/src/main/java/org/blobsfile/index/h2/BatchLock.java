package org.blobsfile.index.h2;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A lock with two shared modes that exclude each other, and an exclusive mode that excludes
 * both: readers share {@link #lockRead() read} mode, writers of put-only batches share
 * {@link #lockPuts() puts} mode, and everything else takes {@link #lockExclusive() exclusive}
 * mode. Put-only batches may then go in side by side, since MVStore maps take concurrent puts,
 * while no reader ever runs during one and so sees part of it.
 *
 * <p>Fair: a thread that finds others waiting queues behind them, so a stream of one mode cannot
 * starve the others. Not reentrant, and not bound to a thread, though {@link H2Index} always
 * unlocks in the thread that locked.
 */
final class BatchLock {
    private final Sync sync = new Sync();

    /** Waits until no batch is being written. */
    void lockRead() {
        sync.acquireShared(Sync.READ);
    }

    void unlockRead() {
        sync.releaseShared(Sync.READ);
    }

    /** Waits until no reader runs and no exclusive batch is being written. */
    void lockPuts() {
        sync.acquireShared(Sync.PUTS);
    }

    void unlockPuts() {
        sync.releaseShared(Sync.PUTS);
    }

    /** Waits until nothing else holds the lock. */
    void lockExclusive() {
        sync.acquire(0);
    }

    void unlockExclusive() {
        sync.release(0);
    }

    /**
     * The state counts holders: readers as a positive count, put-only writers as a negative
     * one, and {@link #EXCLUSIVE} for the one exclusive holder.
     */
    private static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;
        static final int READ = 1;
        static final int PUTS = -1;
        private static final int EXCLUSIVE = Integer.MIN_VALUE;

        @Override
        protected int tryAcquireShared(int mode) {
            while (true) {
                int s = getState();
                if (s == EXCLUSIVE || s != 0 && Integer.signum(s) != mode || hasQueuedPredecessors()) {
                    return -1;
                }
                if (s + mode == EXCLUSIVE || s + mode == Integer.MAX_VALUE) {
                    throw new Error("too many holders of the h2 index lock");
                }
                if (compareAndSetState(s, s + mode)) {
                    // 1 lets a queued thread of the same mode try too; 0 stops the propagation
                    return 1;
                }
            }
        }

        @Override
        protected boolean tryReleaseShared(int mode) {
            while (true) {
                int s = getState();
                if (s == 0 || s == EXCLUSIVE || Integer.signum(s) != mode) {
                    throw new IllegalMonitorStateException("the h2 index lock is not held in this mode");
                }
                if (compareAndSetState(s, s - mode)) {
                    return s - mode == 0;
                }
            }
        }

        @Override
        protected boolean tryAcquire(int ignored) {
            return getState() == 0 && !hasQueuedPredecessors() && compareAndSetState(0, EXCLUSIVE);
        }

        @Override
        protected boolean tryRelease(int ignored) {
            if (getState() != EXCLUSIVE) {
                throw new IllegalMonitorStateException("the h2 index lock is not held exclusively");
            }
            setState(0);
            return true;
        }
    }
}
