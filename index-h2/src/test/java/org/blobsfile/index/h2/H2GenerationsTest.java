package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.tck.BlobIndexContract;
import org.blobsfile.tck.Cases;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.junit.jupiter.api.Test;

/**
 * The H2 index with generations of a few keys each, so that every test of the contract crosses
 * many of them; and a model of the index that random sequences of batches, lookups, scans and
 * reopenings are checked against, with a generation size drawn per case.
 */
class H2GenerationsTest extends BlobIndexContract {
    private static final int CASES = 12;
    private static final int STEPS = 160;
    private static final H2Tuning DEFAULTS = H2Tuning.fromSystemProperties();

    @Override
    protected IndexProvider provider() {
        return new H2IndexProvider(tuning(5));
    }

    private static H2Tuning tuning(int generationKeys) {
        return tuning(DEFAULTS.commitBytes(), DEFAULTS.commitMillis(), DEFAULTS.closeCompactionMillis(), generationKeys);
    }

    /** @return the default tuning with these knobs set */
    private static H2Tuning tuning(int commitBytes, long commitMillis, int closeCompactionMillis, int generationKeys) {
        return new H2Tuning(commitBytes, commitMillis, DEFAULTS.pageSplitSize(), DEFAULTS.cacheMegabytes(),
                closeCompactionMillis, DEFAULTS.fillRate(), generationKeys);
    }

    /** @return how many keys the maps of every generation in the closed file at {@code dir} hold together */
    private static long keysInAllGenerations(Path dir) {
        try (MVStore raw = new MVStore.Builder().fileName(dir.resolve(H2Index.FILE_NAME).toString()).readOnly().open()) {
            long n = 0;
            for (String name : raw.getMapNames()) {
                if (name.startsWith(Generation.MAP_PREFIX)) {
                    n += raw.openMap(name, new MVMap.Builder<byte[], byte[]>().keyType(UnsignedBytesType.INSTANCE)
                            .valueType(ByteArrayDataType.INSTANCE)).sizeAsLong();
                }
            }
            return n;
        }
    }

