package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.index.rocksdb.RocksDbIndexProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB and H2 side by side on the same load, in one run: {@code blobsfile.bench.entries}
 * (default 1,000,000) random 32-byte keys with 25-byte values, written in batches of 4,096, then
 * hit and miss lookups, a full scan in pages, and the disk size after the load and after close.
 * Prints a table; asserts only that every index holds what was written, never a time.
 *
 * <p>Off by default; run with
 * {@code mvn -pl index-h2 -am verify -Dtest=IndexLoadComparison -Dsurefire.failIfNoSpecifiedTests=false -Dblobsfile.bench=true}.
 */
@EnabledIfSystemProperty(named = "blobsfile.bench", matches = "true")
class IndexLoadComparison {
    private static final int BATCH = 4_096;
    private static final int VALUE_LENGTH = 25;
    private static final int LOOKUPS = 200_000;

    @TempDir
    Path tmp;

    record Result(String name, double insertSeconds, double closeSeconds, long bytesAfterLoad, long bytesAfterClose,
                  double hitMicros, double missMicros, double scanSeconds) {
    }

    @Test
    void rocksDbAndH2SideBySide() throws IOException {
        int entries = Integer.getInteger("blobsfile.bench.entries", 1_000_000);
        Random random = new Random(42);
        byte[][] keys = new byte[entries][32];
        byte[][] values = new byte[entries][VALUE_LENGTH];
        for (int i = 0; i < entries; i++) {
            random.nextBytes(keys[i]);
            // values shaped like the store's: small integers, mostly zero bytes
            values[i][0] = 1;
            values[i][1] = (byte) (i % 7);
            values[i][5] = (byte) random.nextInt(256);
            values[i][6] = (byte) random.nextInt(256);
            values[i][13] = (byte) random.nextInt(256);
        }
        byte[][] misses = new byte[LOOKUPS][32];
        for (byte[] m : misses) {
            random.nextBytes(m);
        }
        // one warm-up pass of each on a tenth of the load, so neither pays for class loading and JIT alone
        for (IndexProvider p : List.of(new RocksDbIndexProvider(), new H2IndexProvider())) {
            run(p, tmp.resolve("warmup-" + p.name()), keys, values, misses, entries / 10);
        }
        Result rocks = run(new RocksDbIndexProvider(), tmp.resolve("rocksdb"), keys, values, misses, entries);
        Result h2 = run(new H2IndexProvider(), tmp.resolve("h2"), keys, values, misses, entries);
        System.out.printf("%n%,d entries, batches of %,d, %,d lookups%n", entries, BATCH, LOOKUPS);
        System.out.printf("%-8s %10s %9s %12s %12s %10s %10s %9s%n", "index", "insert s", "close s", "MB loaded",
                "MB closed", "hit us", "miss us", "scan s");
        for (Result r : List.of(rocks, h2)) {
            System.out.printf("%-8s %10.2f %9.2f %12.1f %12.1f %10.2f %10.2f %9.2f%n", r.name(), r.insertSeconds(),
                    r.closeSeconds(), r.bytesAfterLoad() / 1e6, r.bytesAfterClose() / 1e6, r.hitMicros(), r.missMicros(),
                    r.scanSeconds());
        }
        System.out.printf("h2/rocksdb: insert %.2fx, size after close %.2fx%n", h2.insertSeconds() / rocks.insertSeconds(),
                (double) h2.bytesAfterClose() / rocks.bytesAfterClose());
    }

    private static Result run(IndexProvider provider, Path dir, byte[][] keys, byte[][] values, byte[][] misses, int n)
            throws IOException {
        BlobIndex index = provider.open(dir);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i += BATCH) {
            IndexBatch batch = new IndexBatch();
            for (int j = i; j < Math.min(n, i + BATCH); j++) {
                batch.put(keys[j], values[j]);
            }
            index.write(batch);
        }
        double insert = (System.nanoTime() - t0) / 1e9;
        long loaded = sizeOf(dir);

        Random random = new Random(7);
        int lookups = Math.min(LOOKUPS, n);
        long t1 = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            int k = random.nextInt(n);
            if (!Arrays.equals(index.get(keys[k]), values[k])) {
                throw new AssertionError(provider.name() + " lost key " + k);
            }
        }
        double hit = (System.nanoTime() - t1) / 1e3 / lookups;
        long t2 = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            if (index.get(misses[i]) != null) {
                throw new AssertionError(provider.name() + " found a key never written");
            }
        }
        double miss = (System.nanoTime() - t2) / 1e3 / lookups;
        long t3 = System.nanoTime();
        long scanned = 0;
        byte[] from = new byte[0];
        while (true) {
            List<IndexRecord> page = index.scan(from, BATCH);
            scanned += page.size();
            if (page.size() < BATCH) {
                break;
            }
            byte[] last = page.get(page.size() - 1).key();
            from = Arrays.copyOf(last, last.length + 1);
        }
        double scan = (System.nanoTime() - t3) / 1e9;
        assertThat(scanned).as("%s keys scanned", provider.name()).isEqualTo(n);
        long t4 = System.nanoTime();
        index.close();
        double close = (System.nanoTime() - t4) / 1e9;
        return new Result(provider.name(), insert, close, loaded, sizeOf(dir), hit, miss, scan);
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
