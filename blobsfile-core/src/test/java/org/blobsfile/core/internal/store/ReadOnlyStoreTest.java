package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.ReadOnlyStoreException;
import org.blobsfile.api.StoreLockedException;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.DirectorySnapshot;
import org.blobsfile.core.testing.GatedIndexProvider;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A store opened read-only serves every blob and changes no file: not the packs (a torn tail is
 * left as it is), not the index (opened read-only, or built in memory when it cannot be), no
 * lock file, marker or config. Real files, a real RocksDB index.
 */
class ReadOnlyStoreTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("store");
    }

    /** Fills a store with 64 KiB packs over several packs, some sealed, and closes it. */
    private Map<BlobRef, byte[]> filled(int count) {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        try (BlobStore store = StoreTestSupport.small(dir()).open()) {
            for (int i = 0; i < count; i++) {
                byte[] b = StoreTestSupport.random(rnd, rnd.nextInt(6000));
                blobs.put(store.put(b), b);
            }
        }
        return blobs;
    }

    private BlobStore openReadOnly() {
        return BlobStore.builder(dir()).readOnly().open();
    }

    /** Reads everything a read command can, and checks it against what was put. */
    private static void assertServes(BlobStore store, Map<BlobRef, byte[]> blobs) {
        for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
            assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            assertThat(store.exists(e.getKey())).isTrue();
            assertThat(store.size(e.getKey())).isEqualTo(e.getValue().length);
        }
        List<BlobRef> listed;
        try (Stream<BlobInfo> s = store.enumerate()) {
            listed = s.map(BlobInfo::ref).toList();
        }
        assertThat(listed).containsExactlyElementsOf(blobs.keySet().stream().sorted().toList());
        assertThat(store.stats().blobs()).isEqualTo(blobs.size());
        VerifyReport report = store.verify();
        assertThat(report.damage()).isEmpty();
    }

    @Test
    void aReadOnlyStoreServesEveryBlobAndChangesNoFile() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(60);
        Map<String, String> before = DirectorySnapshot.of(dir());

        try (BlobStore store = openReadOnly()) {
            assertThat(store.stats().packs()).isGreaterThan(2);
            assertThat(store.sealedPacks()).isNotEmpty();
            assertServes(store, blobs);
            assertThat(store.stats().indexRebuilds()).as("the index on disk was used").isZero();
            assertThat(Files.exists(dir().resolve(StoreOpener.DIRTY))).isFalse();
        }

        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @Test
    void aReadOnlyStoreRefusesEveryWriteWithOneSentence() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(10);
        Map<String, String> before = DirectorySnapshot.of(dir());
        byte[] fresh = {1, 2, 3};

        try (BlobStore store = openReadOnly()) {
            assertThatThrownBy(() -> store.put(fresh)).isInstanceOf(ReadOnlyStoreException.class)
                    .hasMessageContaining("read-only").hasMessageContaining("put");
            assertThatThrownBy(() -> store.put(BlobRef.of(org.blobsfile.core.internal.hash.Blake2b.hash(fresh, 0, 3)),
                    fresh)).isInstanceOf(ReadOnlyStoreException.class);
            assertThatThrownBy(() -> store.putAll(List.of(fresh))).isInstanceOf(ReadOnlyStoreException.class);
            assertThatThrownBy(store::repair).isInstanceOf(ReadOnlyStoreException.class);
            assertThatThrownBy(store::rebuildIndex).isInstanceOf(ReadOnlyStoreException.class)
                    .hasMessageNotContaining("\n");
            assertThat(store.stats().blobs()).isEqualTo(blobs.size());
        }

        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTornTailIsLeftAsItIsAndTheBlobsBeforeItServe(boolean withIndex) throws IOException {
        Map<BlobRef, byte[]> blobs = filled(25);
        Path active = lastPack();
        long intactLength = Files.size(active);
        byte[] payload = StoreTestSupport.random(new Random(SEED.seed(3)), 3000);
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer[] entry = StoreTestSupport.plainEntry(payload);
            ch.write(entry[0]);
            ch.write(ByteBuffer.wrap(payload, 0, 1000)); // the write stopped a third of the way in
        }
        if (!withIndex) {
            deleteTree(dir().resolve("index-rocksdb"));
        }
        Map<String, String> before = DirectorySnapshot.of(dir());

        try (BlobStore store = openReadOnly()) {
            assertServes(store, blobs);
            assertThat(store.stats().truncatedBytes()).isZero();
        }

        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
        assertThat(Files.size(active)).isEqualTo(intactLength + EntryHeader.LENGTH + 1000);
        try (BlobStore store = StoreTestSupport.small(dir()).open()) {
            assertThat(store.stats().truncatedBytes()).as("a writable open cuts what read-only left")
                    .isEqualTo(EntryHeader.LENGTH + 1000);
        }
    }

    @Test
    void anIndexWithoutItsNewestBlobsGetsThemFromThePacksInMemory() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(30);
        // puts through the other index leave the rocksdb checkpoint behind the packs
        Random rnd = new Random(SEED.seed(2));
        try (BlobStore store = StoreTestSupport.small(dir()).index(new GatedIndexProvider()).open()) {
            for (int i = 0; i < 30; i++) {
                byte[] b = StoreTestSupport.random(rnd, rnd.nextInt(6000));
                blobs.put(store.put(b), b);
            }
        }
        Map<String, String> before = DirectorySnapshot.of(dir());

        try (BlobStore store = openReadOnly()) {
            assertServes(store, blobs);
            assertThat(store.stats().recoveredEntries()).isPositive();
            assertThat(store.stats().indexRebuilds()).isZero();
        }

        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @Test
    void anIndexPathThatCannotBeOpenedIsBuiltInMemoryAndLeftAlone() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(30);
        Path index = dir().resolve("index-rocksdb");
        deleteTree(index);
        Files.write(index, new byte[] {42}); // a file where the directory should be: opening it fails

        Map<String, String> before = DirectorySnapshot.of(dir());
        try (BlobStore store = openReadOnly()) {
            assertServes(store, blobs);
            assertThat(store.stats().indexRebuilds()).isEqualTo(1);
        }

        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @Test
    void anIndexTheDiskCannotTakeWritesToIsOpenedReadOnly() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(30);
        Path index = dir().resolve("index-rocksdb");
        Map<String, String> before = DirectorySnapshot.of(dir());
        Set<PosixFilePermission> was = Files.getPosixFilePermissions(index);
        Files.setPosixFilePermissions(index, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            try (BlobStore store = openReadOnly()) {
                assertServes(store, blobs);
            }
        } finally {
            Files.setPosixFilePermissions(index, was);
        }
        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @Test
    void aDirectoryWithoutLockFileIsOpenedWithoutCreatingOne() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(10);
        Files.delete(dir().resolve(DirectoryLock.FILE_NAME));
        Map<String, String> before = DirectorySnapshot.of(dir());

        try (BlobStore a = openReadOnly(); BlobStore b = openReadOnly()) {
            assertServes(a, blobs);
            assertServes(b, blobs);
        }

        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @Test
    void readOnlyStoresOpenBesideAWriterAndKeepNoneOut() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(10);
        try (BlobStore writer = StoreTestSupport.small(dir()).open()) {
            try (BlobStore reader = openReadOnly()) {
                assertServes(reader, blobs);
                assertThat(reader.stats().uncleanShutdown()).as("a live writer's marker is no crash").isFalse();
                BlobRef later = writer.put(new byte[] {7, 7, 7});
                // it sees at least what was durable when it opened, maybe more
                blobs.forEach((ref, bytes) -> assertThat(reader.get(ref)).isEqualTo(bytes));
                assertThat(writer.get(later)).containsExactly(7, 7, 7);
                blobs.put(later, writer.get(later));
            }
        }
        try (BlobStore a = openReadOnly(); BlobStore b = openReadOnly()) {
            try (BlobStore writer = StoreTestSupport.small(dir()).open()) {
                assertThat(writer.stats().blobs()).isEqualTo(blobs.size());
                assertThatThrownBy(() -> StoreTestSupport.small(dir()).open()).as("writers still exclude each other")
                        .isInstanceOf(StoreLockedException.class);
            }
            assertServes(a, blobs);
            assertServes(b, blobs);
        }
    }

    /**
     * Beside a writer, a pack can be met half way through its seal: its parity partly written.
     * Verify checks its blobs, says the seal is unfinished, and reports no damage; the next
     * open for writing finishes the seal.
     */
    @Test
    void aPackWhoseSealIsUnderWayIsNoDamage() throws IOException {
        Map<BlobRef, byte[]> blobs;
        long max;
        try (BlobStore s = StoreTestSupport.small(dir()).open()) {
            blobs = StoreTestSupport.putUntilSealed(s, SEED.random(), 2);
            max = s.stats().maxPackSize();
        }
        Path pack = dir().resolve(PackFormat.fileName(1));
        byte[] sealed = Files.readAllBytes(pack);
        Random rnd = SEED.random();
        long[] cuts = {max, max + 1 + rnd.nextInt(EntryHeader.LENGTH), max + EntryHeader.LENGTH + rnd.nextInt(
                (int) (sealed.length - max - EntryHeader.LENGTH))};
        for (long cut : cuts) {
            Files.write(pack, java.util.Arrays.copyOf(sealed, (int) cut));
            try (BlobStore reader = openReadOnly()) {
                VerifyReport report = reader.verify();
                assertThat(report.damage()).as("cut at %d", cut).isEmpty();
                assertThat(report.warnings()).as("cut at %d", cut).singleElement().asString()
                        .contains(PackFormat.fileName(1)).contains("seal has not finished");
                blobs.forEach((ref, bytes) -> assertThat(reader.get(ref)).isEqualTo(bytes));
            }
        }
        try (BlobStore writer = StoreTestSupport.small(dir()).open()) {
            assertThat(writer.verify().isClean()).isTrue();
        }
        assertThat(Files.readAllBytes(pack)).as("the seal, finished, writes the same parity").isEqualTo(sealed);
    }

    /**
     * A writer beside a read-only store compacts: the packs it replaced no longer match the
     * reader's index, which is no damage; verify says which packs it could not compare.
     */
    @Test
    void packsAWriterReplacesAreNoDamageToAReader() {
        Random rnd = SEED.random();
        try (BlobStore writer = StoreTestSupport.small(dir()).open()) {
            List<BlobRef> refs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                refs.add(writer.put(StoreTestSupport.random(rnd, 3000 + rnd.nextInt(3000))));
            }
            for (int i = 0; i < refs.size(); i += 2) {
                writer.delete(refs.get(i));
            }
            try (BlobStore reader = openReadOnly()) {
                VerifyReport before = reader.verify();
                assertThat(before.isClean()).as(before.toString()).isTrue();
                assertThat(writer.compact(new org.blobsfile.api.CompactionOptions(0, 0), org.blobsfile.api.Progress.NONE)
                        .rewritten()).isNotEmpty();

                VerifyReport after = reader.verify();

                assertThat(after.damage()).isEmpty();
                assertThat(after.index()).isEmpty();
                assertThat(after.warnings()).isNotEmpty().allSatisfy(w -> assertThat(w).contains("replaced"))
                        .anySatisfy(w -> assertThat(w).contains("was replaced since this read-only store opened"));
            }
        }
    }

    @Test
    void aStoreInADirectoryWithoutWritePermissionServes() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(30);
        Map<String, String> before = DirectorySnapshot.of(dir());
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir())) {
            all = new ArrayList<>(s.toList());
        }
        Map<Path, Set<PosixFilePermission>> was = new LinkedHashMap<>();
        for (Path p : all) {
            was.put(p, Files.getPosixFilePermissions(p));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
        }
        try {
            try (BlobStore store = openReadOnly()) {
                assertServes(store, blobs);
            }
        } finally {
            for (Map.Entry<Path, Set<PosixFilePermission>> e : was.entrySet()) {
                Files.setPosixFilePermissions(e.getKey(), e.getValue());
            }
        }
        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @Test
    void aDamagedSealedPackHealsReadsAndIsNotRepaired() throws IOException {
        Map<BlobRef, byte[]> blobs = filled(60);
        Path first = PackFormat.path(dir(), 0);
        long payloadAt;
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // the first entry whose payload has bytes: flip one in its middle
            long at = PackFormat.HEADER_SIZE;
            ByteBuffer h = ByteBuffer.allocate(EntryHeader.LENGTH).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (true) {
                h.clear();
                ch.read(h, at);
                int size = h.getInt(EntryHeader.LENGTH - 4);
                if (size > 0) {
                    payloadAt = at + EntryHeader.LENGTH + size / 2;
                    break;
                }
                at += EntryHeader.LENGTH;
            }
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, payloadAt);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, payloadAt);
        }
        Map<String, String> before = DirectorySnapshot.of(dir());

        try (BlobStore store = openReadOnly()) {
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(store.stats().healedReads()).isEqualTo(1);
            assertThat(store.verify().damage()).as("left for a writable repair").isNotEmpty();
        }

        assertThat(dir().resolve(org.blobsfile.core.internal.pack.VerifyLedger.FILE_NAME))
                .as("verify recorded its results: the one file a read-only store writes").isRegularFile();
        assertThat(DirectorySnapshot.of(dir())).isEqualTo(before);
    }

    @Test
    void anInterruptedSealIsLeftForTheNextWritableOpen() throws IOException {
        Path dir = org.blobsfile.core.testing.Golden.copyStore("sealed", tmp.resolve("sealed"));
        try (FileChannel ch = FileChannel.open(dir.resolve("blobs-00001"), StandardOpenOption.WRITE)) {
            ch.truncate(1_050_000); // part of the parity written
        }
        Map<String, String> before = DirectorySnapshot.of(dir);

        try (BlobStore store = BlobStore.builder(dir).readOnly().open()) {
            assertThat(store.sealedPacks()).hasSize(1);
            assertThat(store.enumerate().count()).isPositive();
            for (BlobInfo info : store.enumerate().toList()) {
                assertThat(store.get(info.ref())).hasSize((int) info.size());
            }
        }

        assertThat(DirectorySnapshot.of(dir)).isEqualTo(before);
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(store.stats().packs()).isEqualTo(3);
        }
        assertThat(Files.size(dir.resolve("blobs-00001"))).isGreaterThan(1_050_000);
    }

    @Test
    void aMissingDirectoryIsNotCreated() {
        assertThatThrownBy(this::openReadOnly).hasMessageContaining("no store at");
        assertThat(dir()).doesNotExist();
    }

    private Path lastPack() throws IOException {
        int n = 0;
        while (Files.exists(PackFormat.path(dir(), n + 1))) {
            n++;
        }
        return PackFormat.path(dir(), n);
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
