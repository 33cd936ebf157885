package org.blobsfile.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
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
 * Listing every blob of a store of {@link #blobs} small blobs with {@link BlobStore#enumerate()},
 * one thread, for each index. One operation is one whole listing, so blobs/s = ops/s &times;
 * {@code blobs}. The store is built once per trial and reopened, so the listing reads the index
 * from its files (warm in the page cache), not from write buffers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class EnumerateBenchmark {
    /** Bytes per blob: small, since listing reads only the index. */
    static final int BLOB_SIZE = 256;

    /** The store's index. */
    @Param({"rocksdb", "h2"})
    public String index;

    /** Blobs in the store. */
    @Param({"100000"})
    public int blobs;

    private Path dir;
    private BlobStore store;

    /** Builds the store and reopens it. */
    @Setup(Level.Trial)
    public void build() {
        dir = BenchDirs.create("enumerate-" + index + "-" + blobs);
        try (BlobStore s = open()) {
            StoreFill.put(s, blobs, BLOB_SIZE, 0x5EED_0008L);
        }
        store = open();
        long listed = enumerate();
        if (listed != blobs) {
            throw new IllegalStateException("the " + index + " store lists " + listed + " blobs, not " + blobs);
        }
    }

    private BlobStore open() {
        return BlobStore.builder(dir).index(index).durability(Durability.NONE).open();
    }

    /** @return how many blobs the store listed, so the JIT cannot drop the listing */
    @Benchmark
    public long enumerate() {
        try (var s = store.enumerate()) {
            // not count(): a stream that knows its size may skip the walk this measures
            return s.mapToLong(info -> 1).sum();
        }
    }

    /** Closes the store and deletes it. */
    @TearDown(Level.Trial)
    public void close() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            BenchDirs.delete(dir);
        }
    }
}
