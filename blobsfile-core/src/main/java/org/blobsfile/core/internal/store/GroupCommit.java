package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.OperationListener;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.pack.PackWriter;

/**
 * GROUP durability: owns everything a group commit does. An append only reserves its bytes and
 * hands its {@link Reservation} here, under the write lock; its put then waits, outside the
 * lock, for a commit that writes every reserved entry with one write, forces once, wakes the
 * puts it covered, and hands their entries to the {@link IndexQueue}. {@link GroupCommitter} decides which
 * waiting put leads a commit and when (gathering, wakeups); this class decides what a commit is.
 *
 * <p>Until it is handed to the index queue, a forced blob is found here ({@link #forcedPending}), so a
 * put that returned can always be read back.
 */
final class GroupCommit implements Durability {
    private final IndexQueue queue;
    private final StoreMeters meters;
    /** The write side's lock: appends hold it while they reserve, a commit while it takes its group. */
    private final ReentrantLock writeLock;
    /**
     * Held while a group is committed, and by {@link #exclusively} work that needs every group
     * handed over; taken before the write lock, never after.
     */
    private final ReentrantLock commitLock = new ReentrantLock();
    private final GroupCommitter committer = new GroupCommitter(this::commit,
            () -> Math.max(this.durableTicket, this.failedTicket));
    /**
     * The tickets of groups whose write failed, first to last: the writer gave their entries up,
     * so their puts fail rather than wait for a commit that never comes.
     */
    private final ConcurrentSkipListMap<Long, Long> failedGroups = new ConcurrentSkipListMap<>();
    /** The last ticket of the last group whose write failed, and why. */
    private volatile long failedTicket;
    private volatile IOException failure;
    /** Reserved runs not yet forced and indexed, in append order (guarded by the write lock). */
    private final List<Pending> pending = new ArrayList<>();
    /**
     * The blobs of {@link #pending}, for the write side's duplicate check, and for reads of blobs
     * whose put has returned (they are forced) before they are handed to the index queue.
     */
    private final Map<BlobRef, PendingBlob> pendingKeys = new ConcurrentHashMap<>();
    /** The ticket of the last reservation (guarded by the write lock). */
    private long lastTicket;
    /** Every put up to this ticket is forced, and may return. */
    private volatile long durableTicket;
    /** Every put up to this ticket is also handed to the index queue. */
    private volatile long handedOverTicket;

    GroupCommit(IndexQueue queue, StoreMeters meters, ReentrantLock writeLock) {
        this.queue = queue;
        this.meters = meters;
        this.writeLock = writeLock;
    }

    /** A reserved run and its ticket. */
    private record Pending(long ticket, Reservation run) {
    }

    /** A blob of a reserved run: its ticket and its encoded location. */
    private record PendingBlob(long ticket, byte[] location) {
    }

    /** Reserves the bytes only: the commit writes every reservation of its group at once, just before its force. */
    @Override
    public long place(PackWriter writer, ByteBuffer[] buffers, int entries) {
        return writer.reserve(buffers, entries);
    }

    @Override
    public long appended(Reservation run) {
        long ticket = ++lastTicket;
        pending.add(new Pending(ticket, run));
        for (IndexRecord r : run.batch().puts()) {
            pendingKeys.put(BlobRef.of(r.key()), new PendingBlob(ticket, r.value()));
        }
        committer.arrived();
        return ticket;
    }

    @Override
    public void awaitDurable(long ticket) throws IOException {
        if (ticket > durableTicket) {
            committer.await(ticket);
        }
        Map.Entry<Long, Long> failed = failedGroups.floorEntry(ticket);
        if (failed != null && ticket <= failed.getValue()) {
            throw new IOException("the write of its group failed (" + failure.getMessage() + ")", failure);
        }
    }

    @Override
    public long pendingTicket(byte[] hash) {
        if (pendingKeys.isEmpty()) {
            return -1;
        }
        PendingBlob b = pendingKeys.get(BlobRef.of(hash));
        return b == null ? -1 : b.ticket();
    }

    /**
     * Looked up before the index queue: a blob leaves {@link #pendingKeys} only after it is
     * handed over, so a blob missing from both is not stored.
     */
    @Override
    public Location forcedPending(BlobRef ref) {
        if (pendingKeys.isEmpty()) {
            return null;
        }
        PendingBlob b = pendingKeys.get(ref);
        return b != null && b.ticket() <= durableTicket ? Location.decode(b.location()) : null;
    }

    @Override
    public void awaitHandedOver() {
        if (handedOverTicket < durableTicket) {
            commitLock.lock(); // a leader holds it until its group is handed over
            commitLock.unlock();
        }
    }

    @Override
    public <T> T exclusively(ReentrantLock lock, Exclusive<T> work) throws IOException {
        commitLock.lock();
        lock.lock();
        try {
            commitPending(() -> { }); // the write lock is reentrant
            return work.run();
        } finally {
            lock.unlock();
            commitLock.unlock();
        }
    }

    /** A commit as the {@link GroupCommitter} runs it. @return how many puts it covered */
    private int commit(Runnable forced) throws IOException {
        commitLock.lock();
        try {
            return commitPending(forced);
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Writes and forces everything reserved so far, tells {@code forced}, then hands the group's
     * entries to the index queue. Needs {@link #commitLock}, held until they are handed over, so
     * groups reach the queue in the order they were appended and the index's checkpoints only
     * ever advance.
     *
     * @param forced run once the group is forced: its puts may return before it is handed over,
     *               because reads find such blobs in {@link #pendingKeys}
     * @return how many puts (appends) it covered
     */
    private int commitPending(Runnable forced) throws IOException {
        List<Pending> group;
        writeLock.lock();
        try {
            group = new ArrayList<>(pending);
            committer.taken();
            if (!group.isEmpty()) {
                // only the pack the group ends in can hold reservations: a rollover writes them
                // before the EOF entry. One write for the whole group; the force runs outside the lock
                try {
                    group.get(group.size() - 1).run().writer().writeReserved();
                } catch (IOException e) {
                    // the writer gave the group's entries up: its puts fail, and no later group may
                    // index what is not in the pack
                    long last = group.get(group.size() - 1).ticket();
                    pending.removeIf(g -> g.ticket() <= last);
                    pendingKeys.values().removeIf(b -> b.ticket() <= last);
                    failure = e;
                    failedGroups.put(group.get(0).ticket(), last);
                    failedTicket = last;
                    throw e;
                }
            }
        } finally {
            writeLock.unlock();
        }
        if (group.isEmpty()) {
            return 0;
        }
        Set<PackWriter> packs = new HashSet<>();
        List<Reservation> runs = new ArrayList<>(group.size());
        int entries = 0;
        for (Pending g : group) {
            packs.add(g.run().writer());
            runs.add(g.run());
            entries += g.run().batch().puts().size();
        }
        for (PackWriter w : packs) {
            // a pack that rolled over meanwhile was forced by its EOF entry; only the open one needs it
            if (!w.isFinished()) {
                try {
                    OperationListeners.Timing forcing = meters.operations.start();
                    w.force();
                    meters.forces.increment();
                    forcing.completed(OperationListener.Operation.FORCE, 0);
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
        queue.add(runs);
        meters.groupCommits.increment();
        meters.groupedEntries.add(entries);
        writeLock.lock();
        try {
            pending.removeIf(g -> g.ticket() <= last.ticket());
            pendingKeys.values().removeIf(b -> b.ticket() <= last.ticket());
        } finally {
            writeLock.unlock();
        }
        handedOverTicket = last.ticket();
        return group.size();
    }
}
