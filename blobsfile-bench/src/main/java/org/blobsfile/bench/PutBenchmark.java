package org.blobsfile.bench;

import java.io.IOException;
import java.nio.file.Path;
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
 * Durable puts of fresh blobs by one thread, into a store that grows for the whole trial.
 * Each put hashes the blob, writes it and waits until it is forced: small puts measure the cost
 * of a durable write, large ones hashing and disk bandwidth. MB/s = ops/s &times; size / 2^20.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class PutBenchmark {
    /** Which engine: see {@link Engines#create(String)}. */
    @Param({Engines.BLOBSFILE, Engines.FILE_PER_BLOB, Engines.ROCKSDB_BLOBDB, Engines.H2_MVSTORE})
    public String engine;

    /** Bytes per blob. */
    @Param({"512", "1048576"})
    public int size;

    private Path dir;
    private Engine store;
    private BlobSource blobs;

    /**
     * Opens the engine on an empty directory.
     *
     * @throws IOException if it cannot open
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchDirs.create("put-" + engine + "-" + size);
        store = Engines.create(engine);
        store.open(dir);
        blobs = new BlobSource(size, 0x5EED_0001L);
    }

    /**
     * @return the key, so the JIT cannot drop the put
     * @throws IOException if the put fails
     */
    @Benchmark
    public byte[] put() throws IOException {
        return store.put(blobs.next());
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
