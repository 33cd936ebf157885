package org.blobsfile.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The latency of one durable put at a time, every put sampled: the mean gives the rate, the
 * percentiles the tail. Beside the engines runs {@value #APPEND_FSYNC}, the floor a put of a
 * v1-style store pays on this disk without any of its own work: the same bytes as one entry
 * (a 38-byte header and the blob) appended to a plain file with {@code write} and
 * {@code fdatasync}, no hash, no index.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Threads(1)
public class SyncPutLatencyBenchmark {
    /** The baseline: an append and {@code fdatasync} per put, to a plain file. */
    public static final String APPEND_FSYNC = "append-fsync";

    /** {@value #APPEND_FSYNC}, or an engine of {@link Engines#create(String)}. */
    @Param({APPEND_FSYNC, "blobsfile:none:sync_each", "blobsfile:none:sync_each:h2"})
    public String engine;

    /** Bytes per blob. */
    @Param({"512", "4096"})
    public int size;

    private Path dir;
    private Engine store;
    private FileChannel plain;
    private BlobSource blobs;
    private final ByteBuffer[] entry = {ByteBuffer.allocate(38), null};

    /**
     * Opens the engine, or the plain file, in an empty directory.
     *
     * @throws IOException if it cannot open
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchDirs.create("sync-put-latency-" + engine + "-" + size);
        blobs = new BlobSource(size, 0x5EED_0015L, 0);
        if (engine.equals(APPEND_FSYNC)) {
            plain = FileChannel.open(dir.resolve("append"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } else {
            store = Engines.create(engine);
            store.open(dir);
        }
    }

    /**
     * One durable put.
     *
     * @return the key, or the file position for the baseline, so the JIT cannot drop the work
     * @throws IOException if the put fails
     */
    @Benchmark
    public Object put() throws IOException {
        byte[] blob = blobs.next();
        if (plain == null) {
            return store.put(blob);
        }
        entry[0].clear();
        entry[1] = ByteBuffer.wrap(blob);
        long want = 38L + blob.length;
        for (long n = 0; n < want; ) {
            n += plain.write(entry);
        }
        plain.force(false);
        return plain.position();
    }

    /**
     * Closes the engine or file and deletes the data.
     *
     * @throws IOException if closing fails
     */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            if (store != null) {
                store.close();
            }
            if (plain != null) {
                plain.close();
            }
        } finally {
            BenchDirs.delete(dir);
        }
    }
}
