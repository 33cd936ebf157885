package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Damage;
import org.blobsfile.api.IndexFinding;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.index.StoreIndex;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.PluginRegistry;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The index follows the packs: after repair and quarantine it holds exactly the verified blobs of
 * the live packs, verify reports where it does not, and a rebuild that fails leaves it as it was.
 */
class IndexFollowsPacksTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    /** Not a multiple of ten, as the default pack size is not. */
    private static final long PACK = 100_003;

    @TempDir
    Path tmp;

    /** A header field of an entry, as damage hits it. */
    enum Field {
        SIZE(EntryHeader.SIZE, 4), FLAG(EntryHeader.FLAG, 1), CODEC(EntryHeader.CODEC, 1), HASH(EntryHeader.HASH, 32);

        final int offset;
        final int length;

        Field(int offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    /** Fills a store with blobs of mixed kinds until at least two packs are sealed; returns them by reference. */
    private static Map<BlobRef, byte[]> sealedStore(Path dir, Random rnd, String codec, int blobs) {
        Map<BlobRef, byte[]> all = new LinkedHashMap<>();
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(PACK).codec(codec).open()) {
            while (all.size() < blobs || store.sealedPacks().size() < 2) {
                byte[] b = rnd.nextBoolean() ? random(rnd, 1 + rnd.nextInt(5000)) : text(rnd, 1 + rnd.nextInt(9000));
                all.put(store.put(b), b);
            }
        }
        return all;
    }

    private static List<BlobInfo> listing(Path dir) {
        try (BlobStore store = BlobStore.builder(dir).open()) {
            return store.enumerate().toList();
        }
    }

    /** @return the blob entries of a pack file, in file order */
    private static List<PackScanner.Entry> entries(Path pack) throws IOException {
        List<PackScanner.Entry> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            new PackScanner(pack, ch, ch.size(), PackGeometry.of(PACK)).scan(PackFormat.HEADER_SIZE, (e, s) -> out.add(e));
        }
        return out;
    }

    /** Changes a header field of {@code e} so that it no longer says what it said. */
    private static void damage(Path pack, PackScanner.Entry e, Field f, Random rnd) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            byte[] b = new byte[f.length];
            PositionalIo.readFully(ch, e.offset() + f.offset, b, 0, b.length);
            int i = rnd.nextInt(b.length);
            b[i] ^= (byte) (1 << rnd.nextInt(8));
            PositionalIo.writeFully(ch, e.offset() + f.offset, ByteBuffer.wrap(b));
        }
    }

    /** Everything the index must say once it follows the packs again. */
    private static void assertFollows(BlobStore store, List<BlobInfo> truth, Map<BlobRef, byte[]> all) {
        assertThat(store.enumerate().toList()).as("the index after the operation").containsExactlyElementsOf(truth);
        for (BlobInfo b : truth) {
            assertThat(store.get(b.ref())).as("blob %s", b.ref()).isEqualTo(all.get(b.ref()));
        }
        assertThat(store.stats().blobs()).isEqualTo(truth.size());
        assertThat(store.stats().bytes()).isEqualTo(truth.stream().mapToLong(BlobInfo::size).sum());
        assertThat(store.stats().storedBytes()).isEqualTo(truth.stream().mapToLong(BlobInfo::storedSize).sum());
        VerifyReport v = store.verify();
        assertThat(v.damage()).isEmpty();
        assertThat(v.index()).isEmpty();
    }

    @ParameterizedTest(name = "{0} damaged, reindexed first: {1}")
    @CsvSource({"SIZE, true", "SIZE, false", "FLAG, true", "CODEC, true", "HASH, true", "HASH, false"})
    void repairOfADamagedEntryHeaderLeavesTheIndexOfARebuild(Field field, boolean reindexFirst) throws Exception {
        Random rnd = new Random(SEED.seed(field.ordinal() * 2L + (reindexFirst ? 1 : 0)));
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> all = sealedStore(dir, rnd, "snappy", 60);
        List<BlobInfo> truth = listing(dir);
        Path pack0 = dir.resolve("blobs-00000");
        List<PackScanner.Entry> es = entries(pack0);
        PackScanner.Entry hit = es.get(es.size() / 2);
        if (field == Field.CODEC) {
            hit = es.stream().filter(e -> e.codecId() != 0).skip(es.size() / 4).findFirst()
                    .orElseThrow(() -> new AssertionError("no compressed entry"));
        }
        damage(pack0, hit, field, rnd);
        try (BlobStore store = BlobStore.builder(dir).open()) {
            if (reindexFirst) {
                store.rebuildIndex();
                if (field == Field.HASH) {
                    assertThat(store.enumerate().toList()).as("the rebuild read the damaged hash").isNotEqualTo(truth);
                } else {
                    // a damaged size, flag or codec byte costs nothing: the walk recovers the entry by its hash
                    assertThat(store.enumerate().toList()).as("the rebuild recovered the entry").isEqualTo(truth);
                }
            }
            RepairReport r = store.repair();
            assertThat(r.repaired()).containsExactly(pack0.toAbsolutePath());
            assertFollows(store, truth, all);
            store.rebuildIndex();
            assertThat(store.enumerate().toList()).as("a rebuild from the repaired packs").containsExactlyElementsOf(truth);
        }
    }

    @Test
    void aHealingReadsBackgroundRepairMakesTheIndexFollowThePack() throws Exception {
        Random rnd = new Random(SEED.seed(5));
        Path dir = tmp.resolve("heal");
        Map<BlobRef, byte[]> all = sealedStore(dir, rnd, "none", 60);
        List<BlobInfo> truth = listing(dir);
        Path pack0 = dir.resolve("blobs-00000");
        List<PackScanner.Entry> es = entries(pack0);
        // the size field of one entry and the payload of a later one: the index is rebuilt past the
        // first, then a read of the second heals it and queues the repair
        PackScanner.Entry sized = es.get(es.size() / 3);
        PackScanner.Entry read = es.get(es.size() / 3 - 1);
        damage(pack0, sized, Field.SIZE, rnd);
        try (FileChannel ch = FileChannel.open(pack0, StandardOpenOption.WRITE)) {
            PositionalIo.writeFully(ch, read.payloadOffset(), ByteBuffer.wrap(new byte[] {(byte) 0xA5, 0x5A, 1, 2}));
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            store.rebuildIndex();
            BlobRef ref = BlobRef.of(read.hash());
            assertThat(store.get(ref)).isEqualTo(all.get(ref));
        } // close waits for the background repair and the index changes it queues
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertFollows(store, truth, all);
        }
    }

    @Test
    void verifyReportsStaleAndMissingEntriesAndAReindexClearsThem() throws Exception {
        Random rnd = new Random(SEED.seed(9));
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Map<BlobRef, byte[]> inA = sealedStore(a, rnd, "none", 40);
        Map<BlobRef, byte[]> inB = sealedStore(b, rnd, "none", 40);
        List<PackScanner.Entry> aPack0 = entries(a.resolve("blobs-00000"));
        List<PackScanner.Entry> bPack0 = entries(b.resolve("blobs-00000"));
        // a pack replaced behind the store's back: a valid sealed pack, but not the one indexed
        Files.copy(b.resolve("blobs-00000"), a.resolve("blobs-00000"), StandardCopyOption.REPLACE_EXISTING);
        try (BlobStore store = BlobStore.builder(a).open()) {
            VerifyReport v = store.verify();
            assertThat(v.damage()).isEmpty();
            assertThat(v.isClean()).isFalse();
            assertThat(v.index()).filteredOn(f -> f.kind() == IndexFinding.Kind.STALE)
                    .extracting(IndexFinding::blob)
                    .containsExactlyInAnyOrderElementsOf(aPack0.stream().map(e -> BlobRef.of(e.hash())).toList());
            assertThat(v.index()).filteredOn(f -> f.kind() == IndexFinding.Kind.MISSING)
                    .extracting(IndexFinding::blob, IndexFinding::offset)
                    .containsExactlyInAnyOrderElementsOf(bPack0.stream()
                            .map(e -> org.assertj.core.groups.Tuple.tuple(BlobRef.of(e.hash()), e.offset())).toList());
            assertThat(v.index()).allMatch(f -> f.pack().getFileName().toString().equals("blobs-00000"));

            store.rebuildIndex();
            // the blobs of the replaced pack are gone: the rebuild names them in a note, which
            // verify reports until the loss is accepted by removing it
            VerifyReport after = store.verify();
            assertThat(after.index()).isEmpty();
            Path note = after.damage().stream().map(Damage::pack).filter(p -> p.toString().contains("lost+found"))
                    .findFirst().orElseThrow();
            assertThat(after.damage()).hasSize(1);
            String named = Files.readString(note);
            assertThat(aPack0).allMatch(e -> inB.containsKey(BlobRef.of(e.hash())) || named.contains(BlobRef.of(e.hash()).hex()));
            Files.delete(note);
            assertThat(store.verify().isClean()).isTrue();
            for (PackScanner.Entry e : bPack0) {
                BlobRef ref = BlobRef.of(e.hash());
                assertThat(store.get(ref)).isEqualTo(inB.get(ref));
            }
            assertThat(store.exists(BlobRef.of(aPack0.get(0).hash()))).isFalse();
        }
        assertThat(inA).isNotEmpty();
    }

    @Test
    void quarantineSalvagesTheVerifiedBlobsTheIndexDidNotKnowAndLeavesNoStaleKey() throws Exception {
        Random rnd = new Random(SEED.seed(13));
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        sealedStore(a, rnd, "none", 40);
        Map<BlobRef, byte[]> inB = sealedStore(b, rnd, "none", 40);
        Files.copy(b.resolve("blobs-00000"), a.resolve("blobs-00000"), StandardCopyOption.REPLACE_EXISTING);
        Path pack0 = a.resolve("blobs-00000");
        List<PackScanner.Entry> bPack0 = entries(pack0);
        long shard = PackGeometry.of(PACK).shardSize();
        List<BlobRef> smashed = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(pack0, StandardOpenOption.WRITE)) {
            for (int s : new int[] {2, 5, 8}) { // beyond what two parity shards can rebuild
                PositionalIo.writeFully(ch, s * shard + 500, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
                for (PackScanner.Entry e : bPack0) {
                    if (e.offset() <= s * shard + 508 && s * shard + 500 < e.end()) {
                        smashed.add(BlobRef.of(e.hash()));
                    }
                }
            }
        }
        try (BlobStore store = BlobStore.builder(a).open()) {
            RepairReport r = store.repair();
            assertThat(r.quarantined()).hasSize(1);
            VerifyReport v = store.verify();
            assertThat(v.index()).as("no key left in the tombstone, none missing").isEmpty();
            assertThat(v.isClean()).isTrue();
            for (PackScanner.Entry e : bPack0) {
                BlobRef ref = BlobRef.of(e.hash());
                if (!smashed.contains(ref)) {
                    assertThat(store.get(ref)).as("salvaged %s", ref).isEqualTo(inB.get(ref));
                }
            }
            assertThat(store.enumerate().filter(i -> i.pack() == 0).toList()).isEmpty();
            assertThat(store.stats().blobs()).isEqualTo(store.enumerate().count());
        }
    }

    @Test
    void quarantineCopiesTheIndexedBlobsPastADamagedHeaderFromWhereTheIndexPutsThem() throws Exception {
        Random rnd = new Random(SEED.seed(29));
        Path dir = tmp.resolve("q");
        Map<BlobRef, byte[]> all = sealedStore(dir, rnd, "none", 60);
        Path pack0 = dir.resolve("blobs-00000");
        List<PackScanner.Entry> es = entries(pack0);
        long shard = PackGeometry.of(PACK).shardSize();
        // a size field that sends the walk past the data area, and payload damage in two other
        // shards: three damaged shards, beyond what parity rebuilds
        PackScanner.Entry sized = es.get(es.size() / 2);
        try (FileChannel ch = FileChannel.open(pack0, StandardOpenOption.WRITE)) {
            PositionalIo.writeFully(ch, sized.offset() + EntryHeader.SIZE + 3, ByteBuffer.wrap(new byte[] {0x40}));
        }
        int sizedShard = (int) (sized.offset() / shard);
        List<BlobRef> smashed = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(pack0, StandardOpenOption.WRITE)) {
            for (int s : new int[] {(sizedShard + 3) % 10, (sizedShard + 6) % 10}) {
                long at = s * shard + shard / 2;
                PositionalIo.writeFully(ch, at, ByteBuffer.wrap(new byte[] {9, 9, 9, 9}));
                for (PackScanner.Entry e : es) {
                    if (e.offset() <= at + 4 && at < e.end()) {
                        smashed.add(BlobRef.of(e.hash()));
                    }
                }
            }
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            RepairReport r = store.repair();
            assertThat(r.quarantined()).hasSize(1);
            assertThat(r.lost()).as("only the blobs whose bytes were hit").isSubsetOf(smashed);
            for (Map.Entry<BlobRef, byte[]> e : all.entrySet()) {
                if (!smashed.contains(e.getKey())) {
                    assertThat(store.get(e.getKey())).as("blob %s", e.getKey()).isEqualTo(e.getValue());
                }
            }
            assertThat(store.get(BlobRef.of(sized.hash()))).as("the entry whose size field was hit")
                    .isEqualTo(all.get(BlobRef.of(sized.hash())));
            VerifyReport v = store.verify();
            assertThat(v.isClean()).as("%s %s", v.damage(), v.index()).isTrue();
            assertThat(store.stats().blobs()).isEqualTo(all.size() - r.lost().size());
        }
    }

    /** The RocksDB index, whose writes fail while {@link #failing} is set, in an index being rebuilt only. */
    static final class FailingRebuilds implements IndexProvider {
        volatile boolean failing;

        private static IndexProvider rocksdb() {
            return PluginRegistry.indexes().forName("rocksdb");
        }

        @Override
        public String name() {
            return "rocksdb";
        }

        @Override
        public BlobIndex open(Path directory) throws IOException {
            BlobIndex inner = rocksdb().open(directory);
            boolean aside = directory.getFileName().toString().endsWith(StoreIndex.REBUILDING);
            return new BlobIndex() {
                @Override
                public byte[] get(byte[] key) throws IOException {
                    return inner.get(key);
                }

                @Override
                public void write(IndexBatch batch) throws IOException {
                    if (aside && failing) {
                        throw new IOException("no space left on device (test)");
                    }
                    inner.write(batch);
                }

                @Override
                public List<IndexRecord> scan(byte[] fromInclusive, int limit) throws IOException {
                    return inner.scan(fromInclusive, limit);
                }

                @Override
                public byte[] getMeta(String name) throws IOException {
                    return inner.getMeta(name);
                }

                @Override
                public void close() throws IOException {
                    inner.close();
                }
            };
        }

        @Override
        public void destroy(Path directory) throws IOException {
            rocksdb().destroy(directory);
        }
    }

    private static List<String> storeEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("index-")).sorted().toList();
        }
    }

    @Test
    void aReindexThatFailsMidwayLeavesTheOldIndexInUse() throws Exception {
        Random rnd = new Random(SEED.seed(17));
        Path dir = tmp.resolve("r");
        Map<BlobRef, byte[]> all = sealedStore(dir, rnd, "none", 40);
        List<BlobInfo> truth = listing(dir);
        FailingRebuilds provider = new FailingRebuilds();
        try (BlobStore store = BlobStore.builder(dir).index(provider).open()) {
            provider.failing = true;
            assertThatThrownBy(store::rebuildIndex).isInstanceOf(StorageIOException.class);
            assertThat(storeEntries(dir)).containsExactly("index-rocksdb");
            assertFollows(store, truth, all);
            BlobRef added = store.put(new byte[] {42});
            provider.failing = false;
            store.rebuildIndex();
            assertThat(store.exists(added)).isTrue();
            assertThat(store.enumerate().count()).isEqualTo(truth.size() + 1);
        }
        assertThat(storeEntries(dir)).containsExactly("index-rocksdb");
    }

    @Test
    void aRebuildInterruptedAsItReplacedTheIndexIsSettledAtOpen() throws Exception {
        Random rnd = new Random(SEED.seed(19));
        Path dir = tmp.resolve("i");
        Map<BlobRef, byte[]> all = sealedStore(dir, rnd, "none", 30);
        List<BlobInfo> truth = listing(dir);
        // the old index renamed aside, the new one not yet in place: a half-built one beside it
        Files.move(dir.resolve("index-rocksdb"), dir.resolve("index-rocksdb" + StoreIndex.REPLACED));
        Files.createDirectories(dir.resolve("index-rocksdb" + StoreIndex.REBUILDING));
        Files.writeString(dir.resolve("index-rocksdb" + StoreIndex.REBUILDING).resolve("junk"), "half");
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(storeEntries(dir)).containsExactly("index-rocksdb");
            assertFollows(store, truth, all);
        }
    }

    /**
     * Random stores, random damage to a sealed pack (header fields or byte runs in one or two
     * shards, or in three, beyond repair), an index rebuilt over the damage, lost, or kept, then
     * repair: the index must equal a rebuild from the packs, every blob it lists must read, and
     * every blob the store knew either reads or is reported lost.
     */
    @Test
    void afterRandomDamageAndRepairTheIndexEqualsARebuildAndEveryVerifiedBlobReads() throws Exception {
        Random rnd = SEED.random();
        int cases = Cases.scaled(8);
        for (int c = 0; c < cases; c++) {
            Path dir = tmp.resolve("g" + c);
            String codec = rnd.nextBoolean() ? "snappy" : "none";
            Map<BlobRef, byte[]> all = sealedStore(dir, rnd, codec, 20 + rnd.nextInt(60));
            List<BlobInfo> truth = listing(dir);
            int sealed = truth.stream().mapToInt(BlobInfo::pack).max().orElseThrow();
            int n = rnd.nextInt(sealed); // the last pack with blobs may be the active one
            Path pack = dir.resolve(PackFormat.fileName(n));
            List<PackScanner.Entry> es = entries(pack);
            int kind = rnd.nextInt(5);
            String what;
            if (kind < 2) {
                Field f = Field.values()[rnd.nextInt(Field.values().length)];
                PackScanner.Entry e = es.get(rnd.nextInt(es.size()));
                damage(pack, e, f, rnd);
                what = f + " of the entry at " + e.offset();
            } else {
                long shard = PackGeometry.of(PACK).shardSize();
                int shards = kind == 4 ? 3 : 1 + rnd.nextInt(2);
                StringBuilder sb = new StringBuilder("runs in shards");
                try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
                    int s = rnd.nextInt(10);
                    for (int k = 0; k < shards; k++) {
                        s = kind == 4 ? (s + 3) % 10 : rnd.nextInt(10); // beyond repair: three distinct shards
                        long at = s * shard + rnd.nextInt((int) shard - 64);
                        PositionalIo.writeFully(ch, at, ByteBuffer.wrap(random(rnd, 1 + rnd.nextInt(48))));
                        sb.append(' ').append(s).append('@').append(at);
                    }
                }
                what = sb.toString();
            }
            int index = rnd.nextInt(3);
            if (index == 2) {
                deleteRecursively(dir.resolve("index-rocksdb"));
                what += ", index deleted";
            }
            try (BlobStore store = BlobStore.builder(dir).open()) {
                if (index == 1) {
                    store.rebuildIndex();
                    what += ", index rebuilt over the damage";
                }
                String at = "case " + c + ": pack " + n + ", " + what;
                List<BlobInfo> known = store.enumerate().toList();
                RepairReport r = store.repair();
                if (kind != 4) {
                    assertThat(r.quarantined()).as(at).isEmpty();
                }
                List<BlobInfo> now = store.enumerate().toList();
                assertThat(store.verify().isClean()).as(at).isTrue();
                assertThat(store.stats().blobs()).as(at).isEqualTo(now.size());
                store.rebuildIndex();
                assertThat(now).as("%s: the index after repair against a rebuild", at)
                        .containsExactlyElementsOf(store.enumerate().toList());
                for (BlobInfo b : now) {
                    assertThat(store.get(b.ref())).as(at).isEqualTo(all.get(b.ref()));
                }
                if (r.quarantined().isEmpty()) {
                    assertThat(now).as(at).containsExactlyElementsOf(truth);
                } else {
                    // the blobs the store knew; those a damaged header hid from an index built over
                    // the damage are found again only once the pack walk resynchronises after it
                    for (BlobInfo b : known) {
                        assertThat(store.exists(b.ref()) || r.lost().contains(b.ref()))
                                .as("%s: blob %s neither reads nor is reported lost", at, b.ref()).isTrue();
                    }
                }
            }
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
