package org.blobsfile.core.internal.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CarryOverTest {
    @TempDir
    Path dir;

    private static byte[] key(int first) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) 0x5A);
        k[0] = (byte) first;
        return k;
    }

    /** Somewhere in a pack the test never writes, so a probe finds nothing there. */
    private static Location at(long offset) {
        return new Location(0, offset, 17, 17, 0);
    }

    private static void put(BlobIndex index, byte[] key, Location loc) throws IOException {
        index.write(new IndexBatch().put(key, loc.encode()));
    }

    private CarryOver.Result compare(BlobIndex old, BlobIndex fresh, EntryTally written, boolean readable)
            throws IOException {
        try (PackReaders readers = new PackReaders(dir);
             CarryOver carry = new CarryOver(old, fresh, new LocationProbe(readers, CodecRegistry.discovered(),
                     PackGeometry.unknown()), (k, l) -> readable)) {
            return carry.run(written);
        }
    }

    @Test
    void theSameEntriesAreTakenFromTheTallyWithoutWalkingTheNewIndex() throws IOException {
        BlobIndex old = new MemoryIndex();
        BlobIndex fresh = new MemoryIndex();
        EntryTally written = new EntryTally();
        for (int i = 0; i < 3; i++) {
            put(old, key(i * 90), at(64 + 100 * i));
            put(fresh, key(i * 90), at(64 + 100 * i));
            written.add(key(i * 90), at(64 + 100 * i));
        }
        // a key no walk of the packs wrote: only a walk of the new index would count it
        put(fresh, key(255), at(999));

        CarryOver.Result r = compare(old, fresh, written, false);

        assertThat(r.counters()).isEqualTo(new IndexMeta.Counters(3, 51, 51));
        assertThat(r.carried()).isZero();
        assertThat(r.vanishedCount()).isZero();
    }

    @Test
    void aKeyOnlyTheOldIndexHoldsVanishesWhenNothingOfItReadsBack() throws IOException {
        BlobIndex old = new MemoryIndex();
        BlobIndex fresh = new MemoryIndex();
        EntryTally written = new EntryTally();
        put(old, key(1), at(64));
        put(old, key(200), at(500));
        put(fresh, key(1), at(64));
        put(fresh, key(7), at(300)); // found by the walk, unknown to the old index
        written.add(key(1), at(64));
        written.add(key(7), at(300));

        CarryOver.Result r = compare(old, fresh, written, false);

        assertThat(r.vanishedCount()).isEqualTo(1);
        assertThat(r.vanished()).containsExactly(BlobRef.of(key(200)));
        assertThat(r.carried()).isZero();
        assertThat(r.counters()).isEqualTo(new IndexMeta.Counters(2, 34, 34));
        assertThat(fresh.get(key(200))).isNull();
    }

    @Test
    void aKeyOnlyTheOldIndexHoldsIsCarriedOverWhereItStillReadsBack() throws IOException {
        BlobIndex old = new MemoryIndex();
        BlobIndex fresh = new MemoryIndex();
        EntryTally written = new EntryTally();
        for (int first : List.of(3, 4, 130)) {
            put(old, key(first), at(64 + first));
        }
        put(fresh, key(3), at(64 + 3));
        put(fresh, key(130), at(64 + 130));
        written.add(key(3), at(64 + 3));
        written.add(key(130), at(64 + 130));

        CarryOver.Result r = compare(old, fresh, written, true);

        assertThat(r.carried()).isEqualTo(1);
        assertThat(r.vanishedCount()).isZero();
        assertThat(fresh.get(key(4))).isEqualTo(at(64 + 4).encode());
        assertThat(r.counters()).isEqualTo(new IndexMeta.Counters(3, 51, 51));
    }
}
