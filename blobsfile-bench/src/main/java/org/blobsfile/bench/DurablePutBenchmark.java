package org.blobsfile.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Durable puts of fresh blobs by 1, 4 or 16 threads sharing one engine: the workload group
 * commit is for. Every put returns only once its blob is forced, so one thread measures the cost
 * of a durable write and many threads show how well an engine shares forces between them (our
 * store in {@code GROUP} mode, RocksDB through its write groups; {@code SYNC_EACH} and
 * file-per-blob force once per put whatever the concurrency).
 *
 * <p>JMH cannot take the thread count as a parameter, so each count is its own method:
 * {@code threads1}, {@code threads4}, {@code threads16}. The score is the total ops/s of all
 * threads; MB/s = ops/s &times; size / 2^20. Each thread writes its own numbered stream of blobs
 * (see {@link BlobSource#BlobSource(int, long, long)}), so no put is deduplicated.
 * {@code bench/run.sh full} runs {@code threads1} and {@code threads16} only, to keep the
 * suite's time in bounds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class DurablePutBenchmark {
    /** Which engine: see {@link Engines#create(String)}. */
    @Param({"blobsfile:none:sync_each", "blobsfile:none:group", "blobsfile:none:none", Engines.ROCKSDB_BLOBDB,
        Engines.FILE_PER_BLOB, Engines.H2_MVSTORE})
    public String engine;

    /** Bytes per blob, at least 16: 512 B and 64 KiB show the cost of a force, 1 and 4 MiB hashing and bandwidth. */
    @Param({"512", "65536", "1048576", "4194304"})
    public int size;

    private final AtomicInteger streams = new AtomicInteger();
    private Path dir;
    private Engine store;

    /** One writing thread's blobs. */
    @State(Scope.Thread)
    public static class Writer {
        private BlobSource blobs;

        /**
         * Gives the thread its own stream of blobs.
         *
         * @param bench the shared state, which numbers the threads
         */
        @Setup(Level.Trial)
        public void start(DurablePutBenchmark bench) {
            blobs = new BlobSource(bench.size, 0x5EED_0004L, bench.streams.getAndIncrement());
        }
    }

    /**
     * Opens the engine on an empty directory.
     *
     * @throws IOException if it cannot open
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchDirs.create("durable-put-" + engine + "-" + size);
        store = Engines.create(engine);
        store.open(dir);
    }

    /**
     * One thread putting.
     *
     * @param w the thread's blobs
     * @return the key, so the JIT cannot drop the put
     * @throws IOException if the put fails
     */
    @Benchmark
    @Threads(1)
    public byte[] threads1(Writer w) throws IOException {
        return store.put(w.blobs.next());
    }

    /**
     * Four threads putting at once.
     *
     * @param w the thread's blobs
     * @return the key, so the JIT cannot drop the put
     * @throws IOException if the put fails
     */
    @Benchmark
    @Threads(4)
    public byte[] threads4(Writer w) throws IOException {
        return store.put(w.blobs.next());
    }

    /**
     * Sixteen threads putting at once.
     *
     * @param w the thread's blobs
     * @return the key, so the JIT cannot drop the put
     * @throws IOException if the put fails
     */
    @Benchmark
    @Threads(16)
    public byte[] threads16(Writer w) throws IOException {
        return store.put(w.blobs.next());
    }

    /**
     * Closes the engine and deletes its data.
     *
     * @throws IOException if closing fails
     */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            BenchDirs.delete(dir);
        }
    }
}
