package org.blobsfile.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.VerifyReport;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * {@link BlobStore#verify()} of a store holding {@link #sealedMiB} MiB of sealed packs
 * ({@value #PACK_SIZE}-byte packs of 1 MiB blobs, plus the open pack with one blob), one thread
 * calling: every header, every blob's hash and the Reed-Solomon parity of every sealed pack. The
 * baseline, {@link #readPacks(Bytes)}, only reads the same pack files into a buffer, so the ratio
 * is the share of plain reading in verifying. The packs sit in the page cache: this is the CPU
 * cost, not the disk.
 *
 * <p>Both methods count the bytes they read in the {@code bytes} secondary result, in bytes/s
 * (JMH normalizes it like the score): MB/s = bytes / 2^20.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class VerifyBenchmark {
    /** Pack size: 64 MiB, so 256 MiB of sealed data is four packs. */
    static final long PACK_SIZE = 64L << 20;
    static final int BLOB_SIZE = 1 << 20;

    /** MiB of sealed packs, a multiple of 64. */
    @Param({"256"})
    public int sealedMiB;

    private Path dir;
    private BlobStore store;
    private List<Path> packs;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);

    /** Bytes read per second, reported next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        /** Bytes read in the current iteration; JMH reports them per second. */
        public long bytes;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    /**
     * Builds the store until the wanted packs are sealed, and reopens it.
     *
     * @throws IOException if the pack files cannot be listed
     */
    @Setup(Level.Trial)
    public void build() throws IOException {
        if (sealedMiB <= 0 || ((long) sealedMiB << 20) % PACK_SIZE != 0) {
            throw new IllegalArgumentException("sealedMiB must be a positive multiple of " + (PACK_SIZE >> 20));
        }
        dir = BenchDirs.create("verify-" + sealedMiB);
        int wanted = (int) (((long) sealedMiB << 20) / PACK_SIZE);
        try (BlobStore s = open()) {
            BlobSource blobs = new BlobSource(BLOB_SIZE, 0x5EED_000AL);
            // a pack is full, and queued for sealing, once a blob has gone to the next one
            while (s.stats().packs() <= wanted) {
                s.put(blobs.next());
            }
        } // close waits for the sealer
        store = open();
        if (store.sealedPacks().size() != wanted) {
            throw new IllegalStateException(store.sealedPacks().size() + " sealed packs, not " + wanted);
        }
        try (Stream<Path> files = Files.list(dir)) {
            packs = files.filter(p -> p.getFileName().toString().matches("blobs-\\d{5}")).sorted()
                    .collect(Collectors.toList());
        }
        VerifyReport report = store.verify();
        if (!report.isClean() || report.packs() != packs.size()) {
            throw new IllegalStateException("verify of a fresh store: " + report);
        }
    }

    private BlobStore open() {
        return BlobStore.builder(dir).maxPackSize(PACK_SIZE).durability(Durability.NONE).open();
    }

    /**
     * Verifies the whole store.
     *
     * @param b counts the bytes verify read
     * @return the report, so the JIT cannot drop the work
     */
    @Benchmark
    public VerifyReport verify(Bytes b) {
        VerifyReport r = store.verify();
        b.bytes += r.bytesRead();
        return r;
    }

    /**
     * Reads every pack file once, in 1 MiB chunks: the baseline.
     *
     * @param b counts the bytes read
     * @return the bytes read
     * @throws IOException if a read fails
     */
    @Benchmark
    public long readPacks(Bytes b) throws IOException {
        long total = 0;
        for (Path p : packs) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                long pos = 0;
                int n;
                while ((n = ch.read(buffer.clear(), pos)) > 0) {
                    pos += n;
                }
                total += pos;
            }
        }
        b.bytes += total;
        return total;
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
