package org.blobsfile.core.internal.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.core.testing.fs.FileLayer;
import org.blobsfile.core.testing.fs.LayeredFileSystem;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seal forces the parity payloads before it writes their entry headers: a power cut keeps any
 * subset of unforced writes, and headers whose payloads were lost make a pack look sealed with
 * parity that protects nothing (a later single damaged shard then cannot be repaired).
 */
class SealOrderTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    /** One changing call on the first pack: a write at an offset, or a force (offset -1). */
    private record Call(long offset) {
    }

    @Test
    void parityPayloadsAreForcedBeforeTheirHeadersAreWritten() throws Exception {
        Path dir = tmp.resolve("store");
        Path pack = PackFormat.path(dir, 0).toAbsolutePath();
        List<Call> calls = new ArrayList<>();
        LayeredFileSystem fs = new LayeredFileSystem(new FileLayer() {
            @Override
            public long write(Path file, FileChannel raw, long position, long length, Call<Long> write)
                    throws IOException {
                if (file.toAbsolutePath().equals(pack)) {
                    synchronized (calls) {
                        calls.add(new SealOrderTest.Call(position));
                    }
                }
                return write.run();
            }

            @Override
            public void force(Path file, FileChannel raw, Call<Void> force) throws IOException {
                if (file.toAbsolutePath().equals(pack)) {
                    synchronized (calls) {
                        calls.add(new SealOrderTest.Call(-1));
                    }
                }
                force.run();
            }
        });
        Random r = SEED.random();
        try (BlobStore s = BlobStore.builder(fs.wrap(dir)).maxPackSize(PACK).index(new KeptMemoryIndex()).open()) {
            while (s.stats().packs() < 2) {
                byte[] b = new byte[1000 + r.nextInt(3000)];
                r.nextBytes(b);
                s.put(b);
            }
            s.verify(); // waits for the seal
            assertThat(s.sealedPacks()).hasSize(1);
        }
        PackGeometry g = PackGeometry.of(PACK);
        int firstHeader = -1;
        int lastPayload = -1;
        for (int i = 0; i < calls.size(); i++) {
            long at = calls.get(i).offset();
            for (int k = 0; k < PackFormat.PARITY_SHARDS; k++) {
                if (at == g.parityOffset(k) && firstHeader < 0) {
                    firstHeader = i;
                } else if (at >= g.parityOffset(k) + EntryHeader.LENGTH
                        && at < g.parityOffset(k) + EntryHeader.LENGTH + g.shardSize()) {
                    lastPayload = i;
                }
            }
        }
        assertThat(firstHeader).as("a parity header was written").isPositive();
        assertThat(lastPayload).as("parity payloads were written before the headers").isBetween(0, firstHeader);
        assertThat(calls.subList(lastPayload, firstHeader)).as("a force between the payloads and the headers")
                .contains(new Call(-1));
    }
}
