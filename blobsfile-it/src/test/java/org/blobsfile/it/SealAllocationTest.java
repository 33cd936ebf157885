package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.parity.Sealer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealing streams the pack: what it allocates does not grow with the pack. Measured with the
 * JVM's per-thread allocation counter on a 256 MiB pack (the default size); the JMH seal
 * benchmark reports the same figure with its GC profiler.
 */
class SealAllocationTest {
    private static final long MAX = 268_435_456L;

    @TempDir
    Path tmp;

    @Test
    void sealingA256MiBPackAllocatesAtMost16MiB() throws Exception {
        Path pack = tmp.resolve("blobs-00000");
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            PositionalIo.writeFully(ch, 0, ByteBuffer.wrap(PackFormat.header()));
            // one large plain entry of random bytes, then the EOF entry and its padding
            Random rnd = new Random(1);
            long payload = MAX - PackFormat.HEADER_SIZE - 2L * EntryHeader.LENGTH - 1000;
            byte[] h = new EntryHeader(new byte[32], PackFormat.FLAG_BLOB, 0, payload).encode();
            PositionalIo.writeFully(ch, PackFormat.HEADER_SIZE, ByteBuffer.wrap(h));
            byte[] chunk = new byte[1 << 20];
            long pos = PackFormat.HEADER_SIZE + EntryHeader.LENGTH;
            long end = pos + payload;
            while (pos < end) {
                rnd.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, end - pos);
                PositionalIo.writeFully(ch, pos, ByteBuffer.wrap(chunk, 0, n));
                pos += n;
            }
            h = EntryHeader.eof(MAX - end - EntryHeader.LENGTH).encode();
            PositionalIo.writeFully(ch, end, ByteBuffer.wrap(h));
            PositionalIo.writeZeros(ch, end + EntryHeader.LENGTH, MAX);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        Sealer sealer = new Sealer(PackGeometry.of(MAX));
        sealer.seal(pack); // once to load and compile what sealing uses
        long before = threads.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        sealer.seal(pack);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        System.out.printf("sealing a %d-byte pack: %d ms, %d bytes allocated%n", MAX, ms, allocated);
        assertThat(allocated).isLessThanOrEqualTo(16L << 20);
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            assertThat(sealer.isSealed(ch)).isTrue();
        }
    }
}
