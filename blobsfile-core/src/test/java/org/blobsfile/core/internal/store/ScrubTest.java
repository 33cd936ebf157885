package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.Progress;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.VerifyLedger;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded, recorded verification and the background scrub, through the store's API: the verify
 * ledger's order over real packs, {@code olderThan}, the read rate, a store that cannot record,
 * and a scrub that finds a damaged pack and has it repaired.
 */
class ScrubTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    /** Fills a store of 64 KiB packs until {@code sealed} packs are sealed, and closes it. */
    private Map<BlobRef, byte[]> filled(Path dir, int sealed) {
        try (BlobStore s = StoreTestSupport.small(dir).open()) {
            return StoreTestSupport.putUntilSealed(s, SEED.random(), sealed);
        }
    }

    /** Polls a condition the store's threads make true, failing after 60 s. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited too long for %s", what).isNegative();
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** @return the one pack whose latest record differs between two reads of the ledger */
    private static int changed(Map<Integer, VerifyLedger.Verification> before,
                               Map<Integer, VerifyLedger.Verification> after) {
        List<Integer> out = new ArrayList<>();
        after.forEach((p, v) -> {
            if (!v.equals(before.get(p))) {
                out.add(p);
            }
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    /** @return whether the ledger's latest record of the pack says clean; null when it has none */
    private static Boolean cleanIn(VerifyLedger ledger, int pack) {
        try {
            VerifyLedger.Verification v = ledger.latest().get(pack);
            return v == null ? null : v.clean();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void runsBoundedToOnePackGoRoundEveryPackBeforeReadingOneAgain() throws Exception {
        Path dir = tmp.resolve("round");
        filled(dir, 4);
        VerifyLedger ledger = new VerifyLedger(dir);
        // read-only, as the command line opens it: the ledger is the one file it writes
        try (BlobStore s = BlobStore.builder(dir).readOnly().open()) {
            int packs = s.stats().packs();
            // the last pack still takes puts: checked by verify, counted once it is closed
            assertThat(s.stats().unverifiedPacks()).isEqualTo(packs - 1);
            assertThat(s.stats().oldestVerification()).isZero();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 2 * packs; i++) {
                Map<Integer, VerifyLedger.Verification> before = ledger.latest();
                // no time at all: one pack per run, never none
                VerifyReport r = s.verify(VerifyOptions.DEFAULT.withMaxDuration(Duration.ZERO), Progress.NONE);
                assertThat(r.packs()).isEqualTo(1);
                assertThat(r.isClean()).as(r.toString()).isTrue();
                assertThat(r.notRecorded()).isEmpty();
                order.add(changed(before, ledger.latest()));
                if (i == packs - 3) {
                    assertThat(s.stats().unverifiedPacks()).isEqualTo(1);
                }
            }
            List<Integer> first = order.subList(0, packs);
            assertThat(first).as("never verified first, by number").containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, packs).boxed().toList());
            assertThat(order.subList(packs, 2 * packs)).as("then longest ago first").isEqualTo(first);
            StoreStats st = s.stats();
            assertThat(st.unverifiedPacks()).isZero();
            assertThat(st.oldestVerification()).isEqualTo(ledger.latest().get(0).millis()).isPositive();
        }
    }

    @Test
    void olderThanChecksOnlyThePacksNotVerifiedWithinIt() throws Exception {
        Path dir = tmp.resolve("older");
        filled(dir, 3);
        VerifyLedger ledger = new VerifyLedger(dir);
        try (BlobStore s = StoreTestSupport.small(dir).open()) {
            int packs = s.stats().packs();
            assertThat(s.verify().packs()).isEqualTo(packs);
            VerifyOptions hour = VerifyOptions.DEFAULT.withOlderThan(Duration.ofHours(1));
            assertThat(s.verify(hour, Progress.NONE).packs()).as("every pack was verified just now").isZero();
            // packs 0 and 2 as if verified two hours ago (a later record is the pack's latest)
            long twoHoursAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
            ledger.append(2, twoHoursAgo, 0, true);
            ledger.append(0, twoHoursAgo, 0, true);
            Map<Integer, VerifyLedger.Verification> before = ledger.latest();
            VerifyReport r = s.verify(hour, Progress.NONE);
            assertThat(r.packs()).isEqualTo(2);
            assertThat(r.isClean()).as(r.toString()).isTrue();
            Map<Integer, VerifyLedger.Verification> after = ledger.latest();
            for (int p = 0; p < packs; p++) {
                assertThat(after.get(p).equals(before.get(p))).as("pack %d checked again", p).isEqualTo(p != 0 && p != 2);
            }
            assertThat(after.get(2).seq()).as("the one verified first of the two at equal times goes first")
                    .isLessThan(after.get(0).seq());
        }
    }

    @Test
    void verifyThatCannotRecordStillChecksEveryPackAndSaysSo() throws Exception {
        Path dir = tmp.resolve("unrecorded");
        filled(dir, 2);
        // a directory where the ledger would be: no append can succeed, whoever runs the test
        Files.createDirectory(dir.resolve(VerifyLedger.FILE_NAME));
        try (BlobStore s = BlobStore.builder(dir).readOnly().open()) {
            VerifyReport r = s.verify();
            assertThat(r.packs()).isEqualTo(s.stats().packs());
            assertThat(r.isClean()).as(r.toString()).isTrue();
            assertThat(r.notRecorded()).contains("not recorded").contains(VerifyLedger.FILE_NAME);
            assertThat(s.stats().unverifiedPacks()).isEqualTo(s.stats().packs() - 1);
        }
    }

    @Test
    void theBackgroundScrubFindsADamagedPackAndItIsRepairedFromParity() throws Exception {
        Path dir = tmp.resolve("scrub");
        Map<BlobRef, byte[]> blobs = filled(dir, 3);
        Path pack = PackFormat.path(dir, 1);
        byte[] original = Files.readAllBytes(pack);
        long shard = PackGeometry.of(64 * 1024).shardSize();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            byte[] junk = new byte[200];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            ch.write(ByteBuffer.wrap(junk), PackFormat.HEADER_SIZE + shard + 100); // inside data shard 1
        }
        VerifyLedger ledger = new VerifyLedger(dir);
        try (BlobStore s = StoreTestSupport.small(dir).scrub(50_000_000).open()) {
            // the next round comes a second later at the earliest: time enough to see this record
            await("pack 1 recorded as damaged", () -> Boolean.FALSE.equals(cleanIn(ledger, 1)));
            await("the scrub to have pack 1 repaired", () -> s.stats().repairs() >= 1);
            StoreStats st = s.stats();
            assertThat(st.scrubRoundPacks()).isGreaterThanOrEqualTo(3);
            assertThat(st.scrubbedBytes()).isPositive();
            await("a round after the repair", () -> Boolean.TRUE.equals(cleanIn(ledger, 1)));
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
        assertThat(Files.readAllBytes(pack)).as("rebuilt byte for byte").isEqualTo(original);
        try (BlobStore s = StoreTestSupport.small(dir).open()) {
            assertThat(s.verify().isClean()).isTrue();
        }
    }

    /** Evicted packs are scrubbed too, by their archived copy: their records never grow old for good. */
    @Test
    void theBackgroundScrubChecksEvictedPacksByTheirArchivedCopy() throws Exception {
        Path dir = tmp.resolve("evicted");
        org.blobsfile.core.testing.MemoryArchive archive = new org.blobsfile.core.testing.MemoryArchive();
        try (BlobStore s = StoreTestSupport.small(dir).archive(archive).open()) {
            StoreTestSupport.putUntilSealed(s, SEED.random(), 3);
            s.archive(org.blobsfile.api.Progress.NONE);
            assertThat(s.evict(0).evicted()).isNotEmpty();
        }
        VerifyLedger ledger = new VerifyLedger(dir);
        try (BlobStore s = StoreTestSupport.small(dir).archive(archive).scrub(50_000_000).open()) {
            await("a record of evicted pack 0", () -> Boolean.TRUE.equals(cleanIn(ledger, 0)));
            await("every closed pack verified", () -> s.stats().unverifiedPacks() == 0);
            assertThat(s.stats().oldestVerification()).isPositive();
        }
    }

    @Test
    @Timeout(60)
    void closeStopsAScrubWaitingForItsRateAndAReadOnlyStoreStartsNone() throws Exception {
        Path dir = tmp.resolve("stop");
        filled(dir, 3);
        try (BlobStore s = BlobStore.builder(dir).readOnly().scrub(1_000).open()) {
            StoreStats st = s.stats();
            assertThat(st.scrubRoundPacks()).isZero();
            assertThat(st.scrubbedBytes()).isZero();
        }
        assertThat(dir.resolve(VerifyLedger.FILE_NAME)).as("a read-only store scrubs nothing").doesNotExist();
        // 1 kB/s: after its first pack the scrub waits more than a minute for the second
        BlobStore s = StoreTestSupport.small(dir).scrub(1_000).open();
        await("the scrub's first pack", () -> s.stats().scrubbedPacks() >= 1);
        long t0 = System.nanoTime();
        s.close();
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("close with a waiting scrub took " + closeMs + " ms");
        assertThat(new VerifyLedger(dir).latest()).as("its one pack recorded").hasSize(1);
    }

    /**
     * Asks for 20 MB/s over about 70 MB of packs and measures: a loose bound only, since the
     * machine may be slower than the rate.
     */
    @Test
    void theReadRateIsHeld() throws Exception {
        Path dir = tmp.resolve("rate");
        Random rnd = SEED.random();
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(8 << 20).durability(Durability.NONE).open()) {
            for (int i = 0; i < 60; i++) {
                s.put(StoreTestSupport.random(rnd, 1 << 20));
            }
        }
        long asked = 20_000_000;
        try (BlobStore s = BlobStore.builder(dir).readOnly().open()) {
            long t0 = System.nanoTime();
            VerifyReport r = s.verify(VerifyOptions.DEFAULT.withRate(asked), Progress.NONE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double measured = r.bytesRead() / seconds;
            System.out.printf(java.util.Locale.ROOT, "verify rate: asked %d B/s, measured %.0f B/s over %d bytes in"
                    + " %.2f s (ratio %.3f)%n", asked, measured, r.bytesRead(), seconds, measured / asked);
            assertThat(r.isClean()).isTrue();
            assertThat(r.bytesRead()).isGreaterThan(60L << 20);
            assertThat(measured).as("never faster than asked, but for the first chunk").isLessThan(asked * 1.05);
            assertThat(measured).as("and not far slower").isGreaterThan(asked * 0.2);
        }
    }
}
