package org.blobsfile.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link IndexProvider} and the {@link BlobIndex} it opens must meet. A plugin
 * author tests an index by extending this class in the plugin's own test sources:
 *
 * <pre>{@code
 * class MyIndexTest extends BlobIndexContract {
 *     @Override
 *     protected IndexProvider provider() {
 *         return new MyIndexProvider();
 *     }
 *
 *     // declare what the backend cannot do; the tests that need it are skipped
 *     @Override
 *     protected boolean hasBehavior(IndexBehavior behavior) {
 *         return behavior != IndexBehavior.CONCURRENT_WRITES;
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh temporary directory and opens the index in
 * {@code <tmp>/index-<name>}, which does not exist beforehand, as the store would. Indexes a test
 * leaves open are closed after it. Keys are 32 bytes, as the store's are.
 *
 * <p>Every test builds its inputs from a random seed; a failed test prints it, and running again
 * with {@code -Dblobsfile.seed=<seed>} replays the same inputs.
 */
public abstract class BlobIndexContract {
    private static final int KEY_LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final Deque<BlobIndex> opened = new ArrayDeque<>();

    /** Gives each test its seed and prints it when the test fails. */
    @RegisterExtension
    final RandomSeed seed = new RandomSeed();

    /** A fresh directory per test; the index lives in a subdirectory that does not exist yet. */
    @TempDir
    Path tempDir;

    /** Lets subclasses be constructed by JUnit. */
    protected BlobIndexContract() {
    }

    /**
     * The provider under test. May return a new instance on each call.
     *
     * @return the provider
     */
    protected abstract IndexProvider provider();

    /**
     * Whether the backend has a capability. Everything is assumed present; override to answer
     * {@code false} for what the backend lacks, and the tests that need it are skipped.
     *
     * @param behavior a capability
     * @return whether the backend has it
     */
    protected boolean hasBehavior(IndexBehavior behavior) {
        return true;
    }

    /** @return a random source seeded with this test's reproducible seed */
    protected final Random random() {
        return seed.random();
    }

    /** @return this test's temporary directory, deleted after it; holds {@link #indexDirectory()} */
    protected final Path temporaryDirectory() {
        return tempDir;
    }

    /** @return the directory the tests open the index in */
    protected final Path indexDirectory() {
        return tempDir.resolve("index-" + provider().name());
    }

    /**
     * Opens the index in {@code dir} and remembers it, so it is closed after the test even if
     * the test fails.
     *
     * @param dir the index's directory
     * @return the open index
     * @throws IOException if the provider cannot open it
     */
    protected final BlobIndex open(Path dir) throws IOException {
        BlobIndex index = provider().open(dir);
        assertThat(index).as("%s.open(%s)", provider().getClass().getSimpleName(), dir).isNotNull();
        opened.push(index);
        return index;
    }

    /**
     * Opens the index in {@link #indexDirectory()} and remembers it, like {@link #open(Path)}.
     *
     * @return the open index
     * @throws IOException if the provider cannot open it
     */
    protected final BlobIndex open() throws IOException {
        return open(indexDirectory());
    }

    @AfterEach
    void closeWhatTheTestLeftOpen() throws IOException {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    // ---- helpers ----

    private static byte[] key(Random random) {
        byte[] k = new byte[KEY_LENGTH];
        random.nextBytes(k);
        return k;
    }

    private static byte[] keyStartingWith(Random random, int... leading) {
        byte[] k = key(random);
        for (int i = 0; i < leading.length; i++) {
            k[i] = (byte) leading[i];
        }
        return k;
    }

    private static byte[] valueFor(byte[] key, int version) {
        return ByteBuffer.allocate(KEY_LENGTH + 4).put(key).putInt(version).array();
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static String hex(byte[] b) {
        return b == null ? "null" : HEX.formatHex(b);
    }

    private static List<String> keysOf(List<IndexRecord> records) {
        return records.stream().map(r -> hex(r.key())).collect(Collectors.toList());
    }

    private static List<String> expected(List<byte[]> sortedKeys, byte[] prefix, byte[] from, int limit) {
        return sortedKeys.stream()
                .filter(k -> BlobIndex.startsWith(k, prefix) && Arrays.compareUnsigned(k, from) >= 0)
                .limit(limit)
                .map(BlobIndexContract::hex)
                .collect(Collectors.toList());
    }

    /** Writes every key with {@link #valueFor}(key, 0), in batches of at most {@code batchSize}. */
    private static void writeAll(BlobIndex index, List<byte[]> keys, int batchSize) throws IOException {
        for (int i = 0; i < keys.size(); i += batchSize) {
            IndexBatch batch = new IndexBatch();
            for (byte[] k : keys.subList(i, Math.min(keys.size(), i + batchSize))) {
                batch.put(k, valueFor(k, 0));
            }
            index.write(batch);
        }
    }

    private static List<byte[]> sortedCopy(List<byte[]> keys) {
        List<byte[]> sorted = new ArrayList<>(keys);
        sorted.sort(Arrays::compareUnsigned);
        return sorted;
    }

    // ---- single-threaded contract ----

    @Test
    void putThenGetAndMissingKeys() throws IOException {
        Random random = random();
        BlobIndex index = open();
        byte[] k1 = key(random);
        byte[] k2 = key(random);
        assertThat(index.get(k1)).as("get on an empty index").isNull();

        index.write(new IndexBatch().put(k1, valueFor(k1, 1)));
        assertThat(index.get(k1)).isEqualTo(valueFor(k1, 1));
        assertThat(index.get(k2)).isNull();

        byte[] sibling = k1.clone();
        sibling[KEY_LENGTH - 1] ^= 1;
        assertThat(index.get(sibling)).as("a key one bit away from a stored one").isNull();
    }

    @Test
    void containsAgreesWithGet() throws IOException {
        Random random = random();
        BlobIndex index = open();
        byte[] stored = key(random);
        byte[] empty = key(random);
        byte[] deleted = key(random);
        assertThat(index.contains(stored)).as("contains on an empty index").isFalse();

        index.write(new IndexBatch().put(stored, valueFor(stored, 1)).put(empty, new byte[0]).put(deleted, valueFor(deleted, 1)));
        index.write(new IndexBatch().delete(deleted));
        assertThat(index.contains(stored)).isTrue();
        assertThat(index.contains(empty)).as("a key with an empty value").isTrue();
        assertThat(index.contains(deleted)).as("a deleted key").isFalse();
        byte[] sibling = stored.clone();
        sibling[KEY_LENGTH - 1] ^= 1;
        assertThat(index.contains(sibling)).as("a key one bit away from a stored one").isFalse();
        for (int i = 0; i < 200; i++) {
            byte[] absent = key(random);
            assertThat(index.contains(absent)).as("random absent key %s", hex(absent)).isEqualTo(index.get(absent) != null);
        }
    }

    @Test
    void emptyValueIsNotAMissingKey() throws IOException {
        byte[] k = key(random());
        BlobIndex index = open();
        index.write(new IndexBatch().put(k, new byte[0]));
        assertThat(index.get(k)).isNotNull().isEmpty();
        assertThat(index.scan(new byte[0], 10)).hasSize(1);
    }

    @Test
    void laterWritesReplaceEarlierOnes() throws IOException {
        Random random = random();
        byte[] k = key(random);
        byte[] other = key(random);
        BlobIndex index = open();
        index.write(new IndexBatch().put(k, valueFor(k, 1)).put(other, valueFor(other, 1)).put(k, valueFor(k, 2)));
        assertThat(index.get(k)).as("the later put in one batch").isEqualTo(valueFor(k, 2));
        index.write(new IndexBatch().put(k, valueFor(k, 3)));
        assertThat(index.get(k)).as("a put in a later batch").isEqualTo(valueFor(k, 3));
        assertThat(index.get(other)).isEqualTo(valueFor(other, 1));
        assertThat(index.scan(new byte[0], 10)).as("replacing does not add a key").hasSize(2);
    }

    @Test
    void deletesRemoveKeysAfterTheBatchsPuts() throws IOException {
        Random random = random();
        byte[] gone = key(random);
        byte[] kept = key(random);
        byte[] putAndDeleted = key(random);
        BlobIndex index = open();
        index.write(new IndexBatch().put(gone, valueFor(gone, 1)).put(kept, valueFor(kept, 1)));
        index.write(new IndexBatch().delete(gone).put(putAndDeleted, valueFor(putAndDeleted, 1)).delete(putAndDeleted)
                .delete(key(random)));
        assertThat(index.get(gone)).isNull();
        assertThat(index.get(putAndDeleted)).as("deletes apply after the puts of the same batch").isNull();
        assertThat(index.get(kept)).isEqualTo(valueFor(kept, 1));
        assertThat(index.scan(new byte[0], 10)).hasSize(1);
    }

    @Test
    void emptyBatchIsAccepted() throws IOException {
        BlobIndex index = open();
        index.write(new IndexBatch());
        assertThat(index.scan(new byte[0], 10)).isEmpty();
    }

    @Test
    void manyKeysInBatches() throws IOException {
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 10_007; i++) {
            keys.add(key(random));
        }
        BlobIndex index = open();
        writeAll(index, keys, 997);
        for (byte[] k : keys) {
            assertThat(index.get(k)).as("key %s", hex(k)).isEqualTo(valueFor(k, 0));
        }
        List<IndexRecord> all = index.scan(new byte[0], Integer.MAX_VALUE);
        assertThat(keysOf(all)).isEqualTo(expected(sortedCopy(keys), new byte[0], new byte[0], Integer.MAX_VALUE));
        for (IndexRecord r : all) {
            assertThat(r.value()).isEqualTo(valueFor(r.key(), 0));
        }
    }

    @Test
    void keysAreOrderedAsUnsignedBytes() throws IOException {
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int first : new int[] {0x00, 0x01, 0x7F, 0x80, 0x81, 0xFE, 0xFF}) {
            keys.add(keyStartingWith(random, first));
            keys.add(keyStartingWith(random, first, 0x00));
            keys.add(keyStartingWith(random, first, 0xFF));
        }
        byte[] low = new byte[KEY_LENGTH];
        byte[] high = new byte[KEY_LENGTH];
        Arrays.fill(high, (byte) 0xFF);
        byte[] mid7f = keyStartingWith(random, 0x42);
        byte[] mid80 = mid7f.clone();
        mid7f[KEY_LENGTH - 1] = 0x7F;
        mid80[KEY_LENGTH - 1] = (byte) 0x80;
        keys.addAll(List.of(low, high, mid7f, mid80));
        Collections.shuffle(keys, random);

        BlobIndex index = open();
        writeAll(index, keys, 5);
        List<String> scanned = keysOf(index.scan(new byte[0], 1_000));
        assertThat(scanned).isEqualTo(expected(sortedCopy(keys), new byte[0], new byte[0], 1_000));
        assertThat(scanned.get(0)).isEqualTo(hex(low));
        assertThat(scanned.get(scanned.size() - 1)).isEqualTo(hex(high));
        assertThat(scanned.indexOf(hex(mid7f))).as("...7f sorts before ...80").isLessThan(scanned.indexOf(hex(mid80)));
    }

    @Test
    void scanStartsAtTheGivenKeyAndStopsAtTheLimit() throws IOException {
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 211; i++) {
            keys.add(key(random));
        }
        BlobIndex index = open();
        writeAll(index, keys, 50);
        List<byte[]> sorted = sortedCopy(keys);
        byte[] none = new byte[0];

        byte[] existing = sorted.get(101);
        assertThat(keysOf(index.scan(existing, 7))).as("from a stored key, inclusive")
                .isEqualTo(expected(sorted, none, existing, 7));

        byte[] between = existing.clone();
        between[KEY_LENGTH - 1]++; // not stored: the keys are random, and the next check proves it
        assertThat(index.get(between)).isNull();
        assertThat(keysOf(index.scan(between, 13))).as("from a key that is not stored")
                .isEqualTo(expected(sorted, none, between, 13));

        byte[] shortStart = Arrays.copyOf(existing, 3);
        assertThat(keysOf(index.scan(shortStart, 5))).as("from a 3-byte start")
                .isEqualTo(expected(sorted, none, shortStart, 5));

        assertThat(keysOf(index.scan(none, 10))).as("from the first key").isEqualTo(expected(sorted, none, none, 10));
        assertThat(keysOf(index.scan(sorted.get(205), 100))).as("a limit past the end")
                .isEqualTo(expected(sorted, none, sorted.get(205), 100));
        assertThat(index.scan(existing, 0)).as("limit 0").isEmpty();

        byte[] beyond = sorted.get(sorted.size() - 1).clone();
        beyond = Arrays.copyOf(beyond, KEY_LENGTH + 1);
        assertThat(index.scan(beyond, 10)).as("from after the last key").isEmpty();
    }

    @Test
    void scanPrefixReturnsOnlyMatchingKeysInOrder() throws IOException {
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int first : new int[] {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
            for (int second : new int[] {0x00, 0x80, 0xFF}) {
                for (int i = 0; i < 3; i++) {
                    keys.add(keyStartingWith(random, first, second));
                }
            }
        }
        BlobIndex index = open();
        writeAll(index, keys, 7);
        List<byte[]> sorted = sortedCopy(keys);
        byte[] none = new byte[0];

        List<byte[][]> cases = List.of(
                new byte[][] {{0x7F}, none},
                new byte[][] {{(byte) 0xFF}, none},
                new byte[][] {{(byte) 0xFF, (byte) 0xFF}, none},
                new byte[][] {{(byte) 0x80, (byte) 0x80}, sorted.stream()
                        .filter(k -> BlobIndex.startsWith(k, new byte[] {(byte) 0x80, (byte) 0x80})).skip(1).findFirst().orElseThrow()},
                new byte[][] {{0x01}, {0x00, 0x55}},
                new byte[][] {{0x01}, {0x02}},
                new byte[][] {{0x42}, none},
                new byte[][] {none, none});
        for (byte[][] c : cases) {
            for (int limit : new int[] {1_000, 2}) {
                assertThat(keysOf(index.scanPrefix(c[0], c[1], limit)))
                        .as("scanPrefix(%s, %s, %d)", hex(c[0]), hex(c[1]), limit)
                        .isEqualTo(expected(sorted, c[0], c[1], limit));
            }
        }
        assertThat(index.scanPrefix(new byte[] {0x7F}, none, 0)).as("limit 0").isEmpty();
        for (IndexRecord r : index.scanPrefix(new byte[] {(byte) 0x80}, none, 1_000)) {
            assertThat(r.value()).isEqualTo(valueFor(r.key(), 0));
        }
    }

    @Test
    void metaValuesArePutReplacedAndKeptApartFromKeys() throws IOException {
        Random random = random();
        byte[] k = key(random);
        BlobIndex index = open();
        assertThat(index.getMeta("checkpoint")).isNull();

        index.write(new IndexBatch().putMeta("checkpoint", intBytes(1)).putMeta("checkpoint.pack", intBytes(7)));
        assertThat(index.getMeta("checkpoint")).isEqualTo(intBytes(1));
        assertThat(index.getMeta("checkpoint.pack")).as("a name extending another").isEqualTo(intBytes(7));
        assertThat(index.getMeta("check")).as("a prefix of a stored name").isNull();
        assertThat(index.scan(new byte[0], 10)).as("meta values are not keys").isEmpty();

        index.write(new IndexBatch().put(k, valueFor(k, 0)).putMeta("checkpoint", intBytes(2)));
        assertThat(index.getMeta("checkpoint")).isEqualTo(intBytes(2));
        assertThat(index.getMeta("checkpoint.pack")).isEqualTo(intBytes(7));

        String unicode = "compteur-\u00e9t\u00e9-\u6570";
        index.write(new IndexBatch().putMeta(unicode, new byte[0]));
        assertThat(index.getMeta(unicode)).isNotNull().isEmpty();
        assertThat(index.getMeta(hex(k))).as("a key's hex is not a meta name").isNull();
    }

    @Test
    void arraysAreCopiedInAndOut() throws IOException {
        Random random = random();
        byte[] k = key(random);
        byte[] keyArg = k.clone();
        byte[] value = valueFor(k, 1);
        byte[] valueArg = value.clone();
        BlobIndex index = open();
        IndexBatch batch = new IndexBatch().put(keyArg, valueArg).putMeta("m", valueArg);
        index.write(batch);
        Arrays.fill(keyArg, (byte) 0);
        Arrays.fill(valueArg, (byte) 0);
        assertThat(index.get(k)).as("value after the caller reused its arrays").isEqualTo(value);
        assertThat(index.getMeta("m")).isEqualTo(value);

        index.get(k)[0] ^= 1;
        index.getMeta("m")[0] ^= 1;
        IndexRecord r = index.scan(new byte[0], 1).get(0);
        r.key()[0] ^= 1;
        r.value()[0] ^= 1;
        assertThat(index.get(k)).as("value after the caller changed returned arrays").isEqualTo(value);
        assertThat(index.getMeta("m")).isEqualTo(value);
        assertThat(index.scan(new byte[0], 1).get(0).key()).isEqualTo(k);
    }

    // ---- lifecycle ----

    @Test
    void openCreatesMissingDirectories() throws IOException {
        Path deep = tempDir.resolve("a").resolve("b").resolve("index");
        byte[] k = key(random());
        BlobIndex index = open(deep);
        index.write(new IndexBatch().put(k, valueFor(k, 0)));
        assertThat(index.get(k)).isEqualTo(valueFor(k, 0));
    }

    @Test
    void closeTwiceIsHarmless() throws IOException {
        BlobIndex index = open();
        index.write(new IndexBatch().putMeta("n", intBytes(1)));
        index.close();
        index.close();
        BlobIndex again = open();
        again.close();
        again.close();
    }

    @Test
    void writesSurviveCloseAndReopen() throws IOException {
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.PERSISTENT), "backend is not persistent");
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 1_003; i++) {
            keys.add(key(random));
        }
        BlobIndex index = open();
        writeAll(index, keys, 101);
        index.write(new IndexBatch().putMeta("checkpoint", intBytes(42)));
        index.close();

        BlobIndex reopened = open();
        for (byte[] k : keys) {
            assertThat(reopened.get(k)).as("key %s after reopening", hex(k)).isEqualTo(valueFor(k, 0));
        }
        assertThat(reopened.getMeta("checkpoint")).isEqualTo(intBytes(42));
        assertThat(keysOf(reopened.scan(new byte[0], 2_000)))
                .isEqualTo(expected(sortedCopy(keys), new byte[0], new byte[0], 2_000));

        byte[] extra = key(random);
        reopened.write(new IndexBatch().put(extra, valueFor(extra, 0)));
        reopened.close();
        assertThat(open().get(extra)).as("a write after reopening, reopened again").isEqualTo(valueFor(extra, 0));
    }

    @Test
    void aBulkLoadClosedAndRenamedIsWholeWhereItIsOpenedAgain() throws IOException {
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.PERSISTENT), "backend is not persistent");
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 2_011; i++) {
            keys.add(key(random));
        }
        Path aside = temporaryDirectory().resolve("index-" + provider().name() + ".rebuilding");
        BlobIndex bulk = provider().openForBulkLoad(aside);
        opened.push(bulk);
        writeAll(bulk, keys, 307);
        bulk.write(new IndexBatch().putMeta("checkpoint", intBytes(7)));
        assertThat(bulk.get(keys.get(5))).as("a bulk load reads its own writes").isEqualTo(valueFor(keys.get(5), 0));
        bulk.close();
        Files.move(aside, indexDirectory());

        BlobIndex index = open();
        for (byte[] k : keys) {
            assertThat(index.get(k)).as("key %s of the bulk load", hex(k)).isEqualTo(valueFor(k, 0));
        }
        assertThat(index.getMeta("checkpoint")).isEqualTo(intBytes(7));
        assertThat(keysOf(index.scan(new byte[0], 3_000)))
                .isEqualTo(expected(sortedCopy(keys), new byte[0], new byte[0], 3_000));
        byte[] extra = key(random);
        index.write(new IndexBatch().put(extra, valueFor(extra, 0)));
        index.close();
        assertThat(open().get(extra)).as("a write after the bulk load, reopened").isEqualTo(valueFor(extra, 0));
    }

    @Test
    void aDiscardedBulkLoadIsDestroyedAndLeavesNothing() throws IOException {
        byte[] k = key(random());
        BlobIndex bulk = provider().openForBulkLoad(indexDirectory());
        opened.push(bulk);
        bulk.write(new IndexBatch().put(k, valueFor(k, 0)).putMeta("checkpoint", intBytes(1)));
        bulk.discard();
        provider().destroy(indexDirectory());

        BlobIndex fresh = open();
        assertThat(fresh.get(k)).isNull();
        assertThat(fresh.getMeta("checkpoint")).isNull();
    }

    @Test
    void aReadOnlyOpenReadsEverythingAndChangesNoFile() throws IOException {
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.PERSISTENT), "backend is not persistent");
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.READ_ONLY_OPEN), "backend cannot open read-only");
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 517; i++) {
            keys.add(key(random));
        }
        BlobIndex index = open();
        writeAll(index, keys, 64);
        index.write(new IndexBatch().putMeta("checkpoint", intBytes(7)));
        index.close();
        List<String> before = filesUnder(indexDirectory());

        BlobIndex readOnly = provider().openReadOnly(indexDirectory());
        try {
            for (byte[] k : keys) {
                assertThat(readOnly.get(k)).as("key %s", hex(k)).isEqualTo(valueFor(k, 0));
                assertThat(readOnly.contains(k)).isTrue();
            }
            assertThat(readOnly.get(key(random))).isNull();
            assertThat(readOnly.getMeta("checkpoint")).isEqualTo(intBytes(7));
            List<byte[]> sorted = sortedCopy(keys);
            assertThat(keysOf(readOnly.scan(new byte[0], 1_000))).isEqualTo(expected(sorted, new byte[0], new byte[0], 1_000));
            byte[] prefix = {keys.get(0)[0]};
            assertThat(keysOf(readOnly.scanPrefix(prefix, new byte[0], 1_000)))
                    .isEqualTo(expected(sorted, prefix, new byte[0], 1_000));
            byte[] extra = key(random);
            assertThatThrownBy(() -> readOnly.write(new IndexBatch().put(extra, valueFor(extra, 0))))
                    .as("a write to an index opened read-only").isInstanceOf(IOException.class);
        } finally {
            readOnly.close();
        }

        assertThat(filesUnder(indexDirectory())).as("files of the index after a read-only open").isEqualTo(before);
        assertThat(open().get(keys.get(3))).as("the index still opens for writing").isEqualTo(valueFor(keys.get(3), 0));
    }

    @Test
    void aReadOnlyOpenOfAMissingIndexFailsAndCreatesNothing() {
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.READ_ONLY_OPEN), "backend cannot open read-only");
        assertThatThrownBy(() -> provider().openReadOnly(indexDirectory())).isInstanceOf(IOException.class);
        assertThat(indexDirectory()).doesNotExist();
    }

    /** @return every file under {@code dir} with its size and a hash of its bytes, in name order */
    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : s.sorted().toList()) {
                out.add(dir.relativize(p) + (Files.isRegularFile(p)
                        ? " " + Files.size(p) + " " + Arrays.hashCode(Files.readAllBytes(p)) : "/"));
            }
            return out;
        }
    }

    @Test
    void destroyThenOpenIsEmpty() throws IOException {
        byte[] k = key(random());
        BlobIndex index = open();
        index.write(new IndexBatch().put(k, valueFor(k, 0)).putMeta("checkpoint", intBytes(1)));
        index.close();
        provider().destroy(indexDirectory());

        BlobIndex fresh = open();
        assertThat(fresh.get(k)).isNull();
        assertThat(fresh.getMeta("checkpoint")).isNull();
        assertThat(fresh.scan(new byte[0], 10)).isEmpty();
        fresh.write(new IndexBatch().put(k, valueFor(k, 2)));
        assertThat(fresh.get(k)).isEqualTo(valueFor(k, 2));
    }

    @Test
    void discardThenDestroyThenOpenIsEmpty() throws IOException {
        byte[] k = key(random());
        BlobIndex index = open();
        index.write(new IndexBatch().put(k, valueFor(k, 0)).putMeta("checkpoint", intBytes(1)));
        index.discard();
        index.discard();
        index.close();
        provider().destroy(indexDirectory());

        BlobIndex fresh = open();
        assertThat(fresh.get(k)).isNull();
        assertThat(fresh.getMeta("checkpoint")).isNull();
        fresh.write(new IndexBatch().put(k, valueFor(k, 3)));
        assertThat(fresh.get(k)).isEqualTo(valueFor(k, 3));
    }

    @Test
    void destroyOfAMissingDirectoryIsHarmless() throws IOException {
        Path missing = tempDir.resolve("never-opened");
        provider().destroy(missing);
        assertThat(missing).doesNotExist();
    }

    @Test
    void aSecondOpenIsNeverReportedAsUnreadable() throws IOException {
        open();
        Throwable failure = catchThrowable(this::open);
        // a backend may allow it; if not, the store destroys an index that throws
        // IndexUnreadableException, so one in use must fail otherwise
        if (failure != null) {
            assertThat(failure).as("opening an index that is already open")
                    .isInstanceOf(IOException.class).isNotInstanceOf(IndexUnreadableException.class);
        }
    }

    @Test
    void aSecondOpenFailsWhileTheIndexIsOpen() throws IOException {
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.EXCLUSIVE_OPEN), "backend allows several opens");
        BlobIndex first = open();
        assertThatThrownBy(this::open).isInstanceOf(IOException.class).isNotInstanceOf(IndexUnreadableException.class);
        first.close();
        assertThat(open()).as("after the first is closed").isNotNull();
    }

    @Test
    void damagedFilesAreReportedUnreadable() throws IOException {
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.PERSISTENT), "backend is not persistent");
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.DETECTS_DAMAGED_FILES), "backend does not detect damage");
        Random random = random();
        byte[] k = key(random);
        BlobIndex index = open();
        index.write(new IndexBatch().put(k, valueFor(k, 0)).putMeta("checkpoint", intBytes(1)));
        index.close();

        List<Path> files;
        try (Stream<Path> walk = Files.walk(indexDirectory())) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertThat(files).as("files of a closed index").isNotEmpty();
        for (Path f : files) {
            byte[] garbage = new byte[(int) Math.max(Files.size(f), 64)];
            random.nextBytes(garbage);
            Files.write(f, garbage);
        }

        assertThatThrownBy(this::open).isInstanceOf(IndexUnreadableException.class);
        // what the store does next
        provider().destroy(indexDirectory());
        BlobIndex fresh = open();
        assertThat(fresh.get(k)).isNull();
        fresh.write(new IndexBatch().put(k, valueFor(k, 1)));
        assertThat(fresh.get(k)).isEqualTo(valueFor(k, 1));
    }

    @Test
    void providerNameIsLowercaseAndRegistered() {
        String name = provider().name();
        assertThat(name).isNotBlank().isEqualTo(name.toLowerCase(Locale.ROOT)).doesNotContainAnyWhitespaces();
        assertThat(provider().name()).isEqualTo(name);
        assertThat(provider().artifact()).isNotNull();
        assertThat(ServiceLoader.load(IndexProvider.class).stream().map(ServiceLoader.Provider::type))
                .as("providers of %s (META-INF/services or module-info 'provides')", IndexProvider.class.getName())
                .contains(provider().getClass());
    }

    // ---- concurrency ----

    /**
     * Batch {@code i} writes two keys that sort next to each other and sets meta {@code "n"} to
     * {@code i}. Readers check, while the batches go in, that they never see one key of a pair
     * without the other, that the meta value never runs ahead of the keys written with it, and
     * that a batch whose {@code write} returned is visible.
     */
    @Test
    void readersNeverSeeAHalfAppliedBatch() throws Exception {
        Random random = random();
        int batches = 1_500;
        byte[][] first = new byte[batches][];
        byte[][] second = new byte[batches][];
        for (int i = 0; i < batches; i++) {
            first[i] = key(random);
            first[i][KEY_LENGTH - 1] = 0;
            second[i] = first[i].clone();
            second[i][KEY_LENGTH - 1] = 1;
        }
        BlobIndex index = open();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        int readers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        try {
            Future<?> writer = pool.submit(() -> {
                try {
                    start.await();
                    for (int i = 0; i < batches; i++) {
                        index.write(new IndexBatch().put(first[i], valueFor(first[i], i)).putMeta("n", intBytes(i))
                                .put(second[i], valueFor(second[i], i)));
                        acknowledged.set(i + 1);
                    }
                } finally {
                    done.set(true);
                }
                return null;
            });
            List<Future<Integer>> checks = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                Random readerRandom = new Random(seed.seed() + r + 1);
                checks.add(pool.submit(() -> {
                    start.await();
                    int rounds = 0;
                    do {
                        int before = acknowledged.get();
                        // mostly the batch being written now, where a split would show
                        int i = readerRandom.nextInt(4) == 0
                                ? readerRandom.nextInt(Math.min(batches, before + 3))
                                : Math.min(batches - 1, before + readerRandom.nextInt(2));
                        boolean a1 = index.get(first[i]) != null;
                        boolean b = index.get(second[i]) != null;
                        boolean a2 = index.get(first[i]) != null;
                        // keys are only ever added, so these orders prove a pair was split
                        if (a1 && !b || b && !a2) {
                            throw new AssertionError("batch " + i + " seen half applied");
                        }
                        if (i < before && !(a1 && b)) {
                            throw new AssertionError("batch " + i + " was acknowledged but is not visible");
                        }
                        byte[] n = index.getMeta("n");
                        if (n != null) {
                            int m = ByteBuffer.wrap(n).getInt();
                            if (m + 1 < before) {
                                throw new AssertionError("meta n=" + m + " behind acknowledged batch " + (before - 1));
                            }
                            if (index.get(first[m]) == null || index.get(second[m]) == null) {
                                throw new AssertionError("meta n=" + m + " visible before its keys");
                            }
                        }
                        List<IndexRecord> page = index.scan(first[i], 2);
                        if (!page.isEmpty() && Arrays.equals(page.get(0).key(), first[i])
                                && (page.size() < 2 || !Arrays.equals(page.get(1).key(), second[i]))) {
                            throw new AssertionError("scan saw batch " + i + " half applied");
                        }
                        rounds++;
                    } while (!done.get());
                    return rounds;
                }));
            }
            start.countDown();
            writer.get(60, TimeUnit.SECONDS);
            for (Future<Integer> c : checks) {
                assertThat(c.get(60, TimeUnit.SECONDS)).as("reader rounds").isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(index.getMeta("n")).isEqualTo(intBytes(batches - 1));
        assertThat(index.scan(new byte[0], 2 * batches + 1)).hasSize(2 * batches);
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        Assumptions.assumeTrue(hasBehavior(IndexBehavior.CONCURRENT_WRITES), "backend takes one writer at a time");
        Random random = random();
        int writers = 4;
        int batchesEach = 150;
        int keysPerBatch = 5;
        byte[][][] keys = new byte[writers][batchesEach * keysPerBatch][];
        for (byte[][] own : keys) {
            for (int i = 0; i < own.length; i++) {
                own[i] = key(random);
            }
        }
        BlobIndex index = open();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte[][] own = keys[w];
                String meta = "writer-" + w;
                results.add(pool.submit(() -> {
                    start.await();
                    for (int b = 0; b < batchesEach; b++) {
                        IndexBatch batch = new IndexBatch().putMeta(meta, intBytes(b));
                        for (int j = 0; j < keysPerBatch; j++) {
                            byte[] k = own[b * keysPerBatch + j];
                            batch.put(k, valueFor(k, b));
                        }
                        index.write(batch);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int w = 0; w < writers; w++) {
            assertThat(index.getMeta("writer-" + w)).isEqualTo(intBytes(batchesEach - 1));
            for (int i = 0; i < keys[w].length; i++) {
                assertThat(index.get(keys[w][i])).isEqualTo(valueFor(keys[w][i], i / keysPerBatch));
            }
        }
        assertThat(index.scan(new byte[0], Integer.MAX_VALUE)).hasSize(writers * batchesEach * keysPerBatch);
    }
}
