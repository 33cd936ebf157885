package org.blobsfile.bench.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.blobsfile.core.internal.hash.Blake2b;
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
 * The blob address, BLAKE2b-256 as the store computes it ({@link Blake2b#hash}, our own
 * implementation), against Bouncy Castle's digest (the reference the tests hold it to) and, for
 * context, the JDK's SHA-256 on the same bytes, one thread. Every put and
 * every verified read of the store pays one BLAKE2b-256 of the blob. MB/s = ops/s &times; size /
 * 2^20. Lives in the core package to reach the package-private hash function.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class Blake2bBenchmark {
    /** Bytes hashed per operation. */
    @Param({"4096", "1048576"})
    public int size;

    private byte[] data;
    private MessageDigest sha256;

    /**
     * Fills the input with random bytes.
     *
     * @throws NoSuchAlgorithmException never: every JDK has SHA-256
     */
    @Setup(Level.Trial)
    public void fill() throws NoSuchAlgorithmException {
        data = new byte[size];
        new SplittableRandom(0x5EED_0007L).nextBytes(data);
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    /** @return the BLAKE2b-256 of the input */
    @Benchmark
    public byte[] blake2b256() {
        return Blake2b.hash(data, 0, size);
    }

    /** @return the BLAKE2b-256 of the input by Bouncy Castle's digest, the reference our own replaced */
    @Benchmark
    public byte[] blake2b256BouncyCastle() {
        org.bouncycastle.crypto.digests.Blake2bDigest d = new org.bouncycastle.crypto.digests.Blake2bDigest(256);
        d.update(data, 0, size);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** @return the SHA-256 of the input, with a digest kept across calls like the store's BLAKE2b */
    @Benchmark
    public byte[] sha256() {
        return sha256.digest(data);
    }
}
