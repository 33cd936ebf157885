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
 * or {@link #LARGE_COUNT} large blobs and then reopened, so every engine reads from its files
 * rather than from write buffers. The data fits in the page cache, so this measures the read
 * path's CPU cost (lookup, copy, and for our store the hash check), not the disk.
 * MB/s = ops/s &times; size / 2^20.
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
    /** Blobs preloaded when they are larger: about 200 MiB of 1 MiB blobs. */
    public static final int LARGE_COUNT = 200;
    /** The largest blob size counted as small. */
    public static final int SMALL_LIMIT = 64 * 1024;

    /** Which engine: see {@link Engines#create(String)}. */
    @Param({Engines.BLOBSFILE, Engines.FILE_PER_BLOB, Engines.ROCKSDB_BLOBDB})
    public String engine;

    /** Bytes per blob. */
    @Param({"512", "1048576"})
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
        int count = size <= SMALL_LIMIT ? SMALL_COUNT : LARGE_COUNT;
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
