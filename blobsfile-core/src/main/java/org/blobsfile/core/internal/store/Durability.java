package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.index.StoreIndex;
import org.blobsfile.core.internal.pack.PackWriter;

/**
 * What happens to entries once the write side has placed them in the active pack, chosen once
 * when the store opens from {@link org.blobsfile.api.Durability}: force the pack and index them
 * per append ({@link SyncEach}), join a group that one force covers ({@link GroupCommit}), or
 * index them without a force ({@link Unforced}). Every mode keeps the order append, force, index:
 * the index is never ahead of durable data. Single puts and putAll take the same steps.
 */
sealed interface Durability permits Durability.SyncEach, Durability.Unforced, GroupCommit {
    /** Work run with every put so far durable and indexed, and new puts held back. */
    interface Exclusive<T> {
        /** @return what the work found */
        T run() throws IOException;
    }

    /**
     * @param writeLock the write side's lock, which a group commit takes to collect its group
     * @return the strategy of {@code mode}, writing to {@code index} and counting in {@code meters}
     */
    static Durability of(org.blobsfile.api.Durability mode, StoreIndex index, StoreMeters meters,
                         ReentrantLock writeLock) {
        return switch (mode) {
            case SYNC_EACH -> new SyncEach(index, meters);
            case GROUP -> new GroupCommit(index, meters, writeLock);
            case NONE -> new Unforced(index);
        };
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

    /** @return where a blob is that is durable but not yet indexed, or null */
    default Location forcedPending(BlobRef ref) {
        return null;
    }

    /** Waits until every durable put is also indexed, for the calls that read the whole index. */
    default void awaitIndexed() {
    }

    /**
     * Runs {@code work} under {@code writeLock} with every put so far durable and indexed and
     * nothing committing meanwhile: for maintenance that moves blobs or rewrites the index.
     */
    default <T> T exclusively(ReentrantLock writeLock, Exclusive<T> work) throws IOException {
        writeLock.lock();
        try {
            return work.run();
        } finally {
            writeLock.unlock();
        }
    }

    /** SYNC_EACH: every append forces the pack and writes its index batch before its put returns. */
    final class SyncEach implements Durability {
        private final StoreIndex index;
        private final StoreMeters meters;

        SyncEach(StoreIndex index, StoreMeters meters) {
            this.index = index;
            this.meters = meters;
        }

        @Override
        public long appended(Reservation run) throws IOException {
            run.writer().force();
            meters.forces.increment();
            index.commit(run.batch(), run.checkpoint(), run.counters());
            return 0;
        }

        @Override
        public boolean appendsWhileStaging() {
            return false;
        }
    }

    /** NONE: every append writes its index batch at once; the operating system flushes the pack when it likes. */
    final class Unforced implements Durability {
        private final StoreIndex index;

        Unforced(StoreIndex index) {
            this.index = index;
        }

        @Override
        public long appended(Reservation run) throws IOException {
            index.commit(run.batch(), run.checkpoint(), run.counters());
            return 0;
        }
    }
}
