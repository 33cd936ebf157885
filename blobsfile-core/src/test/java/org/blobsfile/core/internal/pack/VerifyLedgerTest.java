package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verify ledger: its order covers every pack before any pack comes again, whatever the
 * history and the bounds of the runs; torn records are skipped; two appenders never spoil each
 * other's records.
 */
class VerifyLedgerTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    /** Appends bytes to the ledger file as a crash or a stray writer would leave them. */
    private static void garbage(Path file, byte[] bytes) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(bytes));
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    /**
     * Random histories (some packs verified, some more than once, times that repeat, torn records
     * between them), then bounded runs of random lengths at random clock steps: the packs never
     * verified come first, then the rest from the longest ago, and no pack comes twice before
     * every pack came once.
     */
    @Test
    void boundedRunsOverAnyHistoryCoverEveryPackBeforeAnyComesAgain() throws Exception {
        Random rnd = SEED.random();
        for (int round = 0; round < 60; round++) {
            Path dir = Files.createDirectories(tmp.resolve("r" + round));
            VerifyLedger ledger = new VerifyLedger(dir);
            int packs = 1 + rnd.nextInt(40);
            long now = 1_700_000_000_000L + rnd.nextInt(1_000_000);
            Map<Integer, Long> last = new HashMap<>(); // what the file says last, per pack
            int history = rnd.nextInt(3 * packs);
            for (int i = 0; i < history; i++) {
                int p = rnd.nextInt(packs);
                now += rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(100_000); // equal times too
                ledger.append(p, now, rnd.nextInt(1 << 20), rnd.nextInt(10) > 0);
                last.put(p, now);
                if (rnd.nextInt(8) == 0) {
                    byte[] torn = new byte[1 + rnd.nextInt(VerifyLedger.RECORD_SIZE + 8)];
                    rnd.nextBytes(torn);
                    if (rnd.nextBoolean()) {
                        // a torn record starts like one
                        System.arraycopy("BFV1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, torn, 0,
                                Math.min(4, torn.length));
                    }
                    garbage(ledger.file(), torn);
                }
            }
            // a reader that starts from the file agrees with the one that appended
            Map<Integer, VerifyLedger.Verification> fromFile = new VerifyLedger(dir).latest();
            assertThat(fromFile.keySet()).as("round %d", round).isEqualTo(last.keySet());
            for (Map.Entry<Integer, Long> e : last.entrySet()) {
                assertThat(fromFile.get(e.getKey()).millis()).as("round %d pack %d", round, e.getKey())
                        .isEqualTo(e.getValue());
            }

            // the expected order: never verified by number, then by last time, the earlier record first at equal times
            List<Integer> expected = new ArrayList<>();
            for (int p = 0; p < packs; p++) {
                if (!last.containsKey(p)) {
                    expected.add(p);
                }
            }
            List<Integer> seen = new ArrayList<>(last.keySet());
            Map<Integer, Long> seq = new HashMap<>();
            fromFile.forEach((p, v) -> seq.put(p, v.seq()));
            seen.sort((a, b) -> last.get(a).equals(last.get(b)) ? Long.compare(seq.get(a), seq.get(b))
                    : Long.compare(last.get(a), last.get(b)));
            expected.addAll(seen);

            List<Integer> verified = new ArrayList<>();
            while (verified.size() < 2 * packs) {
                int bound = 1 + rnd.nextInt(4); // what a run's time allowed
                List<Integer> order = VerifyLedger.order(range(packs), ledger.latest(), now, 0);
                assertThat(order).as("round %d: every pack, once", round).hasSize(packs).doesNotHaveDuplicates();
                for (int p : order.subList(0, Math.min(bound, order.size()))) {
                    now += rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(5_000);
                    ledger.append(p, now, 1, true);
                    verified.add(p);
                }
            }
            assertThat(verified.subList(0, packs)).as("round %d: the first cover, longest ago first", round)
                    .isEqualTo(expected);
            assertThat(verified.subList(packs, 2 * packs)).as("round %d: the second cover", round)
                    .isEqualTo(verified.subList(0, packs));
        }
    }

    /** Packs verified within the bound are left out; the others, and the packs never verified, are not. */
    @Test
    void olderThanLeavesOutExactlyThePacksVerifiedWithinIt() throws Exception {
        Random rnd = SEED.random();
        for (int round = 0; round < 40; round++) {
            VerifyLedger ledger = new VerifyLedger(Files.createDirectories(tmp.resolve("o" + round)));
            int packs = 1 + rnd.nextInt(30);
            long now = 1_800_000_000_000L;
            Map<Integer, Long> last = new HashMap<>();
            for (int p = 0; p < packs; p++) {
                if (rnd.nextInt(4) > 0) {
                    long at = now - rnd.nextInt(10 * 86_400_000);
                    ledger.append(p, at, 1, true);
                    last.put(p, at);
                }
            }
            long olderThan = rnd.nextInt(10 * 86_400_000);
            List<Integer> order = VerifyLedger.order(range(packs), ledger.latest(), now, olderThan);
            for (int p = 0; p < packs; p++) {
                boolean due = !last.containsKey(p) || now - last.get(p) >= olderThan;
                assertThat(order.contains(p)).as("round %d pack %d", round, p).isEqualTo(due);
            }
        }
    }

    /** Two ledgers on one file append at once, as a writer's scrub and a read-only verify do: every record survives. */
    @Test
    void twoAppendersAtOnceKeepEveryRecord() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("two"));
        int each = 400;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 2; t++) {
            int base = t * each;
            VerifyLedger own = new VerifyLedger(dir);
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        own.append(base + i, 1_000 + i, i, true);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertThat(failures).isEmpty();
        assertThat(Files.size(dir.resolve(VerifyLedger.FILE_NAME))).isEqualTo(2L * each * VerifyLedger.RECORD_SIZE);
        Map<Integer, VerifyLedger.Verification> all = new VerifyLedger(dir).latest();
        assertThat(all).hasSize(2 * each);
        Set<Long> bytes = new HashSet<>();
        all.values().forEach(v -> bytes.add(v.bytes()));
        assertThat(bytes).hasSize(each);
    }

    /** A ledger grown far past its packs is rewritten with the latest record of each, in the same order. */
    @Test
    void aLargeLedgerIsCompactedToTheLatestRecordOfEachPack() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("c"));
        VerifyLedger ledger = new VerifyLedger(dir);
        for (int i = 0; i < 5000; i++) {
            ledger.append(i % 7, 10_000 + i, i, i % 3 != 0);
        }
        List<Integer> before = VerifyLedger.order(range(7), ledger.latest(), 20_000, 0);
        assertThat(ledger.compactIfLarge(7)).isTrue();
        assertThat(Files.size(ledger.file())).isEqualTo(7L * VerifyLedger.RECORD_SIZE);
        VerifyLedger reread = new VerifyLedger(dir);
        assertThat(VerifyLedger.order(range(7), reread.latest(), 20_000, 0)).isEqualTo(before);
        assertThat(reread.latest().get(3).millis()).as("the last i with i % 7 == 3").isEqualTo(10_000 + 4994);
        assertThat(ledger.compactIfLarge(7)).as("small now").isFalse();
    }
}
