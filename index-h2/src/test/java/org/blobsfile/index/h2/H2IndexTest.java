package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.blobsfile.tck.BlobIndexContract;
import org.h2.engine.Constants;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;

class H2IndexTest extends BlobIndexContract {
    private static final byte[] KEY = new byte[32];

    @Override
    protected IndexProvider provider() {
        return new H2IndexProvider();
    }

    @Test
    void identity() {
        assertThat(provider().name()).isEqualTo("h2");
        assertThat(provider().artifact()).isEqualTo("org.blobsfile:index-h2");
    }

    @Test
    void theH2VersionIsRecorded() throws IOException {
        H2Index index = (H2Index) open();
        assertThat(index.recordedH2Version()).isEqualTo(Constants.VERSION).startsWith("2.");
    }

    /**
     * A file H2 2.3.232 wrote (by this module built with that version: 150 keys, a close, a
     * reopen, 150 more keys and the meta value {@code checkpoint}) opens in place with this H2:
     * every key and the meta value read back, in order, and the file records this H2 from then
     * on. A store would otherwise rebuild the index of every existing store after the upgrade.
     */
    @Test
    void aFileH2Version2_3Wrote_opensWithEveryKey() throws Exception {
        Path dir = indexDirectory();
        Files.createDirectories(dir);
        Files.copy(Path.of(getClass().getResource("written-by-h2-2.3.232/" + H2Index.FILE_NAME).toURI()),
                dir.resolve(H2Index.FILE_NAME));
        try (MVStore raw = new MVStore.Builder().fileName(dir.resolve(H2Index.FILE_NAME).toString()).readOnly().open()) {
            assertThat(raw.<String, String>openMap(H2Index.INFO_MAP).get(H2Index.H2_VERSION)).isEqualTo("2.3.232");
        }
        List<byte[]> keys = fixtureKeys();
        H2Index index = (H2Index) open();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(index.get(keys.get(i))).as("key %d", i).isEqualTo(ByteBuffer.allocate(8).putLong(i).array());
        }
        List<byte[]> sorted = new ArrayList<>(keys);
        sorted.sort(Arrays::compareUnsigned);
        assertThat(keysOf(index.scan(new byte[0], Integer.MAX_VALUE))).containsExactlyElementsOf(hex(sorted));
        assertThat(index.getMeta("checkpoint")).containsExactly(1, 2, 3);
        assertThat(index.recordedH2Version()).isEqualTo(Constants.VERSION);
    }

    /** The keys of the fixture files, in the order they were written; key {@code i} maps to {@code i} as 8 bytes. */
    private static List<byte[]> fixtureKeys() {
        SplittableRandom random = new SplittableRandom(0xDE95L);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            keys.add(k);
        }
        return keys;
    }

    @Test
    void aFileFromAnotherH2MajorVersionIsUnreadable() throws IOException {
        open().close();
        try (MVStore raw = new MVStore.Builder().fileName(indexDirectory().resolve(H2Index.FILE_NAME).toString()).open()) {
            MVMap<String, String> info = raw.openMap(H2Index.INFO_MAP);
            info.put(H2Index.H2_VERSION, "1.4.200");
            raw.commit();
        }
        assertThatThrownBy(this::open).isInstanceOf(IndexUnreadableException.class).hasMessageContaining("1.4.200");
    }

    @Test
    void aLayoutThisVersionCannotReadIsUnreadable() throws IOException {
        open().close();
        try (MVStore raw = new MVStore.Builder().fileName(indexDirectory().resolve(H2Index.FILE_NAME).toString()).open()) {
            raw.<String, String>openMap(H2Index.INFO_MAP).put(H2Index.LAYOUT, "99");
            raw.commit();
        }
        assertThatThrownBy(this::open).isInstanceOf(IndexUnreadableException.class).hasMessageContaining("layout");
    }

    @Test
    void aFileWithAllKeysInOneMapIsUnreadable() throws IOException {
        open().close();
        try (MVStore raw = new MVStore.Builder().fileName(indexDirectory().resolve(H2Index.FILE_NAME).toString()).open()) {
            raw.<String, String>openMap(H2Index.INFO_MAP).put(H2Index.LAYOUT, "1");
            raw.openMap("keys").put("k", "v");
            raw.commit();
        }
        assertThatThrownBy(this::open).isInstanceOf(IndexUnreadableException.class).hasMessageContaining("layout 1");
    }

    /**
     * Keys on both sides of every slice boundary, and at the ends: scans starting anywhere,
     * through the boundaries, list them in order, and prefix scans stop at the boundary.
     */
    @Test
    void scansRunInOrderAcrossTheKeySlices() throws IOException {
        Random random = random();
        List<byte[]> keys = new ArrayList<>();
        for (int first = 0; first < 256; first++) {
            boolean edge = (first & 0x0F) == 0 || (first & 0x0F) == 0x0F;
            for (int i = 0; i < (edge ? 4 : 1); i++) {
                byte[] k = new byte[32];
                random.nextBytes(k);
                k[0] = (byte) first;
                keys.add(k);
            }
        }
        byte[] lowest = new byte[32];
        byte[] highest = new byte[32];
        Arrays.fill(highest, (byte) 0xFF);
        keys.add(lowest);
        keys.add(highest);
        BlobIndex index = open();
        for (int i = 0; i < keys.size(); i += 50) {
            IndexBatch batch = new IndexBatch();
            keys.subList(i, Math.min(keys.size(), i + 50)).forEach(k -> batch.put(k, k.clone()));
            index.write(batch);
        }
        List<byte[]> sorted = new ArrayList<>(keys);
        sorted.sort(Arrays::compareUnsigned);

        assertThat(keysOf(index.scan(new byte[0], Integer.MAX_VALUE))).containsExactlyElementsOf(hex(sorted));
        for (int from = 0; from < sorted.size(); from += 7) {
            int limit = 1 + from % 23;
            assertThat(keysOf(index.scan(sorted.get(from), limit))).as("from key %d, limit %d", from, limit)
                    .containsExactlyElementsOf(hex(sorted.subList(from, Math.min(sorted.size(), from + limit))));
        }
        for (int first : new int[] {0x0F, 0x10, 0x7F, 0x80, 0xEF, 0xF0, 0xFF}) {
            byte[] prefix = {(byte) first};
            List<byte[]> expected = sorted.stream().filter(k -> k[0] == (byte) first).toList();
            assertThat(keysOf(index.scanPrefix(prefix, new byte[0], 1_000))).as("prefix %02x", first)
                    .containsExactlyElementsOf(hex(expected));
            // a start past the slice's last key must not spill into the next slice
            byte[] past = {(byte) first, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
            assertThat(index.scanPrefix(prefix, past, 1_000)).as("prefix %02x from its end", first)
                    .allSatisfy(r -> assertThat(r.key()[0]).isEqualTo((byte) first));
        }
        byte[] endOfSlice = {0x0F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertThat(index.scan(endOfSlice, 1).get(0).key()[0]).as("the key after slice 0 ends").isEqualTo((byte) 0x10);
        for (byte[] k : keys) {
            assertThat(index.get(k)).isEqualTo(k);
        }
    }

    /**
     * Several threads write put-only batches, which go in side by side, with a commit due after
     * each; each batch spreads its keys over every slice. Readers meanwhile scan the whole index
     * in one call and must find whole batches only, in order. After a close, which compacts the
     * file, and a reopen every key is there.
     */
    @Test
    void concurrentPutOnlyBatchesStayWholeForReadersAndLoseNothing() throws Exception {
        int writers = 3;
        int batchesEach = 120;
        int keysPerBatch = 40;
        Path dir = indexDirectory();
        java.nio.file.Files.createDirectories(dir);
        // commit after every batch, so commits meet concurrent batches; close then compacts the
        // file so many small commits leave, where H2 2.3.232's compaction failed its own
        // assertion (RandomAccessStore.moveChunkInside) in about a third of the runs
        H2Tuning tuning = new H2Tuning(1 << 20, 0, 16 << 10, 8, 2_000, 50, 1 << 20);
        H2Index index = H2Index.open(dir, tuning);
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        List<byte[]> written = new ArrayList<>();
        try {
            List<Future<?>> writing = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writing.add(pool.submit(() -> {
                    start.await();
                    for (int b = 0; b < batchesEach; b++) {
                        IndexBatch batch = new IndexBatch();
                        for (int j = 0; j < keysPerBatch; j++) {
                            byte[] k = spreadKey(writer, b, j);
                            batch.put(k, Arrays.copyOf(k, 8));
                        }
                        index.write(batch);
                    }
                    return null;
                }));
            }
            List<Future<Integer>> reading = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                reading.add(pool.submit(() -> {
                    start.await();
                    int rounds = 0;
                    do {
                        List<IndexRecord> all = index.scan(new byte[0], Integer.MAX_VALUE);
                        Map<Integer, Integer> perBatch = new HashMap<>();
                        for (int i = 0; i < all.size(); i++) {
                            byte[] k = all.get(i).key();
                            if (i > 0 && Arrays.compareUnsigned(all.get(i - 1).key(), k) >= 0) {
                                throw new AssertionError("scan out of order at " + i);
                            }
                            perBatch.merge(ByteBuffer.wrap(k, 1, 4).getInt(), 1, Integer::sum);
                        }
                        perBatch.forEach((batch, n) -> {
                            if (n != keysPerBatch) {
                                throw new AssertionError("batch " + Integer.toHexString(batch) + " seen with " + n + " keys");
                            }
                        });
                        rounds++;
                    } while (!done.get());
                    return rounds;
                }));
            }
            start.countDown();
            for (Future<?> f : writing) {
                f.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            for (Future<Integer> f : reading) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            done.set(true);
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            index.close();
        }
        for (int w = 0; w < writers; w++) {
            for (int b = 0; b < batchesEach; b++) {
                for (int j = 0; j < keysPerBatch; j++) {
                    written.add(spreadKey(w, b, j));
                }
            }
        }
        written.sort(Arrays::compareUnsigned);
        try (H2Index reopened = H2Index.open(dir, tuning)) {
            for (byte[] k : written) {
                assertThat(reopened.get(k)).as("key %s", HexFormat.of().formatHex(k)).isEqualTo(Arrays.copyOf(k, 8));
            }
            assertThat(keysOf(reopened.scan(new byte[0], Integer.MAX_VALUE))).containsExactlyElementsOf(hex(written));
        }
    }

    /** Key {@code j} of a writer's batch: a first byte that walks over every slice, then the batch's id. */
    private static byte[] spreadKey(int writer, int batch, int j) {
        return ByteBuffer.allocate(32).put((byte) (j * 37 + batch)).putInt(writer << 16 | batch).putInt(j).array();
    }

    private static List<String> keysOf(List<IndexRecord> records) {
        return records.stream().map(r -> HexFormat.of().formatHex(r.key())).toList();
    }

    private static List<String> hex(List<byte[]> keys) {
        return keys.stream().map(HexFormat.of()::formatHex).toList();
    }

    @Test
    void secondOpenSaysTheIndexIsInUseAndDestroyRefuses() throws IOException {
        open();
        assertThatThrownBy(this::open).isExactlyInstanceOf(IOException.class).hasMessageContaining("in use");
        assertThatThrownBy(() -> provider().destroy(indexDirectory()))
                .isExactlyInstanceOf(IOException.class).hasMessageContaining("in use");
    }

    @Test
    void operationsAfterCloseFailCleanly() throws IOException {
        BlobIndex index = open();
        index.write(new IndexBatch().put(KEY, new byte[] {1}));
        index.close();
        assertThatThrownBy(() -> index.get(KEY)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.getMeta("n")).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.scan(new byte[0], 10)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.write(new IndexBatch().put(KEY, new byte[] {2})))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void destroyDeletesTheDirectory() throws IOException {
        open().close();
        assertThat(indexDirectory().resolve(H2Index.FILE_NAME)).exists();
        provider().destroy(indexDirectory());
        assertThat(indexDirectory()).doesNotExist();
    }

    @Test
    void tuningComesFromSystemProperties() {
        String before = System.getProperty(H2Tuning.CACHE_PROPERTY);
        try {
            System.setProperty(H2Tuning.CACHE_PROPERTY, "7");
            assertThat(H2Tuning.fromSystemProperties().cacheMegabytes()).isEqualTo(7);
            System.setProperty(H2Tuning.CACHE_PROPERTY, "0");
            assertThatThrownBy(H2Tuning::fromSystemProperties).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(H2Tuning.CACHE_PROPERTY);
        } finally {
            if (before == null) {
                System.clearProperty(H2Tuning.CACHE_PROPERTY);
            } else {
                System.setProperty(H2Tuning.CACHE_PROPERTY, before);
            }
        }
    }
}
