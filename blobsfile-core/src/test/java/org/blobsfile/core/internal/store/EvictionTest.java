package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.putUntilSealed;
import static org.blobsfile.core.testing.StoreTestSupport.sealedBlobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.EvictionReport;
import org.blobsfile.api.Progress;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.archive.Manifest;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.MemoryArchive;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evicted packs: their blobs are read from the archive by range, checked, and never served from
 * a damaged copy; the index keeps them across reopen and rebuild; verify checks their copy;
 * a local pack beyond parity is put right from its archived copy before anything is quarantined;
 * and a lazy restore starts with every pack evicted, each fetched whole once read from.
 */
class EvictionTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    private final MemoryArchive archive = new MemoryArchive();

    private BlobStoreOptions.Builder store(Path dir) {
        return BlobStore.builder(dir).maxPackSize(PACK).archive(archive);
    }

    @Test
    void evictedBlobsAreReadFromTheArchiveAndStayIndexedAcrossReopenAndRebuild() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> blobs;
        List<Path> evicted;
        try (BlobStore s = store(dir).codec("snappy").open()) {
            blobs = putUntilSealed(s, rnd, 5);
            s.archive(Progress.NONE);
            int sealed = s.sealedPacks().size();
            EvictionReport r = s.evict(2);
            evicted = r.evicted();
            assertThat(r.kept()).isEmpty();
            assertThat(evicted).hasSize(sealed - 2);
            assertThat(r.bytesFreed()).isPositive();
            for (Path p : evicted) {
                assertThat(p).doesNotExist();
            }
            assertThat(s.stats().evictedPacks()).isEqualTo(evicted.size());
            int before = archive.rangedReads.get();
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(archive.rangedReads.get()).isGreaterThan(before);
            assertThat(s.verify().isClean()).isTrue();
            assertThat(s.verify(new VerifyOptions(true), Progress.NONE).isClean()).isTrue();
            // puts go on, and a second eviction finds nothing more to do but what was sealed since
            byte[] more = random(rnd, 3000);
            blobs.put(s.put(more), more);
        }
        try (BlobStore s = store(dir).open()) {
            assertThat(s.enumerate().count()).isEqualTo(blobs.size());
            s.rebuildIndex();
            assertThat(s.enumerate().count()).isEqualTo(blobs.size());
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(s.verify().isClean()).isTrue();
            RepairReport r = s.repair();
            assertThat(r.remaining()).isEmpty();
        }
    }

    @Test
    void aDamagedArchivedCopyIsNeverServedAndVerifyFindsIt() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        try (BlobStore s = store(dir).open()) {
            putUntilSealed(s, rnd, 3);
            s.archive(Progress.NONE);
            s.evict(0);
            BlobInfo victim = s.enumerate().filter(i -> i.pack() == 0).findFirst().orElseThrow();
            String object = archive.named(Manifest.PACKS + "blobs-00000.");
            archive.corrupt(object, (int) victim.offset() + 38 + 3);
            assertThatThrownBy(() -> s.get(victim.ref())).isInstanceOf(CorruptPackException.class)
                    .hasMessageContaining("archived copy is damaged");
            VerifyReport whole = s.verify(new VerifyOptions(true), Progress.NONE);
            assertThat(whole.damage()).anyMatch(d -> d.what().contains("does not match its manifest"));
        }
    }

    @Test
    void anUnreachableArchiveFailsOnlyTheReadsOfEvictedBlobs() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        try (BlobStore s = store(dir).open()) {
            Map<BlobRef, byte[]> blobs = putUntilSealed(s, rnd, 3);
            s.archive(Progress.NONE);
            s.evict(1);
            archive.available(false);
            BlobRef far = s.enumerate().filter(i -> i.pack() == 0).findFirst().orElseThrow().ref();
            assertThatThrownBy(() -> s.get(far)).isInstanceOf(ArchiveException.class).hasMessageContaining("evicted");
            // the newest pack holding a blob stays local (sealing runs behind the puts, so more than three may be sealed)
            BlobRef near = s.enumerate().max(java.util.Comparator.comparingInt(BlobInfo::pack)).orElseThrow().ref();
            assertThat(s.get(near)).isEqualTo(blobs.get(near));
            byte[] more = random(rnd, 1000);
            assertThat(s.get(s.put(more))).isEqualTo(more);
            assertThatThrownBy(() -> s.evict(0)).isInstanceOf(ArchiveException.class);
        }
    }

    @Test
    void aPackBeyondParityIsPutRightFromItsArchivedCopyBeforeAnyQuarantine() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> blobs;
        try (BlobStore s = store(dir).open()) {
            blobs = putUntilSealed(s, rnd, 2);
            s.archive(Progress.NONE);
        }
        Path pack = PackFormat.path(dir, 0);
        byte[] good = Files.readAllBytes(pack);
        StoreTestSupport.damageBeyondParity(pack, PACK);
        try (BlobStore s = store(dir).open()) {
            // a read beyond parity heals from the archive
            for (BlobInfo i : s.enumerate().filter(i -> i.pack() == 0).toList()) {
                assertThat(s.get(i.ref())).isEqualTo(blobs.get(i.ref()));
            }
            RepairReport r = s.repair();
            assertThat(r.quarantined()).isEmpty();
            assertThat(r.lost()).isEmpty();
            assertThat(s.verify().isClean()).isTrue();
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
        assertThat(Files.readAllBytes(pack)).isEqualTo(good);
        try (Stream<Path> saved = Files.list(dir.resolve(LostAndFound.DIR))) {
            assertThat(saved.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("blobs-00000."));
        }
    }


    @Test
    void anEvictedPackHoldingASecondCopyOfABlobIndexedElsewhereIsNoIndexFinding() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> blobs;
        try (BlobStore s = store(dir).open()) {
            blobs = putUntilSealed(s, rnd, 2);
            s.archive(Progress.NONE);
            List<BlobRef> gone = s.enumerate().filter(i -> i.pack() == 0).skip(1).limit(3).map(BlobInfo::ref).toList();
            s.deleteAll(gone);
            gone.forEach(blobs::remove);
        }
        // pack 0 damaged past its first shard, its archived copy out of reach: a compaction copies
        // the blobs of the first shard to the active pack, then meets the damage and leaves pack 0
        // as it is, so each of those blobs has two copies, one of them indexed
        Path pack = PackFormat.path(dir, 0);
        StoreTestSupport.damageBeyondParity(pack, PACK);
        archive.available(false);
        try (BlobStore s = store(dir).open()) {
            int active = s.stats().packs() - 1;
            long end = Files.size(PackFormat.path(dir, active));
            CompactionReport report = s.compact(new CompactionOptions(1, 0), Progress.NONE);
            assertThat(report.skipped()).extracting(CompactionReport.Skipped::pack).containsExactly(pack);
            assertThat(Files.size(PackFormat.path(dir, active))).as("second copies appended").isGreaterThan(end);
            archive.available(true);
            RepairReport repaired = s.repair();
            assertThat(repaired.repaired()).containsExactly(pack);
            while (s.stats().packs() - 1 == active) {
                byte[] b = random(rnd, 3000);
                blobs.put(s.put(b), b);
            }
            s.archive(Progress.NONE);
            // the pack holding one copy of each is evicted, and maybe the pack holding the other
            assertThat(s.evict(0).evicted()).contains(PackFormat.path(dir, active));
            VerifyReport v = s.verify(new VerifyOptions(true), Progress.NONE);
            assertThat(v.index()).as("index findings").isEmpty();
            assertThat(v.isClean()).as("verify: %s", v.damage()).isTrue();
            assertThat(s.repair().remaining()).isEmpty();
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void aLazyRestoreReadsEveryBlobFromTheArchiveAndTakesPuts() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> archived = new LinkedHashMap<>();
        try (BlobStore s = store(dir).open()) {
            putUntilSealed(s, rnd, 3);
            s.archive(Progress.NONE);
            archived.putAll(sealedBlobs(s));
        }
        Path lazy = tmp.resolve("lazy");
        try (BlobStore s = store(lazy).restore(BlobStoreOptions.Restore.LAZY).open()) {
            assertThat(PackFormat.path(lazy, 0)).doesNotExist();
            assertThat(s.enumerate().count()).isEqualTo(archived.size());
            for (Map.Entry<BlobRef, byte[]> e : archived.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            // every pack restored, whether its background fetch has made it local yet or not
            long restoredPacks = s.stats().packs();
            byte[] more = random(rnd, 2000);
            BlobRef ref = s.put(more);
            assertThat(s.enumerate().filter(i -> i.ref().equals(ref)).findFirst().orElseThrow().pack())
                    .isEqualTo(restoredPacks);
            // verify waits for the background work: each pack read from is fetched whole by then
            assertThat(s.verify().isClean()).isTrue();
            assertThat(s.stats().evictedPacks()).isZero();
            for (int n = 0; n < restoredPacks; n++) {
                assertThat(Files.readAllBytes(PackFormat.path(lazy, n))).isEqualTo(Files.readAllBytes(PackFormat.path(dir, n)));
            }
            for (Map.Entry<BlobRef, byte[]> e : archived.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
        try (BlobStore s = store(lazy).open()) {
            assertThat(s.enumerate().count()).isEqualTo(archived.size() + 1);
        }
    }
}
