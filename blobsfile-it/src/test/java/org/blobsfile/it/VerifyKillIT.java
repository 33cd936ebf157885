package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.VerifyLedger;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a rate-limited verify in a child JVM once the ledger holds a record it made, a few times
 * over: each run, killed or not, checks the packs in the order the ledger gave before it started,
 * so the packs a killed run did not reach are checked before any pack it did.
 */
class VerifyKillIT {
    /** The seed of the store's blobs, printed when the test fails. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    private static List<Integer> packs(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    /** @return the packs whose latest record changed, in the order their new records were appended */
    private static List<Integer> recorded(Map<Integer, VerifyLedger.Verification> before,
                                          Map<Integer, VerifyLedger.Verification> after) {
        List<VerifyLedger.Verification> fresh = new ArrayList<>();
        after.forEach((p, v) -> {
            if (!v.equals(before.get(p))) {
                fresh.add(v);
            }
        });
        fresh.sort(Comparator.comparingLong(VerifyLedger.Verification::seq));
        return fresh.stream().map(VerifyLedger.Verification::pack).toList();
    }

    @Test
    void aKilledVerifyIsResumedWithThePacksItDidNotReach() throws Exception {
        Path store = tmp.resolve("store");
        Random rnd = SEED.random();
        int count;
        try (BlobStore s = BlobStore.builder(store).maxPackSize(64 * 1024).open()) {
            while (s.sealedPacks().size() < 7) {
                byte[] b = new byte[200 + rnd.nextInt(6000)];
                rnd.nextBytes(b);
                s.put(b);
            }
        }
        try (BlobStore s = BlobStore.builder(store).readOnly().open()) {
            count = s.stats().packs();
        }
        VerifyLedger ledger = new VerifyLedger(store);
        Path jvmTmp = Files.createDirectories(tmp.resolve("jvm-tmp"));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int killed = 0;
        for (int cycle = 0; cycle < 3; cycle++) {
            Map<Integer, VerifyLedger.Verification> before = ledger.latest();
            List<Integer> expected = VerifyLedger.order(packs(count), before, System.currentTimeMillis(), 0);
            // ~78 KB a pack at 100 kB/s: the first pack goes at once, each next one about 0.8 s later
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + jvmTmp,
                    "-cp", cp, VerifyChild.class.getName(), store.toString(), "100000")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child-" + cycle + ".log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // the kill comes as soon as the ledger holds one record more than before: a pack done, the next under way
            while (p.isAlive() && recorded(before, ledger.latest()).isEmpty() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            boolean alive = p.isAlive();
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (alive) {
                killed++;
            }
            List<Integer> done = recorded(before, ledger.latest());
            assertThat(done).as("cycle %d: the child recorded a pack before the kill; its log:%n%s", cycle,
                    Files.readString(tmp.resolve("child-" + cycle + ".log"))).isNotEmpty();
            assertThat(done).as("cycle %d: checked in the ledger's order", cycle)
                    .isEqualTo(expected.subList(0, done.size()));
        }
        assertThat(killed).as("the children were killed mid-run").isEqualTo(3);

        // a whole run now: the packs the killed runs never reached first, then the others, longest ago first
        Map<Integer, VerifyLedger.Verification> before = ledger.latest();
        List<Integer> expected = VerifyLedger.order(packs(count), before, System.currentTimeMillis(), 0);
        List<Integer> never = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            if (!before.containsKey(n)) {
                never.add(n);
            }
        }
        assertThat(never).as("three kills left packs no run reached").isNotEmpty();
        try (BlobStore s = BlobStore.builder(store).readOnly().open()) {
            VerifyReport r = s.verify();
            assertThat(r.isClean()).as(r.toString()).isTrue();
            assertThat(r.packs()).isEqualTo(count);
        }
        List<Integer> order = recorded(before, ledger.latest());
        assertThat(order).isEqualTo(expected);
        assertThat(order.subList(0, never.size())).as("the packs never reached come first")
                .containsExactlyInAnyOrderElementsOf(never);
    }
}
