package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.plainEntry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    @Test
    void anEntryCopiedFromAFileCountsAsWrittenUntilTheNextForce() throws Exception {
        byte[] payload = new byte[(int) SMALL + 1];
        SEED.random().nextBytes(payload);
        Path source = dir.resolve("payload");
        Files.write(source, payload);
        try (PackWriter w = PackWriter.create(dir, 0, PackGeometry.of(PACK));
             FileChannel from = FileChannel.open(source, StandardOpenOption.READ)) {
            w.preallocate(AHEAD);
            w.appendFrom(plainEntry(payload)[0].array(), from, payload.length);
            w.append(plainEntry(new byte[100]), 1);
            assertThat(size()).as("the copied entry waits for a force").isEqualTo(w.end());
            w.force();
            w.append(plainEntry(new byte[100]), 1);
            assertThat(size()).isEqualTo(w.end() + AHEAD);
        }
    }

    /**
     * Random appends, reservations of several entries written at once, and forces, against a
     * model of the rule: after each write the file ends where the entries end or {@code AHEAD}
     * beyond, as the rule says, and holds nothing but zeros after them; a closed pack is the
     * entries alone.
     */
    @Test
    void theFileEndsWhereTheRuleSaysAndClosedHoldsTheEntriesAlone() throws Exception {
        Random rnd = SEED.random();
        for (int round = 0; round < 30; round++) {
            Path roundDir = Files.createDirectory(dir.resolve("round-" + round));
            Path pack = PackFormat.path(roundDir, 0);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            PackWriter w = PackWriter.create(roundDir, 0, PackGeometry.of(PACK));
            expected.write(Files.readAllBytes(pack)); // the header
            long allocated = expected.size();
            long unforced = 0;
            try {
                w.preallocate(AHEAD);
                // well inside the data area, so the zeros ahead are never cut short by its end
                for (int step = 1 + rnd.nextInt(60); step > 0 && expected.size() < PACK / 2; step--) {
                    if (rnd.nextInt(5) == 0) {
                        w.force();
                        unforced = 0;
                        continue;
                    }
                    long written = 0;
                    int entries = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(8) : 1;
                    for (int i = 0; i < entries; i++) {
                        byte[] payload = new byte[rnd.nextInt(10) == 0 ? rnd.nextInt(3 * (int) SMALL) : rnd.nextInt(6000)];
                        rnd.nextBytes(payload);
                        ByteBuffer[] entry = plainEntry(payload);
                        for (ByteBuffer b : entry) {
                            expected.write(b.array());
                            written += b.remaining();
                        }
                        w.reserve(entry, 1);
                    }
                    w.writeReserved();
                    unforced += written;
                    long end = expected.size();
                    allocated = end >= allocated && unforced <= SMALL ? end + AHEAD : Math.max(allocated, end);
                    assertThat(w.end()).isEqualTo(end);
                    assertThat(Files.size(pack)).as("step with %d bytes unforced", unforced).isEqualTo(allocated);
                }
                byte[] file = Files.readAllBytes(pack);
                assertThat(Arrays.copyOf(file, expected.size())).isEqualTo(expected.toByteArray());
                assertThat(Zeros.isZero(file, expected.size(), file.length - expected.size()))
                        .as("only zeros after the entries").isTrue();
            } finally {
                w.close();
            }
            assertThat(Files.readAllBytes(pack)).isEqualTo(expected.toByteArray());
        }
    }

    private long size() throws Exception {
        return Files.size(PackFormat.path(dir, 0));
    }
}
