package org.blobsfile.bench.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.blobsfile.bench.BenchDirs;
import org.blobsfile.bench.BlobSource;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackWriter;
import org.blobsfile.core.internal.parity.Sealer;
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
 * Sealing one full pack: {@link Sealer#seal(Path)} streams the data area through the
 * Reed-Solomon encoder, writes the two parity entries and forces the file. The pack is written
 * once per trial (1 MiB blob entries of random bytes while they fit, then the EOF entry and
 * zero padding up to {@link #maxPackSize}, as the store closes a pack); before each seal its
 * parity is cut off again, outside the timed part. The data area is in the page cache, so this
 * measures the encoder, the parity writes and one force, not reading the pack from disk.
 *
 * <p>Single-shot: each measurement is one seal. Run with {@code -prof gc} to see the memory a
 * seal allocates ({@code gc.alloc.rate.norm}, bytes per seal), which must not grow with the pack.
 * Lives in the core package to reach the package-private sealer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class SealBenchmark {
    /** Bytes of blob payload per entry of the prepared pack. */
    static final int ENTRY_PAYLOAD = 1 << 20;

    /** The pack size, the store's {@code maxPackSize}: 256 MiB (the default) or 16 MiB. */
    @Param({"268435456", "16777216"})
    public long maxPackSize;

    private Path dir;
    private Path pack;

    /**
     * Writes the pack's data area and forces it.
     *
     * @throws IOException if writing fails
     */
    @Setup(Level.Trial)
    public void writePack() throws IOException {
        dir = BenchDirs.create("seal-" + maxPackSize);
        pack = writeFullPack(dir, maxPackSize);
    }

    /**
     * Writes pack 0 of {@code dir}: header, blob entries of {@link #ENTRY_PAYLOAD} random bytes
     * (the last one shorter if need be) while they fit, EOF entry, padding; forced.
     *
     * @return the pack's path
     */
    static Path writeFullPack(Path dir, long maxPackSize) throws IOException {
        int size = (int) Math.min(ENTRY_PAYLOAD, PackGeometry.of(maxPackSize).maxPayload());
        BlobSource blobs = new BlobSource(size, 0x5EED_0006L);
        byte[] header = new byte[EntryHeader.LENGTH];
        try (PackWriter w = PackWriter.create(dir, 0, PackGeometry.of(maxPackSize))) {
            while (w.fits(size)) {
                byte[] blob = blobs.next();
                new EntryHeader(Blake2b.hash(blob, 0, size), PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, size)
                        .encode(header, 0);
                w.append(new ByteBuffer[] {ByteBuffer.wrap(header), ByteBuffer.wrap(blob)}, 1);
            }
            w.finish();
            return w.path();
        }
    }

    /**
     * Cuts the pack back to its data area, as before its first seal.
     *
     * @throws IOException if truncating fails
     */
    @Setup(Level.Invocation)
    public void unseal() throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.truncate(maxPackSize);
        }
    }

    /**
     * Seals the pack.
     *
     * @throws IOException if reading, writing or forcing fails
     */
    @Benchmark
    public void seal() throws IOException {
        new Sealer(PackGeometry.of(maxPackSize)).seal(pack);
    }

    /**
     * Checks that the last seal left a sealed pack (both parity entries in place), then deletes it.
     *
     * @throws IOException if reading fails
     */
    @TearDown(Level.Trial)
    public void check() throws IOException {
        try {
            if (pack != null) {
                try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
                    if (ch.size() == maxPackSize) {
                        return; // never sealed: the run failed before, and said so
                    }
                    if (!new Sealer(PackGeometry.of(maxPackSize)).isSealed(ch)) {
                        throw new IllegalStateException(pack + " is not sealed after the benchmark");
                    }
                }
            }
        } finally {
            BenchDirs.delete(dir);
        }
    }
}
