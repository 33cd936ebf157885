package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.small;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.Range;
import org.blobsfile.api.StoreStats;
import org.blobsfile.core.PackInspector;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @Test
    void putThenGetReturnsTheBytesAndTheirHash() {
        byte[] data = "hello, blobs".getBytes();
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            BlobRef ref = store.put(data);
            assertThat(ref.bytes()).isEqualTo(Blake2b.hash(data, 0, data.length));
            assertThat(store.get(ref)).isEqualTo(data);
            assertThat(store.exists(ref)).isTrue();
            assertThat(store.size(ref)).isEqualTo(data.length);
        }
    }

    @Test
    void theEmptyBlobIsStoredAsAnEmptyPayload() {
        try (BlobStore store = small(tmp).open()) {
            BlobRef ref = store.put(new byte[0]);
            assertThat(ref.hex()).isEqualTo("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
            assertThat(store.get(ref)).isEmpty();
        }
    }

    @Test
    void aDuplicatePutWritesNothing() throws Exception {
        byte[] data = random(new Random(SEED.seed(1)), 5000);
        try (BlobStore store = small(tmp).open()) {
            store.put(data);
            long size = Files.size(tmp.resolve("blobs-00000"));
            store.put(data);
            store.put(BlobRef.of(Blake2b.hash(data, 0, data.length)), data);
            assertThat(Files.size(tmp.resolve("blobs-00000"))).isEqualTo(size);
            StoreStats s = store.stats();
            assertThat(s.blobs()).isEqualTo(1);
            assertThat(s.puts()).isEqualTo(3);
            assertThat(s.dedupedPuts()).isEqualTo(2);
        }
    }

    @Test
    void putAllStoresEachDistinctBlobOnceInOrder() {
        Random rnd = new Random(SEED.seed(2));
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            blobs.add(random(rnd, rnd.nextInt(3000)));
        }
        blobs.add(blobs.get(3));
        try (BlobStore store = small(tmp).open()) {
            List<BlobRef> refs = store.putAll(blobs);
            assertThat(refs).hasSize(51);
            assertThat(refs.get(50)).isEqualTo(refs.get(3));
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            assertThat(store.stats().blobs()).isEqualTo(50);
            assertThat(store.stats().packs()).as("64 KiB packs roll over").isGreaterThan(1);
            assertThat(store.stats().forces()).as("one force per pack written, one for the batch")
                    .isEqualTo(store.stats().packs());
        }
    }

    @Test
    void aLargePutAllIsHashedAndCompressedOnEveryCoreAndStoredInOrder() {
        Random rnd = new Random(SEED.seed(12));
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blobs.add(i % 2 == 0 ? text(rnd, 30_000 + rnd.nextInt(30_000)) : random(rnd, 30_000 + rnd.nextInt(30_000)));
        }
        blobs.add(blobs.get(0));
        try (BlobStore store = BlobStore.builder(tmp).codec("snappy").open()) {
            List<BlobRef> refs = store.putAll(blobs);
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(refs.get(i).bytes()).isEqualTo(Blake2b.hash(blobs.get(i), 0, blobs.get(i).length));
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            List<BlobInfo> infos = store.enumerate().toList();
            assertThat(infos).hasSize(40);
            // appended in the caller's order: offsets grow with the position in the batch
            long previous = -1;
            for (int i = 0; i < 40; i++) {
                BlobRef r = refs.get(i);
                long offset = infos.stream().filter(b -> b.ref().equals(r)).findFirst().orElseThrow().offset();
                assertThat(offset).isGreaterThan(previous);
                previous = offset;
            }
            assertThat(store.stats().dedupedPuts()).isEqualTo(1);
        }
    }

    @Test
    void blobsSurviveReopenAndRollover() {
        Random rnd = new Random(SEED.seed(3));
        List<byte[]> blobs = new ArrayList<>();
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = small(tmp).open()) {
            for (int i = 0; i < 200; i++) {
                byte[] b = random(rnd, rnd.nextInt(4000));
                blobs.add(b);
                refs.add(store.put(b));
            }
            assertThat(store.stats().packs()).isGreaterThan(5);
        }
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            assertThat(store.stats().maxPackSize()).as("recorded at creation").isEqualTo(64 * 1024);
            assertThat(store.stats().indexRebuilds()).isZero();
            assertThat(store.stats().recoveredEntries()).isZero();
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            byte[] more = random(rnd, 100);
            assertThat(store.get(store.put(more))).isEqualTo(more);
        }
    }

    @Test
    void everyFullPackEndsWithAnEofEntryAndPaddingToThePackSize() throws Exception {
        Random rnd = new Random(SEED.seed(4));
        long max = 64 * 1024;
        try (BlobStore store = small(tmp).open()) {
            for (int i = 0; i < 100; i++) {
                store.put(random(rnd, 1 + rnd.nextInt(5000)));
            }
        }
        int packs = (int) Files.list(tmp).filter(p -> p.getFileName().toString().startsWith("blobs-")).count();
        for (int n = 0; n < packs - 1; n++) {
            PackInspector.Report r = PackInspector.inspect(tmp.resolve(PackFormat.fileName(n)));
            assertThat(r.problems()).isEmpty();
            PackInspector.Entry eof = r.entries().stream().filter(e -> e.kind().equals("eof")).findFirst().orElseThrow();
            assertThat(eof.offset() + EntryHeader.LENGTH + eof.storedSize()).isEqualTo(max);
            assertThat(Files.size(tmp.resolve(PackFormat.fileName(n)))).isGreaterThanOrEqualTo(max);
        }
    }

    @Test
    void compressesWithTheCodecOnlyWhenItShrinksTheBlob() {
        Random rnd = new Random(SEED.seed(5));
        byte[] compressible = text(rnd, 20_000);
        byte[] incompressible = random(rnd, 20_000);
        try (BlobStore store = BlobStore.builder(tmp).codec("snappy").open()) {
            BlobRef a = store.put(compressible);
            BlobRef b = store.put(incompressible);
            BlobInfo ia = store.enumerate(Range.all().from(a).limit(1)).findFirst().orElseThrow();
            BlobInfo ib = store.enumerate(Range.all().from(b).limit(1)).findFirst().orElseThrow();
            assertThat(ia.codecId()).isEqualTo(1);
            assertThat(ia.storedSize()).isLessThan(compressible.length);
            assertThat(ib.codecId()).as("stored plain").isZero();
            assertThat(ib.storedSize()).isEqualTo(incompressible.length);
            assertThat(store.get(a)).isEqualTo(compressible);
            assertThat(store.get(b)).isEqualTo(incompressible);
        }
        try (BlobStore store = BlobStore.builder(tmp).codec("none").open()) {
            assertThat(store.get(BlobRef.of(Blake2b.hash(compressible, 0, compressible.length)))).isEqualTo(compressible);
        }
    }

    @Test
    void enumerateIsOrderedAndHonoursRangePrefixAndLimit() {
        Random rnd = new Random(SEED.seed(6));
        TreeSet<BlobRef> all = new TreeSet<>();
        try (BlobStore store = small(tmp).durability(Durability.NONE).open()) {
            for (int i = 0; i < 3000; i++) {
                all.add(store.put(random(rnd, 1 + rnd.nextInt(40))));
            }
            assertThat(store.enumerate().map(BlobInfo::ref).toList()).containsExactlyElementsOf(all);
            assertThat(store.enumerate(Range.all().limit(7)).count()).isEqualTo(7);
            for (String prefix : List.of("a", "0", "ff", "7c3", "f")) {
                assertThat(store.enumerate(Range.prefix(prefix)).map(BlobInfo::ref).toList()).as(prefix)
                        .containsExactlyElementsOf(all.stream().filter(r -> r.hex().startsWith(prefix)).toList());
            }
            List<BlobRef> sorted = new ArrayList<>(all);
            BlobRef from = sorted.get(100);
            BlobRef to = sorted.get(1500);
            assertThat(store.enumerate(Range.all().from(from).to(to)).map(BlobInfo::ref).toList())
                    .containsExactlyElementsOf(sorted.subList(100, 1500));
            assertThat(store.enumerate(Range.prefix("A").limit(3)).map(r -> r.ref().hex().charAt(0)).distinct().toList())
                    .containsExactly('a');
        }
    }

    @Test
    void rebuildIndexRestoresEveryBlobFromThePacks() throws Exception {
        Random rnd = new Random(SEED.seed(7));
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = small(tmp).codec("snappy").open()) {
            for (int i = 0; i < 300; i++) {
                refs.add(store.put(i % 2 == 0 ? text(rnd, rnd.nextInt(3000)) : random(rnd, rnd.nextInt(3000))));
            }
            StoreStats before = store.stats();
            store.rebuildIndex();
            StoreStats after = store.stats();
            assertThat(after.blobs()).isEqualTo(before.blobs());
            assertThat(after.bytes()).isEqualTo(before.bytes());
            assertThat(after.storedBytes()).isEqualTo(before.storedBytes());
            for (BlobRef r : refs) {
                assertThat(store.exists(r)).isTrue();
            }
        }
        // an index deleted behind the store's back is rebuilt at the next open
        deleteRecursively(tmp.resolve("index-rocksdb"));
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            assertThat(store.stats().indexRebuilds()).isEqualTo(1);
            assertThat(store.enumerate().count()).isEqualTo(new TreeSet<>(refs).size());
            for (BlobRef r : refs) {
                assertThat(store.size(r)).isEqualTo(store.get(r).length);
            }
        }
    }

    static void deleteRecursively(Path p) throws Exception {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
