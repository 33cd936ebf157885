package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.plainEntry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.blobsfile.core.internal.io.Zeros;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zeros a writer writes ahead of its entries: there while little is written between forces,
 * so that a force has no file size to commit; left out while the next force has much to flush
 * anyway, so that a bulk load's force does not flush zeros too; and never more than zeros, cut
 * off at close.
 */
class PackWriterWriteAheadTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long AHEAD = 1 << 20;
    /** Below this many bytes written since the last force, zeros go ahead. */
    private static final long SMALL = AHEAD / 16;
    private static final long PACK = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void smallWritesBetweenForcesFindZerosAheadOfThem() throws Exception {
        try (PackWriter w = PackWriter.create(dir, 0, PackGeometry.of(PACK))) {
            w.preallocate(AHEAD);
            w.append(plainEntry(new byte[100]), 1);
            assertThat(size()).isEqualTo(w.end() + AHEAD);
            w.force();
            for (long next = w.end() + AHEAD; w.end() < next; ) {
                w.append(plainEntry(new byte[4000]), 1);
                w.force();
            }
            assertThat(size()).as("written ahead again once the entries reached the zeros").isEqualTo(w.end() + AHEAD);
        }
    }

    @Test
    void aBatchWrittenBetweenTwoForcesGetsNoZerosAheadOnceItPassesThem() throws Exception {
        try (PackWriter w = PackWriter.create(dir, 0, PackGeometry.of(PACK))) {
            w.preallocate(AHEAD);
            w.append(plainEntry(new byte[8000]), 1);
            long zerosEnd = size();
            assertThat(zerosEnd).isEqualTo(w.end() + AHEAD);
            while (w.end() < zerosEnd + AHEAD) {
                w.append(plainEntry(new byte[8000]), 1); // each small, but far more than SMALL together
            }
            assertThat(size()).as("no zeros ahead while the next force has much to flush").isEqualTo(w.end());
            w.force();
            w.append(plainEntry(new byte[100]), 1);
            assertThat(size()).as("after the force, small writes find zeros ahead again").isEqualTo(w.end() + AHEAD);
        }
    }

    @Test
    void aLargeEntryGetsNoZerosAheadOfIt() throws Exception {
        try (PackWriter w = PackWriter.create(dir, 0, PackGeometry.of(PACK))) {
            w.preallocate(AHEAD);
            w.append(plainEntry(new byte[(int) SMALL + 1]), 1);
            assertThat(size()).isEqualTo(w.end());
        }
    }

    /**
     * Random appends, reservations and forces: after each step the file holds the entries, then
     * zeros only; the writer's end is where they end; a closed pack is the entries alone.
     */
    @Test
    void whateverIsWrittenTheFileIsTheEntriesThenZerosAndClosedTheEntriesAlone() throws Exception {
        Random rnd = SEED.random();
        for (int round = 0; round < 30; round++) {
            Path roundDir = Files.createDirectory(dir.resolve("round-" + round));
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            PackWriter w = PackWriter.create(roundDir, 0, PackGeometry.of(PACK));
            expected.write(Files.readAllBytes(PackFormat.path(roundDir, 0))); // the header
            try {
                w.preallocate(AHEAD);
                int steps = 1 + rnd.nextInt(60);
                for (int step = 0; step < steps; step++) {
                    int kind = rnd.nextInt(10);
                    if (kind < 2) {
                        w.force();
                        continue;
                    }
                    byte[] payload = new byte[rnd.nextInt(10) == 0 ? rnd.nextInt(3 * (int) SMALL) : rnd.nextInt(6000)];
                    rnd.nextBytes(payload);
                    ByteBuffer[] entry = plainEntry(payload);
                    for (ByteBuffer b : entry) {
                        expected.write(b.array());
                    }
                    if (kind < 5) {
                        w.reserve(entry, 1);
                        w.writeReserved();
                    } else {
                        w.append(entry, 1);
                    }
                    byte[] file = Files.readAllBytes(PackFormat.path(roundDir, 0));
                    assertThat(w.end()).isEqualTo(expected.size());
                    assertThat(Arrays.copyOf(file, expected.size())).isEqualTo(expected.toByteArray());
                    assertThat(Zeros.isZero(file, expected.size(), file.length - expected.size()))
                            .as("only zeros after the entries").isTrue();
                }
            } finally {
                w.close();
            }
            assertThat(Files.readAllBytes(PackFormat.path(roundDir, 0))).isEqualTo(expected.toByteArray());
        }
    }

    private long size() throws Exception {
        return Files.size(PackFormat.path(dir, 0));
    }
}
