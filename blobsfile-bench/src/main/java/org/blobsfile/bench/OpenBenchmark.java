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
 * Opening a store of {@link #blobs} 512-byte blobs in process, for each index, one open per
 * iteration (single shot), so each figure is the time of one {@code open()}:
 * <ul>
 *   <li>{@code state=clean}: a store closed cleanly and opened before, as an application opens
 *       its store at every start;</li>
 *   <li>{@code state=imported}: the first open after a bulk import with {@code putAll}: each
 *       iteration imports a new store and closes it first, so what the close left to do (an
 *       index log to replay) is paid here.</li>
 * </ul>
 * The store opened is closed after the iteration, outside the time measured; {@link #openClose}
 * measures the two together.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class OpenBenchmark {
    static final int BLOB_SIZE = 512;

    /** The store's index. */
    @Param({"rocksdb", "h2"})
    public String index;

    /** Blobs in the store. */
    @Param({"100000"})
    public int blobs;

    /** {@code clean}: a store opened and closed before; {@code imported}: the first open after a bulk import. */
    @Param({"clean", "imported"})
    public String state;

    private Path dir;
    private BlobStore opened;

    /** Builds the store once for {@code clean}, and opens and closes it once. */
    @Setup(Level.Trial)
    public void buildOnce() {
        if (state.equals("clean")) {
            dir = BenchDirs.create("open-" + index + "-" + blobs);
            fill(dir);
            open(dir).close();
        }
    }

    /** For {@code imported}, imports a new store before each open, and closes it. */
    @Setup(Level.Iteration)
    public void buildEach() {
        if (state.equals("imported")) {
            BenchDirs.delete(dir);
            dir = BenchDirs.create("open-imported-" + index + "-" + blobs);
            fill(dir);
        }
    }

    private void fill(Path d) {
        try (BlobStore s = open(d)) {
            StoreFill.put(s, blobs, BLOB_SIZE, 0x5EED_0015L);
        }
    }

    private BlobStore open(Path d) {
        return BlobStore.builder(d).index(index).durability(Durability.GROUP).open();
    }

    /**
     * @return the open store, closed after the iteration
     */
    @Benchmark
    public BlobStore open() {
        opened = open(dir);
        return opened;
    }

    /**
     * @return the store's directory, once the store opened there is closed again
     */
    @Benchmark
    public Path openClose() {
        open(dir).close();
        return dir;
    }

    /** Closes what the iteration opened. */
    @TearDown(Level.Iteration)
    public void closeOpened() {
        if (opened != null) {
            if (opened.stats().blobs() != blobs) {
                throw new IllegalStateException("the " + index + " store holds " + opened.stats().blobs() + " blobs, not "
                        + blobs);
            }
            opened.close();
            opened = null;
        }
    }

    /** Deletes the store. */
    @TearDown(Level.Trial)
    public void delete() {
        BenchDirs.delete(dir);
        dir = null;
    }
}