    @Test
    void newKeysFillOneGenerationAtATimeAndFrozenOnesKeepTheirFilters() throws IOException {
        H2Index index = (H2Index) open();
        Random rnd = random();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            byte[] k = new byte[32];
            rnd.nextBytes(k);
            keys.add(k);
            IndexBatch b = new IndexBatch();
            b.put(k, new byte[] {(byte) i});
            index.write(b);
        }
        index.close();
        try (MVStore raw = new MVStore.Builder().fileName(indexDirectory().resolve(H2Index.FILE_NAME).toString())
                .readOnly().open()) {
            // a generation freezes once it holds five keys, after the batch that filled it
            assertThat(raw.<String, String>openMap(H2Index.INFO_MAP).get(H2Index.ACTIVE_GENERATION)).isEqualTo("4");
            assertThat(raw.openMap(H2Index.FILTERS_MAP, new MVMap.Builder<String, byte[]>()
                    .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)).keySet())
                    .containsExactlyInAnyOrder("0", "1", "2", "3");
        }
        BlobIndex again = open();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(again.get(keys.get(i))).as("key %d", i).containsExactly((byte) i);
        }
    }

    /**
     * Generations frozen under one size and then under another, more than a bank holds of each:
     * the filters of each size join banks of their size, and every key is found, none that is
     * absent, after each round of writes and after each reopening.
     */
    @Test
    void generationsFrozenUnderAnotherSizeJoinBanksOfTheirSize() throws IOException {
        Random rnd = random();
        Path dir = temporaryDirectory().resolve("sizes");
        TreeMap<String, byte[]> written = new TreeMap<>();
        List<byte[]> absent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            absent.add(randomKey(rnd));
        }
        // 40 keys take two blocks of filter and 17 one, so each size has banks of its own
        for (int generationKeys : new int[] {40, 17, 40}) {
            H2IndexProvider provider = new H2IndexProvider(tuning(generationKeys));
            H2Index index = (H2Index) provider.open(dir);
            try {
                assertIndexHolds(index, written, "reopened with generations of " + generationKeys);
                for (byte[] k : absent) {
                    assertThat(index.get(k)).as("an absent key, reopened").isNull();
                }
                int generations = FilterBank.MAX_LANES + 1 + rnd.nextInt(FilterBank.MAX_LANES);
                for (int i = 0; i < generations * generationKeys; i += 10) {
                    IndexBatch b = new IndexBatch();
                    for (int j = 0; j < 10; j++) {
                        byte[] k = randomKey(rnd);
                        byte[] v = new byte[] {(byte) rnd.nextInt()};
                        b.put(k, v);
                        written.put(hex(k), v);
                    }
                    index.write(b);
                }
                assertIndexHolds(index, written, "written with generations of " + generationKeys);
                for (byte[] k : absent) {
                    assertThat(index.get(k)).as("an absent key").isNull();
                }
                // each freeze's write builds the new filter and moves every filter read since into a bank
                assertThat(index.frozenGenerationsInBanks()).as("frozen generations in banks")
                        .isEqualTo(index.frozenGenerations()).isGreaterThan(FilterBank.MAX_LANES);
            } finally {
                index.close();
            }
        }
        assertThat(keysInAllGenerations(dir)).as("each key in one generation").isEqualTo(written.size());
    }

    @Test
    void randomSequencesAgreeWithAModel() throws IOException {
        Random root = random();
        int cases = Cases.scaled(CASES);
        long lookups = 0;
        for (int c = 0; c < cases; c++) {
            long seed = root.nextLong();
            lookups += runCase(temporaryDirectory().resolve("model-" + c), new Random(seed), "case " + c + " seed " + seed);
        }
        System.out.printf("h2 generations model: %d cases of %d steps, %d lookups and scans checked%n", cases, STEPS,
                lookups);
    }

    private long runCase(Path dir, Random rnd, String label) throws IOException {
        int generationKeys = 1 + rnd.nextInt(12);
        // committing after every batch, a crash leaves the index as the last batch left it
        boolean commitEach = rnd.nextBoolean();
        List<TreeMap<String, byte[]>> commits = new ArrayList<>();
        // close's compaction of the file, up to its time limit, is what a case's reopenings cost most
        int closeCompactionMillis = rnd.nextBoolean() ? 0 : 20;
        H2IndexProvider provider = new H2IndexProvider(tuning(DEFAULTS.commitBytes(),
                commitEach ? 0 : DEFAULTS.commitMillis(), closeCompactionMillis, generationKeys));
        TreeMap<String, byte[]> model = new TreeMap<>();
        List<byte[]> known = new ArrayList<>();
        BlobIndex index = provider.open(dir);
        commits.add(new TreeMap<>(model));
        // the first state a crash may open: the last clean close's, or the one a crash opened
        int durable = 0;
        long checked = 0;
        try {
            StringBuilder steps = new StringBuilder();
            for (int step = 0; step < STEPS; step++) {
                String at = label + " (generations of " + generationKeys + (commitEach ? ", a commit per batch" : "")
                        + "), step " + step + " after" + steps;
                int op = rnd.nextInt(10);
                if (op < 5) {
                    IndexBatch b = new IndexBatch();
                    int puts = 1 + rnd.nextInt(6);
                    for (int i = 0; i < puts; i++) {
                        byte[] k = known.isEmpty() || rnd.nextInt(3) > 0 ? newKey(rnd, known) : pick(rnd, known);
                        byte[] v = new byte[1 + rnd.nextInt(25)];
                        rnd.nextBytes(v);
                        b.put(k, v);
                        model.put(hex(k), v);
                    }
                    if (!known.isEmpty() && rnd.nextInt(4) == 0) {
                        byte[] k = pick(rnd, known);
                        b.delete(k);
                        model.remove(hex(k));
                    }
                    index.write(b);
                    commits.add(new TreeMap<>(model));
                    steps.append(" [").append(b.puts().size()).append(" puts, ").append(b.deletes().size())
                            .append(" deletes]");
                } else if (op < 7) {
                    byte[] k = known.isEmpty() || rnd.nextInt(4) == 0 ? randomKey(rnd) : pick(rnd, known);
                    assertThat(index.get(k)).as(at + ": get " + hex(k)).isEqualTo(model.get(hex(k)));
                    assertThat(index.contains(k)).as(at + ": contains " + hex(k)).isEqualTo(model.containsKey(hex(k)));
                    checked++;
                } else if (op < 9) {
                    byte[] from = rnd.nextBoolean() ? new byte[0] : randomKey(rnd);
                    int limit = 1 + rnd.nextInt(40);
                    List<String> expected = new ArrayList<>(model.tailMap(hex(from), true).keySet());
                    expected = expected.subList(0, Math.min(limit, expected.size()));
                    List<IndexRecord> got = index.scan(from, limit);
                    assertThat(got.stream().map(r -> hex(r.key())).toList()).as(at + ": scan from " + hex(from))
                            .containsExactlyElementsOf(expected);
                    for (IndexRecord r : got) {
                        assertThat(r.value()).as(at + ": scanned value").isEqualTo(model.get(hex(r.key())));
                    }
                    byte[] prefix = {(byte) rnd.nextInt(256)};
                    List<String> inPrefix = model.keySet().stream().filter(k -> k.startsWith(hex(prefix))).toList();
                    assertThat(index.scanPrefix(prefix, new byte[0], Integer.MAX_VALUE).stream().map(r -> hex(r.key()))
                            .toList()).as(at + ": prefix " + hex(prefix)).containsExactlyElementsOf(inPrefix);
                    checked += 2;
                } else if (rnd.nextBoolean()) {
                    index.discard(); // as a crash: nothing saved beyond the last commit
                    index = provider.open(dir);
                    // with a commit per batch, the last batch's state is what opens (when MVStore
                    // wrote over freed chunks at once, this opened an earlier commit, and the writes
                    // after it lost most keys); otherwise a state after some batch since the last
                    // clean close, which committed everything
                    int found = matchingCommit(index, commits);
                    if (commitEach) {
                        assertThat(found).as(at + ": after a crash, the index as the last commit left it")
                                .isEqualTo(commits.size() - 1);
                    } else {
                        assertThat(found).as(at + ": after a crash, the index as a batch since the last close left it")
                                .isGreaterThanOrEqualTo(durable);
                    }
                    model.clear();
                    model.putAll(commits.get(found));
                    commits.add(new TreeMap<>(model));
                    durable = commits.size() - 1;
                    steps.append(" [crash]");
                } else {
                    index.close();
                    index = provider.open(dir);
                    commits.add(new TreeMap<>(model));
                    durable = commits.size() - 1;
                    steps.append(" [reopen]");
                }
            }
            assertThat(index.scan(new byte[0], Integer.MAX_VALUE).stream().map(r -> hex(r.key())).toList())
                    .as(label + ": every key at the end").containsExactlyElementsOf(model.keySet());
        } finally {
            index.close();
        }
        assertThat(keysInAllGenerations(dir)).as(label + ": each key in one generation only").isEqualTo(model.size());
        return checked;
    }

    /**
     * Put-only batches from several threads at once, over keys they share, across many freezes:
     * every key ends with a value one of them wrote, in one generation only.
     */
    @Test
    void concurrentPutOnlyBatchesAcrossFreezesLoseNothing() throws Exception {
        Path dir = temporaryDirectory().resolve("concurrent");
        H2IndexProvider provider = new H2IndexProvider(tuning(5));
        Random rnd = random();
        List<byte[]> pool = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pool.add(randomKey(rnd));
        }
        Set<String> written = ConcurrentHashMap.newKeySet();
        int threads = 4;
        int batches = 60;
        BlobIndex index = provider.open(dir);
        try {
            ExecutorService pool4 = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            long[] seeds = rnd.longs(threads).toArray();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool4.submit(() -> {
                    Random r = new Random(seeds[thread]);
                    for (int b = 0; b < batches; b++) {
                        IndexBatch batch = new IndexBatch();
                        for (int i = 0; i < 1 + r.nextInt(8); i++) {
                            byte[] k = pool.get(r.nextInt(pool.size()));
                            batch.put(k, new byte[] {(byte) thread, (byte) b});
                        }
                        index.write(batch);
                        batch.puts().forEach(p -> written.add(hex(p.key())));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool4.shutdown();
            List<IndexRecord> all = index.scan(new byte[0], Integer.MAX_VALUE);
            for (IndexRecord r : all) {
                assertThat(r.value()).hasSize(2);
                assertThat((int) r.value()[0]).isBetween(0, threads - 1);
                assertThat(index.get(r.key())).isEqualTo(r.value());
            }
            assertThat(all.stream().map(r -> hex(r.key())).toList()).containsExactlyInAnyOrderElementsOf(written);
            index.close();
            assertThat(keysInAllGenerations(dir)).isEqualTo(all.size());
        } finally {
            index.close();
        }
    }

    /**
     * Keys of frozen generations updated and deleted from several threads at once, across many
     * freezes and filter builds: every thread's keys end as it left them, in one generation only,
     * before and after a reopening.
     */
    @Test
    void concurrentUpdatesAndDeletesAcrossFreezesAreKept() throws Exception {
        Random rnd = random();
        int threads = 4;
        Path dir = temporaryDirectory().resolve("updates");
        BlobIndex index = new H2IndexProvider(tuning(300)).open(dir);
        TreeMap<String, byte[]> all = new TreeMap<>();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<TreeMap<String, byte[]>>> done = new ArrayList<>();
            long[] seeds = rnd.longs(threads).toArray();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(executor.submit(() -> writeOwnKeys(index, new Random(seeds[thread]), thread)));
            }
            for (Future<TreeMap<String, byte[]>> f : done) {
                all.putAll(f.get());
            }
            assertIndexHolds(index, all, "written");
            index.close();
            assertThat(keysInAllGenerations(dir)).as("each key in one generation").isEqualTo(all.size());
            BlobIndex again = new H2IndexProvider(tuning(300)).open(dir);
            try {
                assertIndexHolds(again, all, "reopened");
            } finally {
                again.close();
            }
        } finally {
            executor.shutdownNow();
            index.close();
        }
    }

    /**
     * Closing while another thread writes batches, so that a close may meet a freeze, a commit or
     * a filter being built: close returns without an error, and a reopened index holds every batch
     * whose write returned.
     */
    @Test
    void aCloseWhileBatchesAreWrittenKeepsEveryBatchWritten() throws Exception {
        Random rnd = random();
        for (int round = 0; round < 6; round++) {
            Path dir = temporaryDirectory().resolve("close-" + round);
            H2IndexProvider provider = new H2IndexProvider(tuning(400 + rnd.nextInt(400)));
            BlobIndex index = provider.open(dir);
            TreeMap<String, byte[]> acknowledged = new TreeMap<>();
            int closeAfter = 50 + rnd.nextInt(200);
            CountDownLatch enough = new CountDownLatch(closeAfter);
            long seed = rnd.nextLong();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> writing = writer.submit(() -> {
                    Random r = new Random(seed);
                    for (int b = 0; b < 100_000; b++) {
                        IndexBatch batch = new IndexBatch();
                        for (int i = 0; i < 20; i++) {
                            batch.put(randomKey(r), new byte[] {(byte) b, (byte) i});
                        }
                        try {
                            index.write(batch);
                        } catch (IOException closed) {
                            return null;
                        }
                        synchronized (acknowledged) {
                            batch.puts().forEach(p -> acknowledged.put(hex(p.key()), p.value()));
                        }
                        enough.countDown();
                    }
                    return null;
                });
                while (!enough.await(100, TimeUnit.MILLISECONDS)) {
                    if (writing.isDone()) {
                        writing.get(); // a failure of the writer's, thrown here
                        throw new AssertionError("the writer stopped before the index was closed");
                    }
                }
                index.close();
                writing.get();
            } finally {
                writer.shutdownNow();
                index.close();
            }
            BlobIndex again = provider.open(dir);
            try {
                assertIndexHolds(again, acknowledged, "round " + round + ", closed after " + closeAfter + " batches");
            } finally {
                again.close();
            }
        }
    }

    /** Puts, updates and deletes of keys only this thread writes; @return what it left, by hex */
    private static TreeMap<String, byte[]> writeOwnKeys(BlobIndex index, Random r, int thread) throws IOException {
        TreeMap<String, byte[]> mine = new TreeMap<>();
        List<byte[]> known = new ArrayList<>();
        for (int b = 0; b < 400; b++) {
            IndexBatch batch = new IndexBatch();
            Set<String> inBatch = new HashSet<>();
            int puts = 1 + r.nextInt(12);
            for (int i = 0; i < puts; i++) {
                byte[] k = known.size() < 50 || r.nextInt(3) == 0 ? newKey(r, known) : pick(r, known);
                if (inBatch.add(hex(k))) {
                    byte[] v = {(byte) thread, (byte) b, (byte) i};
                    batch.put(k, v);
                    mine.put(hex(k), v);
                }
            }
            if (!known.isEmpty() && r.nextInt(3) == 0) {
                byte[] k = pick(r, known);
                if (inBatch.add(hex(k))) {
                    batch.delete(k);
                    mine.remove(hex(k));
                }
            }
            index.write(batch);
        }
        return mine;
    }

    private static void assertIndexHolds(BlobIndex index, TreeMap<String, byte[]> expected, String as)
            throws IOException {
        List<IndexRecord> got = index.scan(new byte[0], Integer.MAX_VALUE);
        assertThat(got.stream().map(r -> hex(r.key())).toList()).as(as + ": every key")
                .containsExactlyElementsOf(expected.keySet());
        for (IndexRecord r : got) {
            assertThat(r.value()).as(as + ": value of " + hex(r.key())).isEqualTo(expected.get(hex(r.key())));
            assertThat(index.get(r.key())).as(as + ": get " + hex(r.key())).isEqualTo(r.value());
        }
    }

    /**
     * Commits come when what the changes hold passes commitBytes, as the index counts it: a
     * generation takes no more keys than commitBytes holds, its freeze commits, and each key
     * written to a frozen generation counts as a changed leaf. A crash then opens exactly the
     * batches of the last commit.
     */
    @Test
    void commitsComeWhenWhatTheChangesHoldPassesCommitBytes() throws IOException {
        int commitBytes = 1 << 20;
        H2IndexProvider provider = new H2IndexProvider(
                tuning(commitBytes, 3_600_000, DEFAULTS.closeCompactionMillis(), 1 << 20));
        Path dir = temporaryDirectory().resolve("held");
        Random rnd = random();
        List<byte[]> keys = new ArrayList<>();
        BlobIndex index = provider.open(dir);
        for (int b = 0; b < 200; b++) {
            IndexBatch batch = new IndexBatch();
            for (int i = 0; i < 100; i++) {
                batch.put(newKey(rnd, keys), new byte[] {1});
            }
            index.write(batch);
        }
        index.discard();
        // a generation takes commitBytes / 128 = 8,192 keys, so it is frozen, and committed, after
        // the batch that brings it to 8,200; nothing committed in between
        int perGeneration = (int) Math.ceil(commitBytes / (double) H2Index.HELD_PER_KEY / 100) * 100;
        index = provider.open(dir);
        List<IndexRecord> held = index.scan(new byte[0], Integer.MAX_VALUE);
        assertThat(held).as("keys after a crash").hasSize(2 * perGeneration);
        Set<String> committed = new HashSet<>();
        held.forEach(r -> committed.add(hex(r.key())));
        List<byte[]> frozen = keys.stream().filter(k -> committed.contains(hex(k))).toList();
        // each key written to a frozen generation counts as a changed leaf: 171 of them pass 1 MiB,
        // so the fourth batch of 50 commits and the fifth does not
        for (int b = 0; b < 5; b++) {
            IndexBatch batch = new IndexBatch();
            for (int i = 0; i < 50; i++) {
                batch.put(frozen.get(b * 50 + i), new byte[] {2, (byte) b});
            }
            index.write(batch);
        }
        index.discard();
        index = provider.open(dir);
        try {
            for (int i = 0; i < 250; i++) {
                byte[] expected = i < 200 ? new byte[] {2, (byte) (i / 50)} : new byte[] {1};
                assertThat(index.get(frozen.get(i))).as("key %d after the crash", i).isEqualTo(expected);
            }
        } finally {
            index.close();
        }
    }

    /** A file of layout 2 opened read-only is read as it is: every key, and not a byte of the file changed. */
    @Test
    void aFileOfTheSlicedLayoutOpenedReadOnlyIsLeftAsItIs() throws Exception {
        Path dir = indexDirectory();
        Files.createDirectories(dir);
        Map<String, byte[]> written = writeSlicedLayout(dir, random(), 30);
        byte[] before = Files.readAllBytes(dir.resolve(H2Index.FILE_NAME));
        try (BlobIndex index = provider().openReadOnly(dir)) {
            assertThat(index.scan(new byte[0], Integer.MAX_VALUE).stream().map(r -> hex(r.key())).toList())
                    .containsExactlyElementsOf(written.keySet());
        }
        assertThat(Files.readAllBytes(dir.resolve(H2Index.FILE_NAME))).isEqualTo(before);
    }

    /** Writes a file of layout 2 with {@code n} random keys; @return them, by hex, with their values */
    private static Map<String, byte[]> writeSlicedLayout(Path dir, Random rnd, int n) {
        Map<String, byte[]> written = new TreeMap<>();
        try (MVStore raw = new MVStore.Builder().fileName(dir.resolve(H2Index.FILE_NAME).toString()).open()) {
            raw.<String, String>openMap(H2Index.INFO_MAP).put(H2Index.LAYOUT, "2");
            for (int i = 0; i < n; i++) {
                byte[] k = randomKey(rnd);
                byte[] v = {(byte) i};
                raw.openMap(H2Index.KEYS_MAP_PREFIX + Generation.sliceIndex(k), new MVMap.Builder<byte[], byte[]>()
                        .keyType(UnsignedBytesType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)).put(k, v);
                written.put(hex(k), v);
            }
            raw.commit();
        }
        return written;
    }

    /** @return the newest of {@code commits} the index holds exactly, or -1 */
    private static int matchingCommit(BlobIndex index, List<TreeMap<String, byte[]>> commits) throws IOException {
        TreeMap<String, byte[]> now = new TreeMap<>();
        for (IndexRecord r : index.scan(new byte[0], Integer.MAX_VALUE)) {
            now.put(hex(r.key()), r.value());
        }
        for (int i = commits.size() - 1; i >= 0; i--) {
            TreeMap<String, byte[]> c = commits.get(i);
            if (c.size() == now.size() && c.entrySet().stream()
                    .allMatch(e -> Arrays.equals(e.getValue(), now.get(e.getKey())))) {
                return i;
            }
        }
        return -1;
    }

    /** A random key, mostly with a first byte shared with others so slices and prefixes hold several. */
    private static byte[] randomKey(Random rnd) {
        byte[] k = new byte[32];
        rnd.nextBytes(k);
        k[0] = (byte) (rnd.nextInt(4) * 0x40 + rnd.nextInt(2));
        return k;
    }

    private static byte[] newKey(Random rnd, List<byte[]> known) {
        byte[] k = randomKey(rnd);
        known.add(k);
        return k;
    }

    private static byte[] pick(Random rnd, List<byte[]> known) {
        return known.get(rnd.nextInt(known.size()));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** A file of layout 2 with more keys than a generation takes: all of it becomes generation 0, frozen at the next write. */
    @Test
    void aFileOfTheSlicedLayoutBecomesGenerationZero() throws Exception {
        Path dir = indexDirectory();
        Files.createDirectories(dir);
        Random rnd = random();
        Map<String, byte[]> written = writeSlicedLayout(dir, rnd, 40);
        BlobIndex index = open();
        IndexBatch b = new IndexBatch();
        byte[] added = randomKey(rnd);
        b.put(added, new byte[] {99});
        index.write(b);
        written.put(hex(added), new byte[] {99});
        index.close();
        index = open();
        List<IndexRecord> all = index.scan(new byte[0], Integer.MAX_VALUE);
        assertThat(all.stream().map(r -> hex(r.key())).toList()).containsExactlyElementsOf(written.keySet());
        for (IndexRecord r : all) {
            assertThat(r.value()).isEqualTo(written.get(hex(r.key())));
        }
        index.close();
        try (MVStore raw = new MVStore.Builder().fileName(dir.resolve(H2Index.FILE_NAME).toString()).readOnly().open()) {
            assertThat(raw.getMapNames()).noneMatch(n -> n.startsWith(H2Index.KEYS_MAP_PREFIX));
            assertThat(raw.<String, String>openMap(H2Index.INFO_MAP).get(H2Index.LAYOUT)).isEqualTo("3");
        }
    }
}
