package org.blobsfile.index.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.blobsfile.tck.BlobIndexContract;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class RocksDbIndexTest extends BlobIndexContract {
    private static final byte[] KEY = new byte[32];

    @Override
    protected IndexProvider provider() {
        return new RocksDbIndexProvider();
    }

    @Test
    void identity() {
        assertThat(provider().name()).isEqualTo("rocksdb");
        assertThat(provider().artifact()).isEqualTo("org.blobsfile:index-rocksdb");
    }

    /**
     * An index RocksDB 9.10.0 wrote (by this module built with that version: 150 keys, a close, a
     * reopen, which flushed them to a table file, then 150 more keys and the meta value
     * {@code checkpoint}, left in the write-ahead log) opens in place with this RocksDB: every
     * key and the meta value read back, in order, from the old table files and the replayed log.
     * A store would otherwise rebuild the index of every existing store after the upgrade.
     */
    @Test
    void anIndexRocksDb9Wrote_opensWithEveryKey() throws Exception {
        Path dir = indexDirectory();
        Files.createDirectories(dir);
        Path fixture = Path.of(getClass().getResource("written-by-rocksdb-9.10.0").toURI());
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        assertThat(Files.readString(dir.resolve("OPTIONS-000013"))).contains("rocksdb_version=9.10.0");
        SplittableRandom random = new SplittableRandom(0xDE95L);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            keys.add(k);
        }
        BlobIndex index = open();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(index.get(keys.get(i))).as("key %d", i).isEqualTo(ByteBuffer.allocate(8).putLong(i).array());
        }
        keys.sort(Arrays::compareUnsigned);
        List<byte[]> scanned = index.scan(new byte[0], Integer.MAX_VALUE).stream().map(IndexRecord::key).toList();
        assertThat(scanned).hasSameSizeAs(keys);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(scanned.get(i)).as("key %d in order", i).isEqualTo(keys.get(i));
        }
        assertThat(index.getMeta("checkpoint")).containsExactly(1, 2, 3);
    }

    /** Reads size their array from the last value read: shorter, longer and equal values must all come back whole. */
    @Test
    void valuesOfChangingLengthsReadBackWhole() throws IOException {
        BlobIndex index = open();
        int[] lengths = {25, 25, 0, 25, 300, 5, 5, 70000, 1, 25, 32, 33, 31};
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        java.util.Random random = random();
        IndexBatch batch = new IndexBatch();
        for (int length : lengths) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            byte[] v = new byte[length];
            random.nextBytes(v);
            keys.add(k);
            values.add(v);
            batch.put(k, v);
        }
        index.write(batch);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < lengths.length; i++) {
                assertThat(index.get(keys.get(i))).as("value %d of %d bytes", i, lengths[i]).isEqualTo(values.get(i));
            }
        }
        byte[] first = index.get(keys.get(0));
        assertThat(index.get(keys.get(0))).as("each read returns its own array").isNotSameAs(first);
    }

    /**
     * With the keys on disk, contains must see a deletion rather than the older value, and must
     * look past the Bloom filters' false positives.
     */
    @Test
    void containsSeesDeletionsOnDiskAfterReopen() throws IOException {
        java.util.Random random = random();
        List<byte[]> kept = new ArrayList<>();
        List<byte[]> deleted = new ArrayList<>();
        BlobIndex index = open();
        IndexBatch puts = new IndexBatch();
        IndexBatch deletes = new IndexBatch();
        for (int i = 0; i < 200; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            puts.put(k, new byte[25]);
            if (i % 2 == 0) {
                deleted.add(k);
                deletes.delete(k);
            } else {
                kept.add(k);
            }
        }
        index.write(puts);
        index.close();
        index = open();
        index.write(deletes);
        index.close();
        index = open();
        for (byte[] k : deleted) {
            assertThat(index.contains(k)).as("a key deleted before the reopen").isFalse();
        }
        for (byte[] k : kept) {
            assertThat(index.contains(k)).as("a key kept").isTrue();
        }
        // about 1% of absent keys pass a Bloom filter of 10 bits a key: contains must not trust it
        for (int i = 0; i < 5000; i++) {
            byte[] absent = new byte[32];
            random.nextBytes(absent);
            assertThat(index.contains(absent)).as("an absent key").isFalse();
        }
    }

    @Test
    void secondOpenInThisProcessSaysTheIndexIsInUse() throws IOException {
        open();
        assertThatThrownBy(this::open).isExactlyInstanceOf(IOException.class).hasMessageContaining("in use");
        assertThatThrownBy(() -> provider().destroy(indexDirectory()))
                .isExactlyInstanceOf(IOException.class).hasMessageContaining("in use");
    }

    @Test
    void indexOpenInAnotherProcessIsInUse() throws Exception {
        Path dir = indexDirectory();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the child's report").startsWith("open");

            assertThatThrownBy(this::open).isExactlyInstanceOf(IOException.class).hasMessageContaining("in use");
            assertThatThrownBy(() -> provider().destroy(dir)).isExactlyInstanceOf(IOException.class)
                    .hasMessageContaining("in use");

            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
            assertThat(child.exitValue()).isZero();
        } finally {
            child.destroyForcibly();
        }
        BlobIndex index = open();
        index.write(new IndexBatch().put(KEY, new byte[] {1}));
        assertThat(index.get(KEY)).containsExactly(1);
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
    void closeWaitsForRunningReadersAndStopsTheRest() throws Exception {
        BlobIndex index = open();
        IndexBatch batch = new IndexBatch();
        for (int i = 0; i < 500; i++) {
            byte[] k = KEY.clone();
            k[0] = (byte) i;
            k[1] = (byte) (i >> 8);
            batch.put(k, k);
        }
        index.write(batch);
        int readers = 4;
        CountDownLatch running = new CountDownLatch(readers);
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            List<Future<IOException>> results = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                results.add(pool.submit(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            index.scan(new byte[0], 100);
                            index.get(KEY);
                        }
                    } catch (IOException e) {
                        return e;
                    }
                }));
            }
            running.await();
            index.close();
            for (Future<IOException> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).hasMessageContaining("closed");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysAndMetaLiveInTheirOwnColumnFamilies() throws Exception {
        BlobIndex index = open();
        index.write(new IndexBatch().put(KEY, new byte[] {7}).putMeta("checkpoint", new byte[] {9}));
        index.close();
        List<byte[]> families;
        try (Options options = new Options()) {
            families = RocksDB.listColumnFamilies(options, indexDirectory().toString());
        }
        assertThat(families).extracting(f -> new String(f, StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("default", "meta");
    }

    /**
     * RocksDB does not flush its memtables at close while the write-ahead log is on, so the next
     * open would replay the log: seconds after a bulk import. The index flushes them itself, so
     * after close every log file is empty and the writes are in table files.
     */
    @Test
    void closeLeavesNothingInTheLogToReplay() throws IOException {
        BlobIndex index = open();
        IndexBatch batch = new IndexBatch();
        java.util.Random random = random();
        for (int i = 0; i < 2000; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            batch.put(k, new byte[25]);
        }
        index.write(batch.putMeta("checkpoint", new byte[] {9}));
        assertThat(logBytes()).isPositive();
        index.close();
        assertThat(logBytes()).isZero();
        assertThat(tableFiles()).isNotEmpty();
        BlobIndex reopened = open();
        assertThat(reopened.getMeta("checkpoint")).containsExactly(9);
        assertThat(reopened.scan(new byte[0], 5000)).hasSize(2000);
        reopened.close();
    }

    /** An index discarded before its files are destroyed skips the flush: its log keeps the writes. */
    @Test
    void discardSkipsTheFlush() throws IOException {
        BlobIndex index = open();
        index.write(new IndexBatch().put(KEY, new byte[] {7}));
        index.discard();
        assertThat(logBytes()).isPositive();
        assertThat(tableFiles()).isEmpty();
    }

    private long logBytes() throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(indexDirectory())) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                total += Files.size(p);
            }
        }
        return total;
    }

    private List<Path> tableFiles() throws IOException {
        try (Stream<Path> files = Files.list(indexDirectory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sst")).toList();
        }
    }

    @Test
    void tablesUseABloomFilter() throws IOException {
        open().close();
        List<Path> optionFiles;
        try (Stream<Path> files = Files.list(indexDirectory())) {
            optionFiles = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-")).toList();
        }
        assertThat(optionFiles).isNotEmpty();
        String latest = Files.readString(optionFiles.stream().max(Path::compareTo).orElseThrow());
        assertThat(latest.toLowerCase(java.util.Locale.ROOT)).contains("bloomfilter");
    }

    @Test
    void aLayoutThisVersionCannotReadIsUnreadable() throws Exception {
        open().close();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
             RocksDB db = RocksDB.open(options, indexDirectory().toString(), List.of(
                     new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                     new ColumnFamilyDescriptor(RocksDbIndex.META_FAMILY)), handles)) {
            db.put(handles.get(1), RocksDbIndex.LAYOUT_KEY, new byte[] {99});
            handles.forEach(ColumnFamilyHandle::close);
        }
        assertThatThrownBy(this::open).isInstanceOf(IndexUnreadableException.class).hasMessageContaining("layout");
    }

    @Test
    void directoryOutsideTheDefaultFileSystemIsRefused() throws IOException {
        Path zip = temporaryDirectory().resolve("elsewhere.zip");
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            assertThatThrownBy(() -> provider().open(fs.getPath("/index")))
                    .isInstanceOf(IOException.class).hasMessageContaining("default file system");
        }
    }
}
