package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lane of a bank answers exactly as the filter copied into it, for keys that were added and keys
 * that were not, however many filters came after it (lanes widened, banks full); a test running
 * while filters are added never answers "absent" for a key of a lane it was handed.
 */
class FilterBankTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    /** One filter of a bank's size, the keys added to it and its lane. */
    private record Placed(KeyFilter filter, List<byte[]> keys, FilterBank.Lane lane) {
    }

    @Test
    void lanesAnswerAsTheirFiltersAfterEveryAdd() {
        Random rnd = SEED.random();
        int generationKeys = 50 + rnd.nextInt(400);
        FilterBanks banks = new FilterBanks(generationKeys);
        int filters = 2 * FilterBank.MAX_LANES + 1 + rnd.nextInt(FilterBank.MAX_LANES);
        List<Placed> placed = new ArrayList<>();
        List<byte[]> absent = KeyFilterTest.randomKeys(rnd, 2_000);
        for (int i = 0; i < filters; i++) {
            // deletes leave frozen generations smaller; a batch may leave them a little larger
            int keys = generationKeys / 2 + rnd.nextInt(generationKeys * 3 / 4);
            placed.add(place(banks, KeyFilterTest.randomKeys(rnd, keys)));
            for (Placed p : placed) {
                for (byte[] k : p.keys().subList(0, Math.min(20, p.keys().size()))) {
                    assertThat(new KeyProbe(k).mightBeIn(p.lane()))
                            .as("an added key, filter %d of %d", placed.indexOf(p), i).isTrue();
                }
            }
        }
        assertThat(placed.stream().map(p -> p.lane().bank()).distinct().count()).as("banks").isEqualTo(
                (filters + FilterBank.MAX_LANES - 1) / FilterBank.MAX_LANES);
        long maybes = 0;
        long disagreements = 0;
        List<byte[]> all = new ArrayList<>(absent);
        placed.forEach(p -> all.addAll(p.keys()));
        for (byte[] k : all) {
            KeyProbe probe = new KeyProbe(k);
            for (Placed p : placed) {
                boolean own = p.filter().mightContain(KeyFilter.hashOf(k));
                disagreements += probe.mightBeIn(p.lane()) == own ? 0 : 1;
                maybes += own ? 1 : 0;
            }
        }
        assertThat(disagreements).as("answers of lanes that differ from their filters'").isZero();
        // every added key answers maybe once, in its own filter; absent keys seldom do
        long added = placed.stream().mapToLong(p -> p.keys().size()).sum();
        assertThat(maybes - added).as("maybes for keys not added").isLessThan((long) all.size() * filters / 100);
    }

    @Test
    void aLaneAddedAfterAProbeAskedItsBankAnswersMaybe() {
        Random rnd = SEED.random();
        FilterBanks banks = new FilterBanks(100);
        Placed first = place(banks, KeyFilterTest.randomKeys(rnd, 100));
        List<byte[]> later = KeyFilterTest.randomKeys(rnd, 100);
        List<KeyProbe> probes = later.stream().map(KeyProbe::new).toList();
        long absentFromFirst = probes.stream().filter(p -> !p.mightBeIn(first.lane())).count();
        assertThat(absentFromFirst).as("keys the first lane answers absent for").isGreaterThan(90);
        Placed second = place(banks, later);
        assertThat(second.lane().bank()).isSameAs(first.lane().bank());
        for (KeyProbe p : probes) {
            assertThat(p.mightBeIn(second.lane())).as("a key of the lane added after the bank was asked").isTrue();
        }
    }

    @Test
    void filtersOfAnotherSizeShareBanksOfTheirOwn() {
        Random rnd = SEED.random();
        FilterBanks banks = new FilterBanks(1_000);
        assertThat(banks.filterKeys(10_000)).as("a generation much larger than a full one").isEqualTo(10_000);
        Placed full = place(banks, KeyFilterTest.randomKeys(rnd, 1_000));
        Placed large = place(banks, KeyFilterTest.randomKeys(rnd, 10_000));
        Placed larger = place(banks, KeyFilterTest.randomKeys(rnd, 10_000));
        assertThat(large.lane().bank()).isNotSameAs(full.lane().bank()).isSameAs(larger.lane().bank());
        for (Placed p : List.of(full, large, larger)) {
            for (byte[] k : p.keys()) {
                assertThat(new KeyProbe(k).mightBeIn(p.lane())).as("an added key").isTrue();
            }
        }
    }

    @Test
    void testsWhileLanesAreAddedNeverMissAKey() throws Exception {
        Random rnd = SEED.random();
        FilterBanks banks = new FilterBanks(2_000);
        List<Placed> published = new CopyOnWriteArrayList<>();
        published.add(place(banks, KeyFilterTest.randomKeys(rnd, 2_000)));
        AtomicBoolean adding = new AtomicBoolean(true);
        AtomicLong testsDone = new AtomicLong();
        CountDownLatch started = new CountDownLatch(2);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> tested = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long seed = rnd.nextLong();
                tested.add(readers.submit(() -> {
                    started.countDown();
                    testPublished(published, adding, testsDone, new Random(seed));
                    return null;
                }));
            }
            assertThat(started.await(1, TimeUnit.MINUTES)).as("readers started").isTrue();
            for (int i = 0; i < FilterBank.MAX_LANES + 8; i++) {
                // each lane after the readers tested more keys, so tests and adds interleave
                long seen = testsDone.get();
                while (testsDone.get() == seen && tested.stream().noneMatch(Future::isDone)) {
                    Thread.onSpinWait();
                }
                published.add(place(banks, KeyFilterTest.randomKeys(rnd, 2_000)));
            }
            adding.set(false);
            for (Future<Void> f : tested) {
                f.get(); // a reader's failed assertion fails the test here
            }
        } finally {
            adding.set(false);
            readers.shutdownNow();
        }
    }

    /** Tests keys of published lanes while lanes are added; fails on a key a lane answers absent for. */
    private static void testPublished(List<Placed> published, AtomicBoolean adding, AtomicLong testsDone, Random rnd) {
        while (adding.get()) {
            int n = published.size();
            Placed p = published.get(rnd.nextInt(n));
            KeyProbe probe = new KeyProbe(p.keys().get(rnd.nextInt(p.keys().size())));
            // the newest lane first, so the answer for p comes from a layout read for another lane
            probe.mightBeIn(published.get(published.size() - 1).lane());
            assertThat(probe.mightBeIn(p.lane())).as("a key of lane %d", p.lane().index()).isTrue();
            testsDone.incrementAndGet();
        }
    }

    private static Placed place(FilterBanks banks, List<byte[]> keys) {
        KeyFilter f = KeyFilter.forKeys(banks.filterKeys(keys.size()));
        keys.forEach(f::add);
        FilterBank.Lane lane = banks.place(f);
        assertThat(lane).as("a lane for a filter of %d keys", keys.size()).isNotNull();
        return new Placed(f, keys, lane);
    }
}
