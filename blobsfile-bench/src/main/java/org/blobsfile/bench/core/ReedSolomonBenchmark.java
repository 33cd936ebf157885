package org.blobsfile.bench.core;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.rs.NaiveReedSolomon;
import org.blobsfile.core.internal.rs.ReedSolomon;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The (10, 2) Reed-Solomon code of the pack format on ten data shards of {@link #shardSize}
 * bytes (1 MiB by default), in memory, one thread: the table-driven encoder the store uses
 * ({@link ReedSolomon}) against the byte-at-a-time reference ({@link NaiveReedSolomon}), and the
 * parity check verification runs. One operation covers all ten data shards, so data GB/s =
 * ops/s &times; 10 &times; shardSize / 10^9.
 *
 * <p>It sits in the core package, in the benchmarks module, to reach the package-private codec
 * classes; on the class path the package is simply shared.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ReedSolomonBenchmark {
    /** Bytes per shard. */
    @Param({"1048576"})
    public int shardSize;

    private final ReedSolomon fast = new ReedSolomon(PackFormat.DATA_SHARDS, PackFormat.PARITY_SHARDS);
    private final NaiveReedSolomon naive = new NaiveReedSolomon(PackFormat.DATA_SHARDS, PackFormat.PARITY_SHARDS);
    /** Data shards then parity shards; the parity is right after {@link #fill()}. */
    private byte[][] shards;
    /** The same data shards, with parity shards of their own that the encoders overwrite. */
    private byte[][] scratch;

    /** Fills the data shards with random bytes and computes their parity once. */
    @Setup(Level.Trial)
    public void fill() {
        int total = PackFormat.DATA_SHARDS + PackFormat.PARITY_SHARDS;
        shards = new byte[total][shardSize];
        SplittableRandom random = new SplittableRandom(0x5EED_0005L);
        for (int i = 0; i < PackFormat.DATA_SHARDS; i++) {
            random.nextBytes(shards[i]);
        }
        fast.encodeParity(shards, 0, shardSize);
        scratch = new byte[total][];
        for (int i = 0; i < total; i++) {
            scratch[i] = i < PackFormat.DATA_SHARDS ? shards[i] : new byte[shardSize];
        }
    }

    /**
     * The store's encoder.
     *
     * @return the shards, so the JIT cannot drop the work
     */
    @Benchmark
    public byte[][] encodeFast() {
        fast.encodeParity(scratch, 0, shardSize);
        return scratch;
    }

    /**
     * The reference encoder, the baseline.
     *
     * @return the shards, so the JIT cannot drop the work
     */
    @Benchmark
    public byte[][] encodeNaive() {
        naive.encodeParity(scratch, 0, shardSize);
        return scratch;
    }

    /**
     * The parity check of the store's encoder on correct parity, so every byte is checked.
     *
     * @return true, always; returned so the JIT cannot drop the check
     */
    @Benchmark
    public boolean isParityCorrect() {
        return fast.isParityCorrect(shards, 0, shardSize);
    }
}
