package org.blobsfile.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.blobsfile.core.internal.hash.Blake2b;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What this machine charges for the part of a group commit that is not the force: one thread
 * wakes {@code threads} parked threads, each hashes {@code work} bytes (a put's CPU in miniature)
 * and parks again, and the last to park wakes the waking thread, as the last put of a group wakes
 * its gathering leader. The score is the time of one such round. The report estimates from it
 * what GROUP can do at that many threads when every group holds all of them and each cycle
 * forces, then wakes its puts, nothing overlapping: see {@code Report#targets}. One benchmark
 * thread only ({@code @Threads(1)}): the sleepers and their round are shared state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WakeupBenchmark {
    /** How many parked threads a round wakes: the puts of one group. */
    @Param({"16"})
    public int threads;

    /** Bytes each woken thread hashes before it parks again; 0 for the wake-ups alone. */
    @Param({"0", "512"})
    public int work;

    private Thread[] sleepers;
    /** The thread running the benchmark, woken by the last sleeper to finish a round. */
    private volatile Thread waker;
    private byte[] data;
    /** The round the sleepers are to run; each runs it once, then parks until the next. */
    private volatile long round;
    private volatile boolean stopping;
    /** Sleepers that have not yet finished the current round. */
    private final AtomicInteger running = new AtomicInteger();
    /** The sleepers' hashes folded together, so the JIT cannot drop the work. */
    private int sink;

    /** Starts the sleepers and waits until every one is parked. */
    @Setup(Level.Trial)
    public void start() {
        data = new byte[Math.max(1, work)];
        sleepers = new Thread[threads];
        running.set(threads);
        waker = Thread.currentThread();
        for (int i = 0; i < threads; i++) {
            sleepers[i] = new Thread(this::sleep, "sleeper-" + i);
            sleepers[i].setDaemon(true);
            sleepers[i].start();
        }
        awaitRound();
    }

    private void sleep() {
        long done = round;
        while (true) {
            if (running.decrementAndGet() == 0) {
                LockSupport.unpark(waker);
            }
            while (round == done && !stopping) {
                LockSupport.park(this);
            }
            if (stopping) {
                return;
            }
            done = round;
            if (work > 0) {
                sink += Blake2b.hash(data, 0, work)[0];
            }
        }
    }

    /**
     * One round: wakes every sleeper and returns once each has done its work and parked again.
     *
     * @return the round's number, so the JIT cannot drop it
     */
    @Benchmark
    public long wakeAll() {
        waker = Thread.currentThread();
        running.set(threads);
        round++;
        for (Thread t : sleepers) {
            LockSupport.unpark(t);
        }
        awaitRound();
        return round;
    }

    /** Parks until every sleeper has finished the round; fails rather than waits for one that died. */
    private void awaitRound() {
        while (running.get() > 0) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                throw new IllegalStateException("interrupted while " + running.get() + " sleepers were running");
            }
            for (Thread t : sleepers) {
                if (!t.isAlive()) {
                    throw new IllegalStateException(t.getName() + " died");
                }
            }
        }
    }

    /** Stops the sleepers. */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stopping = true;
        for (Thread t : sleepers) {
            LockSupport.unpark(t);
        }
        for (Thread t : sleepers) {
            t.join();
        }
    }
}
