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
 * {@link BlobStore#rebuildIndex()} over about {@link #packMiB} MiB of packs of
 * {@value #BLOB_SIZE}-byte blobs, for each index. The store scans its packs on
 * {@code Runtime.availableProcessors()} threads; {@link #allCores()} runs with every core the
 * machine has, {@link #oneThread()} in a fork started with {@code -XX:ActiveProcessorCount=1},
 * the baseline. Both forks name the garbage collector, since with one processor the JVM would
 * otherwise pick a different one and the comparison would measure that too. The pack data sits
 * in the page cache, so this is the scan's CPU and the index writes, not the disk.
 *
 * <p>One operation is one whole rebuild: MB/s of packs = ops/s &times; packMiB. The store is
 * built once per trial (puts in batches, no forces) and deleted at the end.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class RebuildBenchmark {
    /** Bytes per blob: entries small enough that the index work shows next to the reading. */
    static final int BLOB_SIZE = 16 * 1024;
    /**
     * Pack size: 64 MiB, a quarter of the default, so ~1 GiB makes 16 packs and the scan threads
     * have packs to share on any core count of interest.
     */
    static final long PACK_SIZE = 64L << 20;

    /** The store's index. */
    @Param({"rocksdb", "h2"})
    public String index;

    /** MiB of blob data in the store. */
    @Param({"1024"})
    public int packMiB;

    private Path dir;
    private BlobStore store;
    private long blobs;

    /** Builds the store and reopens it. */
    @Setup(Level.Trial)
    public void build() {
        dir = BenchDirs.create("rebuild-" + index + "-" + packMiB);
        blobs = ((long) packMiB << 20) / BLOB_SIZE;
        try (BlobStore s = open()) {
            StoreFill.put(s, blobs, BLOB_SIZE, 0x5EED_0009L);
        }
        store = open();
    }

    private BlobStore open() {
        return BlobStore.builder(dir).index(index).maxPackSize(PACK_SIZE).durability(Durability.NONE).open();
    }

    /**
     * A rebuild on every core.
     *
     * @return the blobs indexed, so the JIT cannot drop the rebuild
     */
    @Benchmark
    public long allCores() {
        store.rebuildIndex();
        return store.stats().blobs();
    }

    /**
     * A rebuild in a JVM that sees one processor, so the store scans on one thread: the baseline.
     *
     * @return the blobs indexed, so the JIT cannot drop the rebuild
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:ActiveProcessorCount=1"})
    public long oneThread() {
        store.rebuildIndex();
        return store.stats().blobs();
    }

    /** Checks the last rebuild indexed every blob, closes the store and deletes it. */
    @TearDown(Level.Trial)
    public void close() {
        try {
            if (store != null) {
                long indexed = store.stats().blobs();
                store.close();
                if (indexed != blobs) {
                    throw new IllegalStateException("the rebuilt " + index + " index holds " + indexed + " blobs, not " + blobs);
                }
            }
        } finally {
            BenchDirs.delete(dir);
        }
    }
}
