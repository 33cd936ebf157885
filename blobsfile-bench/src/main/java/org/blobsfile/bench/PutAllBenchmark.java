package org.blobsfile.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import org.blobsfile.api.BlobRef;
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
 * {@link BlobStore#putAll(List)} of {@link #batch} fresh blobs of {@link #size} bytes into a
 * GROUP store, with the store's hashing and compressing spread over every core
 * ({@link #allCores()}) against the very same call made from the only worker of a one-thread
 * {@link ForkJoinPool} ({@link #oneThread()}), the baseline: the store spreads that work over
 * the pool of the thread that calls it, as parallel streams do, so the baseline does the same
 * hashing, compressing, appends and single force, serially. Both run in the same JVM settings,
 * unlike a fork with fewer processors, which would change the garbage collector.
 *
 * <p>Each iteration puts into a new store, deleted after it. With {@link #maxPackMiB} at 2047
 * (the largest pack size) an iteration of a few seconds never fills a pack, so no seal runs
 * beside the puts: a seal costs about as much CPU as the puts that filled the pack, and would
 * otherwise measure how much of the cores the sealer takes. The default 256 MiB shows the
 * puts with the sealer running beside them.
 *
 * <p>One operation is one whole putAll, returning once the batch is forced: MB/s = ops/s &times;
 * batch &times; size / 2^20. Each blob of the batch comes from its own {@link BlobSource}
 * stream, which makes it new for every call, so nothing is deduplicated; their content is
 * random, so a compressing codec does its full work and stores them plain.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class PutAllBenchmark {
    /** The store's codec for new blobs: {@code none}, or one that compresses. */
    @Param({"none", "zstd"})
    public String codec;

    /** Bytes per blob. */
    @Param({"1048576"})
    public int size;

    /** Blobs per putAll. */
    @Param({"16"})
    public int batch;

    /** The store's pack size in MiB: 2047 keeps seals out of an iteration, 256 is the default. */
    @Param({"2047", "256"})
    public int maxPackMiB;

    private Path dir;
    private BlobStore store;
    /** One source per blob of the batch, each its own stream, so no two blobs are ever alike. */
    private BlobSource[] sources;
    private List<byte[]> blobs;
    /** Blobs put so far in the trial. */
    private long counter;
    private long putsAtOpen;
    private ForkJoinPool oneWorker;

    /** Makes the batch's blob sources and the pool of the baseline. */
    @Setup(Level.Trial)
    public void make() {
        sources = new BlobSource[batch];
        blobs = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            sources[i] = new BlobSource(size, 0x5EED_000BL, i);
            blobs.add(null);
        }
        oneWorker = new ForkJoinPool(1);
    }

    /** Opens a new empty store for the iteration. */
    @Setup(Level.Iteration)
    public void open() {
        dir = BenchDirs.create("putall-" + codec + "-" + size);
        store = BlobStore.builder(dir).codec(codec).durability(Durability.GROUP)
                .maxPackSize(Math.min(Integer.MAX_VALUE, (long) maxPackMiB << 20)).open();
        putsAtOpen = counter;
    }

    /**
     * One putAll, the store using every core.
     *
     * @return the references, so the JIT cannot drop the put
     */
    @Benchmark
    public List<BlobRef> allCores() {
        return store.putAll(fresh());
    }

    /**
     * The same putAll from the single worker of a one-thread pool: the baseline.
     *
     * @return the references, so the JIT cannot drop the put
     * @throws Exception if the put fails
     */
    @Benchmark
    public List<BlobRef> oneThread() throws Exception {
        List<byte[]> b = fresh();
        try {
            return oneWorker.submit(() -> store.putAll(b)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /** @return the batch, every blob new */
    private List<byte[]> fresh() {
        for (int i = 0; i < batch; i++) {
            blobs.set(i, sources[i].next());
        }
        counter += batch;
        return blobs;
    }

    /** Checks every put of the iteration was stored, closes the store and deletes it. */
    @TearDown(Level.Iteration)
    public void close() {
        try {
            if (store != null) {
                long stored = store.stats().blobs();
                store.close();
                store = null;
                if (stored != counter - putsAtOpen) {
                    throw new IllegalStateException("the store holds " + stored + " blobs, " + (counter - putsAtOpen)
                            + " were put");
                }
            }
        } finally {
            BenchDirs.delete(dir);
            dir = null;
        }
    }

    /** Stops the baseline's pool. */
    @TearDown(Level.Trial)
    public void stop() {
        if (oneWorker != null) {
            oneWorker.shutdownNow();
        }
    }
}
