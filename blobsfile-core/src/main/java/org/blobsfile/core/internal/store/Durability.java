package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.OperationListener;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.pack.PackWriter;

/**
 * What happens to entries once the write side has placed them in the active pack, chosen once
 * when the store opens from {@link org.blobsfile.api.Durability}: force the pack per append
 * ({@link SyncEach}), join a group that one force covers ({@link GroupCommit}), or hand them on
 * without a force ({@link Unforced}). Every mode then hands the entries to the {@link IndexQueue},
 * which indexes them in the background: the order append, force, index holds, so the index is
 * never ahead of durable data. Single puts and putAll take the same steps.
 */
sealed interface Durability permits Durability.SyncEach, Durability.Unforced, GroupCommit {
    /** Work run with every put so far durable and indexed, and new puts held back. */
    interface Exclusive<T> {
        /** @return what the work found */
        T run() throws IOException;
    }

    /**
     * @param writeLock the write side's lock, which a group commit takes to collect its group
     * @return the strategy of {@code mode}, handing entries to {@code queue} and counting in {@code meters}
     */
    static Durability of(org.blobsfile.api.Durability mode, IndexQueue queue, StoreMeters meters,
                         ReentrantLock writeLock) {
        return switch (mode) {
            case SYNC_EACH -> new SyncEach(queue, meters);
            case GROUP -> new GroupCommit(queue, meters, writeLock);
            case NONE -> new Unforced(queue);
        };
    }

    /**
     * @return whether puts wait for forces, so that the pack is worth filling with zeros ahead
     *         of its entries (see {@link PackWriter#preallocate})
     */
    default boolean forces() {
        return true;
    }

    /**
     * Places entries at the end of the pack, under the write lock: written at once, unless the
     * mode's commit writes them later.
     *
     * @param entries how many entries the buffers hold
     * @return the offset of the first entry
     */
    default long place(PackWriter writer, ByteBuffer[] buffers, int entries) throws IOException {
        return writer.append(buffers, entries);
    }

    /**
     * Makes a run of placed entries stored, or queues it, under the write lock.
     *
     * @return the ticket the run's puts wait for in {@link #awaitDurable}, or 0 when it is stored
     */
    long appended(Reservation run) throws IOException;

    /** Returns once the puts up to {@code ticket} are durable. Outside the write lock. */
    default void awaitDurable(long ticket) throws IOException {
    }

    /**
     * @return whether putAll may append a batch run by run while the rest is staged, one commit
     *         covering them all; not when every append forces, since that is one force per run
     */
    default boolean appendsWhileStaging() {
        return true;
    }

    /** @return the ticket of a blob appended but not yet indexed, or -1 */
    default long pendingTicket(byte[] hash) {
        return -1;
    }

    /** @return where a blob is that is durable but not yet handed to the index queue, or null */
    default Location forcedPending(BlobRef ref) {
        return null;
    }

    /** Waits until every durable put is also handed to the index queue. */
    default void awaitHandedOver() {
    }

    /**
     * Runs {@code work} under {@code writeLock} with every put so far durable and handed to the
     * index queue, and nothing committing meanwhile: for maintenance that moves blobs or rewrites the index.
     */
    default <T> T exclusively(ReentrantLock writeLock, Exclusive<T> work) throws IOException {
        writeLock.lock();
        try {
            return work.run();
        } finally {
            writeLock.unlock();
        }
    }

    /** SYNC_EACH: every append forces the pack and hands its entries to the index queue before its put returns. */
    final class SyncEach implements Durability {
        private final IndexQueue queue;
        private final StoreMeters meters;

        SyncEach(IndexQueue queue, StoreMeters meters) {
            this.queue = queue;
            this.meters = meters;
        }

        @Override
        public long appended(Reservation run) throws IOException {
            OperationListeners.Timing forcing = meters.operations.start();
            run.writer().force();
            meters.forces.increment();
            forcing.completed(OperationListener.Operation.FORCE, 0);
            queue.add(List.of(run));
            return 0;
        }

        @Override
        public boolean appendsWhileStaging() {
            return false;
        }
    }

    /** NONE: every append hands its entries to the index queue at once; the operating system flushes the pack when it likes. */
    final class Unforced implements Durability {
        private final IndexQueue queue;

        Unforced(IndexQueue queue) {
            this.queue = queue;
        }

        @Override
        public long appended(Reservation run) throws IOException {
            queue.add(List.of(run));
            return 0;
        }

        @Override
        public boolean forces() {
            return false;
        }
    }
}
