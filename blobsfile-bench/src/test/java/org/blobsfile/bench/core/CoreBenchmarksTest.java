package org.blobsfile.bench.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.parity.Sealer;
import org.blobsfile.core.internal.parity.ShardStripes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks in the core package do the work they claim, on tiny inputs, without JMH. */
class CoreBenchmarksTest {
    @TempDir
    Path dir;

    @Test
    void bothEncodersWriteTheParityTheCheckAccepts() {
        ReedSolomonBenchmark b = new ReedSolomonBenchmark();
        b.shardSize = 1000;
        b.fill();
        assertThat(b.isParityCorrect()).isTrue();
        byte[][] fast = b.encodeFast();
        byte[] p0 = fast[10].clone();
        byte[] p1 = fast[11].clone();
        java.util.Arrays.fill(fast[10], (byte) 0);
        byte[][] naive = b.encodeNaive();
        assertThat(naive[10]).isEqualTo(p0).isNotEqualTo(new byte[1000]);
        assertThat(naive[11]).isEqualTo(p1);
    }

    @Test
    void sealWritesCorrectParityAgainAfterEachUnseal() throws IOException {
        long max = (1 << 20) + 7; // not a multiple of the shard count: the last shard is padded
        Path pack = SealBenchmark.writeFullPack(dir, max);
        assertThat(Files.size(pack)).isEqualTo(max);
        Sealer sealer = new Sealer(PackGeometry.of(max));
        for (int round = 0; round < 2; round++) {
            try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
                ch.truncate(max);
            }
            sealer.seal(pack);
            assertThat(Files.size(pack)).isEqualTo(PackGeometry.of(max).sealedSize());
            try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
                assertThat(sealer.isSealed(ch)).isTrue();
                int shard = (int) PackGeometry.of(max).shardSize();
                // one stripe as long as a shard: every shard whole, side by side
                ShardStripes.Stripe whole = new ShardStripes(PackGeometry.of(max), 0, shard, shard).iterator().next();
                byte[][] shards = new byte[12][shard];
                for (int i = 0; i < 12; i++) {
                    whole.read(ch, i, shards[i]);
                }
                assertThat(Sealer.codec().isParityCorrect(shards, 0, shard)).isTrue();
            }
        }
    }
}
