package org.blobsfile.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

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
 * Reads of random blobs by one thread, from a store preloaded with {@link #SMALL_COUNT} small
 * blobs, or with about {@link #LARGE_BYTES} of large ones, and then reopened, so every engine
 * reads from its files rather than from write buffers. The data fits in the page cache, so this
 * measures the read path's CPU cost (lookup, copy, and for our store the hash check), not the
 * disk. MB/s = ops/s &times; size / 2^20.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class GetBenchmark {
    /** Blobs preloaded when they are at most {@link #SMALL_LIMIT} bytes. */
    public static final int SMALL_COUNT = 2000;
    /**
     * Bytes preloaded when blobs are larger than {@link #SMALL_LIMIT}: enough blobs that random
     * reads do not keep hitting the CPU cache (48 of 4 MiB, 192 of 1 MiB), few enough that the
     * durable preload takes seconds.
     */
    public static final long LARGE_BYTES = 192L << 20;
    /** The largest blob size counted as small. */
    public static final int SMALL_LIMIT = 64 * 1024;

    /** Which engine: see {@link Engines#create(String)}. */
    @Param({Engines.BLOBSFILE, Engines.FILE_PER_BLOB, Engines.ROCKSDB_BLOBDB, Engines.H2_MVSTORE})
    public String engine;

    /** Bytes per blob. */
    @Param({"512", "4096", "1048576", "4194304"})
    public int size;

    private Path dir;
    private Engine store;
    private byte[][] keys;
    private SplittableRandom random;

    /**
     * Preloads the blobs, reopens the engine and checks that every blob reads back.
     *
     * @throws IOException if the engine fails
     */
    @Setup(Level.Trial)
    public void load() throws IOException {
        dir = BenchDirs.create("get-" + engine + "-" + size);
        store = Engines.create(engine);
        store.open(dir);
        int count = size <= SMALL_LIMIT ? SMALL_COUNT : (int) Math.max(8, LARGE_BYTES / size);
        BlobSource blobs = new BlobSource(size, 0x5EED_0002L);
        keys = new byte[count][];
        for (int i = 0; i < count; i++) {
            keys[i] = store.put(blobs.next());
        }
        store.close();
        store = Engines.create(engine);
        store.open(dir);
        // a benchmark that reads nothing would look fast: prove the data is there first
        BlobSource again = new BlobSource(size, 0x5EED_0002L);
        for (byte[] key : keys) {
            byte[] back = store.get(key);
            if (back == null || !Arrays.equals(back, again.next())) {
                throw new IllegalStateException(engine + " lost or changed blob " + Hashing.hex(key));
            }
        }
        random = new SplittableRandom(0x5EED_0003L);
    }

    /**
     * @return the blob, so the JIT cannot drop the read
     * @throws IOException if the read fails
     */
    @Benchmark
    public byte[] get() throws IOException {
        return store.get(keys[random.nextInt(keys.length)]);
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
