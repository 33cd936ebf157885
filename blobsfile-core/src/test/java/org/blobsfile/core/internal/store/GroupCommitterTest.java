package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {
    /**
     * A stand-in for the store: appends take tickets, a flush "forces" all of them, tells the
     * committer, then "indexes" them. It checks that flushes never overlap.
     */
    private static final class FakeLog {
        long appended;
        volatile long durable;
        volatile long indexed;
        final AtomicInteger flushing = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final List<Integer> groups = new ArrayList<>();
        volatile CountDownLatch indexGate = new CountDownLatch(0);
        volatile IOException failNext;
        GroupCommitter committer;

        synchronized long append() {
            long t = ++appended;
            committer.arrived();
            return t;
        }

        int flush(Runnable forced) throws IOException {
            if (flushing.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            try {
                long upTo;
                synchronized (this) {
                    upTo = appended;
                    committer.taken();
                }
                if (failNext != null) {
                    IOException e = failNext;
                    failNext = null;
                    throw e;
                }
                int covered = (int) (upTo - durable);
                if (covered == 0) {
                    return 0;
                }
                durable = upTo;
                forced.run();
                indexGate.await();
                indexed = upTo;
                synchronized (groups) {
                    groups.add(covered);
                }
                return covered;
            } catch (InterruptedException e) {
                throw new IOException(e);
            } finally {
                flushing.decrementAndGet();
            }
        }
    }

    private static FakeLog log() {
        FakeLog log = new FakeLog();
        log.committer = new GroupCommitter(log::flush, () -> log.durable);
        return log;
    }

    @Test
    void aLonePutLeadsItsOwnFlush() throws IOException {
        FakeLog log = log();
        for (int i = 0; i < 5; i++) {
            long t = log.append();
            log.committer.await(t);
            assertThat(log.durable).isGreaterThanOrEqualTo(t);
            assertThat(log.indexed).as("the leader indexes before it returns").isGreaterThanOrEqualTo(t);
        }
        assertThat(log.groups).containsExactly(1, 1, 1, 1, 1);
    }

    @Test
    void everyPutReturnsOnlyOnceForcedAndFlushesNeverOverlap() throws Exception {
        FakeLog log = log();
        int threads = 12;
        int rounds = 300;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    int early = 0;
                    for (int i = 0; i < rounds; i++) {
                        long ticket = log.append();
                        log.committer.await(ticket);
                        if (log.durable < ticket) {
                            early++;
                        }
                    }
                    return early;
                }));
            }
            for (Future<Integer> f : fs) {
                assertThat(f.get(60, TimeUnit.SECONDS)).as("puts that returned before their force").isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.overlaps).hasValue(0);
        assertThat(log.groups.stream().mapToInt(Integer::intValue).sum()).isEqualTo(threads * rounds);
    }

    @Test
    void followersReturnOnceForcedWhileTheLeaderStillIndexes() throws Exception {
        FakeLog log = log();
        log.indexGate = new CountDownLatch(1);
        long first = log.append();
        long second = log.append(); // both appended before anyone flushes: one group
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> {
                log.committer.await(first);
                return null;
            });
            Future<?> b = pool.submit(() -> {
                log.committer.await(second);
                return null;
            });
            // one of the two leads and is held in its index step; the other must come back
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!a.isDone() && !b.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(a.isDone() || b.isDone()).isTrue();
            assertThat(a.isDone() && b.isDone()).as("the leader is still indexing").isFalse();
            assertThat(log.durable).isEqualTo(second);
            assertThat(log.indexed).isZero();
            log.indexGate.countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
            assertThat(log.indexed).isEqualTo(second);
            assertThat(log.groups).containsExactly(2);
        } finally {
            log.indexGate.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedFlushFailsItsLeaderAndTheNextPutFlushesAgain() throws Exception {
        FakeLog log = log();
        log.failNext = new IOException("disk full");
        long t = log.append();
        assertThatThrownBy(() -> log.committer.await(t)).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(log.durable).isZero();
        long t2 = log.append();
        log.committer.await(t2);
        assertThat(log.durable).isEqualTo(t2);
        assertThat(log.groups).containsExactly(2);
    }

    @Test
    void anInterruptedPutStillWaitsForItsForceAndKeepsTheInterrupt() throws Exception {
        FakeLog log = log();
        log.committer.await(log.append()); // the first group: the committer now expects one writer
        log.indexGate = new CountDownLatch(1);
        long leaderTicket = log.append();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> leader = pool.submit(() -> {
                log.committer.await(leaderTicket);
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.durable < leaderTicket && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the leader is now held in its index step
            }
            long mine = log.append(); // appended after the force: it needs the next flush
            Thread.currentThread().interrupt();
            Thread opener = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (log.flushing.get() == 0 && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                log.indexGate.countDown();
            });
            opener.start();
            log.committer.await(mine);
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
            assertThat(log.durable).isGreaterThanOrEqualTo(mine);
            leader.get(30, TimeUnit.SECONDS);
            opener.join();
        } finally {
            log.indexGate.countDown();
            pool.shutdownNow();
        }
    }
}
