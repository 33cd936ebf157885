package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.putUntilSealed;
import static org.blobsfile.core.testing.StoreTestSupport.sealedBlobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.Progress;
import org.blobsfile.core.internal.archive.ArchiveLedger;
import org.blobsfile.core.internal.archive.Manifest;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.MemoryArchive;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive tier in the store: sealed packs are copied with their manifests, byte for byte;
 * what is archived is recorded, so a reopened store uploads nothing twice, and an upload a crash
 * cut off is finished by checking the copy the archive has; objects are never replaced; an
 * unavailable archive stops nothing local; a compacted pack becomes a new copy that replaces the
 * old one; and an empty directory is restored from the archive with every archived blob and
 * every deletion, never from a copy that does not match its manifest.
 */
class ArchiveTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    private final MemoryArchive archive = new MemoryArchive();

    private BlobStoreOptions.Builder store(Path dir) {
        return BlobStore.builder(dir).maxPackSize(PACK).archive(archive);
    }

    /** Opens a store, fills it until {@code sealed} packs are sealed, archives them and closes it. */
    private static void archived(BlobStoreOptions.Builder builder, Random rnd, int sealed) {
        try (BlobStore s = builder.open()) {
            putUntilSealed(s, rnd, sealed);
            s.archive(Progress.NONE);
        }
    }

    @Test
    void everySealedPackIsArchivedByteForByteWithAManifestOfItsEntries() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        try (BlobStore s = store(dir).codec("snappy").open()) {
            putUntilSealed(s, rnd, 3);
            ArchiveReport r = s.archive(Progress.NONE);
            int sealed = s.sealedPacks().size();
            assertThat(r.problems()).isEmpty();
            assertThat(r.uploaded() + r.alreadyArchived()).isEqualTo(sealed);
            assertThat(s.stats().archivedPacks()).isEqualTo(sealed);
            assertThat(s.stats().uploadBacklog()).isZero();
            assertThat(s.stats().archive()).isEqualTo("memory:test");
            Map<Integer, List<BlobInfo>> byPack = s.enumerate().collect(Collectors.groupingBy(BlobInfo::pack));
            for (int k = 0; k < sealed; k++) {
                int n = k;
                Path pack = PackFormat.path(dir, n);
                List<String> copies = archive.names().stream()
                        .filter(x -> x.startsWith(Manifest.PACKS + PackFormat.fileName(n) + ".")).toList();
                assertThat(copies).hasSize(1);
                assertThat(archive.object(copies.get(0))).isEqualTo(Files.readAllBytes(pack));
                String manifestName = archive.names().stream()
                        .filter(x -> x.startsWith(Manifest.MANIFESTS + PackFormat.fileName(n) + ".")).findFirst().orElseThrow();
                Manifest m = Manifest.decode(archive.object(manifestName));
                assertThat(m.pack()).isEqualTo(n);
                assertThat(m.packSize()).isEqualTo(PACK);
                assertThat(m.packObject()).isEqualTo(copies.get(0));
                assertThat(m.entries()).extracting(e -> BlobRef.of(e.hash()))
                        .containsExactlyInAnyOrderElementsOf(byPack.get(n).stream().map(BlobInfo::ref).toList());
                for (Manifest.Entry e : m.entries()) {
                    BlobInfo info = byPack.get(n).stream().filter(i -> i.ref().equals(BlobRef.of(e.hash()))).findFirst()
                            .orElseThrow();
                    assertThat(e.offset()).isEqualTo(info.offset());
                    assertThat(e.blobLength()).isEqualTo(info.size());
                }
            }
        }
        // reopened: the ledger says all is archived, and nothing is uploaded again
        int uploads = archive.uploads.get();
        try (BlobStore s = store(dir).open()) {
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.uploaded()).isZero();
            assertThat(r.alreadyArchived()).isEqualTo(s.sealedPacks().size());
        }
        assertThat(archive.uploads.get()).isEqualTo(uploads);
    }

    @Test
    void anUploadACrashCutOffIsFinishedByCheckingTheCopyAndNeverUploadedTwice() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        archived(store(dir), rnd, 2);
        List<String> before = archive.names();
        // the ledger lost, as if the process died between the uploads and its record
        Files.delete(dir.resolve(ArchiveLedger.FILE));
        int uploads = archive.uploads.get();
        try (BlobStore s = store(dir).open()) {
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            assertThat(r.uploaded()).isZero();
            assertThat(s.stats().archivedPacks()).isEqualTo(s.sealedPacks().size());
        }
        assertThat(archive.uploads.get()).isEqualTo(uploads);
        assertThat(archive.names()).isEqualTo(before);
    }

    @Test
    void aCopyTheArchiveNoLongerListsIsArchivedAgain() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        archived(store(dir), rnd, 2);
        String pack1 = archive.named(Manifest.PACKS + "blobs-00001.");
        archive.remove(pack1);
        try (BlobStore s = store(dir).open()) {
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            assertThat(r.uploaded()).isEqualTo(1);
        }
        assertThat(archive.object(pack1)).isEqualTo(Files.readAllBytes(PackFormat.path(dir, 1)));
    }

    @Test
    void anObjectWithOtherBytesIsReportedAndNeverReplaced() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        archived(store(dir), rnd, 2);
        String pack0 = archive.named(Manifest.PACKS + "blobs-00000.");
        archive.corrupt(pack0, 5000);
        byte[] damaged = archive.object(pack0).clone();
        Files.delete(dir.resolve(ArchiveLedger.FILE));
        try (BlobStore s = store(dir).open()) {
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).singleElement().asString().contains("blobs-00000", "other bytes", "never replaced");
        }
        assertThat(archive.object(pack0)).isEqualTo(damaged);
    }

    @Test
    void anUnavailableArchiveStopsNothingLocalAndIsCaughtUpOnceBack() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        archive.available(false);
        try (BlobStore s = store(dir).open()) {
            Map<BlobRef, byte[]> blobs = putUntilSealed(s, rnd, 2);
            assertThatThrownBy(() -> s.archive(Progress.NONE)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("cannot be reached");
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(s.stats().archivedPacks()).isZero();
            archive.available(true);
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            assertThat(s.stats().archivedPacks()).isEqualTo(s.sealedPacks().size());
        }
    }

    @Test
    void aCompactedPackIsArchivedAsANewCopyThatARestoreTakes() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> archived = new LinkedHashMap<>();
        List<BlobRef> gone = new ArrayList<>();
        try (BlobStore s = store(dir).open()) {
            putUntilSealed(s, rnd, 3);
            s.archive(Progress.NONE);
            for (BlobInfo i : s.enumerate().filter(i -> i.pack() == 0).toList()) {
                if (rnd.nextInt(3) > 0) {
                    gone.add(i.ref());
                }
            }
            s.deleteAll(gone);
            assertThat(s.compact(new CompactionOptions(1, 0), Progress.NONE).rewritten()).isNotEmpty();
            // enough further blobs that the compaction's copies are sealed too
            putUntilSealed(s, rnd, s.sealedPacks().size() + 2);
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            archived.putAll(sealedBlobs(s));
        }
        List<String> copies0 = archive.names().stream().filter(x -> x.startsWith(Manifest.MANIFESTS + "blobs-00000."))
                .toList();
        assertThat(copies0).hasSize(2);
        List<Manifest> replacing = new ArrayList<>();
        for (String c : copies0) {
            Manifest m = Manifest.decode(archive.object(c));
            if (m.replaces() != null) {
                replacing.add(m);
            }
        }
        assertThat(replacing).singleElement().satisfies(m -> assertThat(m.entries()).isEmpty());

        Path restored = tmp.resolve("restored");
        try (BlobStore s = store(restored).restore(BlobStoreOptions.Restore.FULL).open()) {
            for (Map.Entry<BlobRef, byte[]> e : archived.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            for (BlobRef g : gone) {
                assertThat(s.exists(g)).as("deleted blob %s", g).isFalse();
            }
            assertThat(s.enumerate().count()).isEqualTo(archived.size());
        }
        for (int n = 0; Files.exists(PackFormat.path(restored, n)); n++) {
            assertThat(Files.readAllBytes(PackFormat.path(restored, n))).as("pack %d", n)
                    .isEqualTo(Files.readAllBytes(PackFormat.path(dir, n)));
        }
    }

    @Test
    void aRestoreBringsBackEveryArchivedBlobAndKeepsDeletionsAndAStoreThatArchivesNothingAgain() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> archived = new LinkedHashMap<>();
        BlobRef deleted;
        try (BlobStore s = store(dir).open()) {
            putUntilSealed(s, rnd, 3);
            deleted = s.enumerate().filter(i -> i.pack() == 1).findFirst().orElseThrow().ref();
            assertThat(s.delete(deleted)).isTrue();
            s.archive(Progress.NONE);
            archived.putAll(sealedBlobs(s));
        }
        Path restored = tmp.resolve("restored");
        long[] progress = {0, 0};
        int uploads = archive.uploads.get();
        try (BlobStore s = store(restored).restore(BlobStoreOptions.Restore.FULL, (d, t) -> {
            progress[0] = d;
            progress[1] = t;
        }).open()) {
            for (Map.Entry<BlobRef, byte[]> e : archived.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(s.exists(deleted)).isFalse();
            assertThat(s.verify().isClean()).isTrue();
            assertThat(s.archive(Progress.NONE).uploaded()).isZero();
        }
        assertThat(progress[0]).isEqualTo(progress[1]).isPositive();
        assertThat(archive.uploads.get()).isEqualTo(uploads);
        // a directory holding a store is opened as it is
        try (BlobStore s = store(restored).restore(BlobStoreOptions.Restore.FULL).open()) {
            assertThat(s.enumerate().count()).isEqualTo(archived.size());
        }
    }

    @Test
    void aRestoreNeverPutsInPlaceACopyThatDoesNotMatchItsManifest() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        archived(store(dir), rnd, 2);
        String pack1 = archive.named(Manifest.PACKS + "blobs-00001.");
        archive.corrupt(pack1, 100);
        Path restored = tmp.resolve("restored");
        assertThatThrownBy(() -> store(restored).restore(BlobStoreOptions.Restore.FULL).open())
                .isInstanceOf(ArchiveException.class).hasMessageContaining("blobs-00001", "does not match its manifest");
        assertThat(PackFormat.path(restored, 1)).doesNotExist();
    }

    @Test
    void aManifestRoundTripsAndADamagedOneIsRefused() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        archived(store(dir).codec("snappy"), rnd, 1);
        String name = archive.named(Manifest.MANIFESTS);
        byte[] bytes = archive.object(name);
        Manifest m = Manifest.decode(bytes);
        assertThat(m.encode()).isEqualTo(bytes);
        byte[] damaged = bytes.clone();
        damaged[rnd.nextInt(damaged.length - 80) + 10] ^= 1;
        assertThatThrownBy(() -> Manifest.decode(damaged)).isInstanceOf(java.io.IOException.class);
    }
}
