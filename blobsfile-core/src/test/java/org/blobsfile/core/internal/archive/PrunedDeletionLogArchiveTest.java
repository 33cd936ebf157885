package org.blobsfile.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.putUntilSealed;
import static org.blobsfile.core.testing.StoreTestSupport.sealedBlobs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.Progress;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.MemoryArchive;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deletion log that a compaction pruned is shorter than the copies the archive holds of the log
 * it replaced, yet newer: it is archived as a copy of its generation, and a restore takes it, so
 * no deleted blob comes back, not even after the index is rebuilt from the packs.
 */
class PrunedDeletionLogArchiveTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;
    /** The property the store reads at each compaction for the fewest records worth a pruning. */
    private static final String PRUNE_AT = "blobsfile.deletions.pruneAt";

    @TempDir
    Path tmp;

    @Test
    void aPrunedLogIsArchivedAsANewGenerationThatAFullRestoreTakes() throws Exception {
        Random rnd = SEED.random();
        URI uri = Files.createDirectories(tmp.resolve("nas")).toUri();
        Path dir = tmp.resolve("s");
        List<BlobRef> deleted = new ArrayList<>();
        BlobRef newest;
        Map<BlobRef, byte[]> archived;
        try (BlobStore s = store(dir, uri).open()) {
            putUntilSealed(s, rnd, 3);
            s.archive(Progress.NONE);
            // every blob of the first pack: compaction empties it, and pruning drops their deletions
            deleted.addAll(s.enumerate().filter(i -> i.pack() == 0).map(BlobInfo::ref).toList());
            assertThat(s.deleteAll(deleted)).containsExactlyInAnyOrderElementsOf(deleted);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
            compactPruning(s);
            newest = s.enumerate().filter(i -> i.pack() == 1).findFirst().orElseThrow().ref();
            assertThat(s.delete(newest)).isTrue();
            deleted.add(newest);
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            archived = sealedBlobs(s);
        }
        DeletionLog local = DeletionLog.open(dir);
        assertThat(local.generation()).as("the local log was pruned").isPositive();

        List<DeletionLogCopy> copies = deletionCopies(uri);
        DeletionLogCopy longestOfFirstGeneration = copies.stream().filter(c -> c.generation() == 0)
                .max(DeletionLogCopy::compareTo).orElseThrow();
        assertThat(copies).contains(new DeletionLogCopy(local.generation(), local.end()));
        // what made the longest copy the newest no longer holds: a restore must look at generations
        assertThat(local.end()).isLessThan(longestOfFirstGeneration.length());

        Path restored = tmp.resolve("restored");
        try (BlobStore s = store(restored, uri).restore(BlobStoreOptions.Restore.FULL).open()) {
            assertGone(s, deleted);
            for (Map.Entry<BlobRef, byte[]> e : archived.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            s.rebuildIndex();
            assertGone(s, deleted);
            assertThat(s.enumerate().count()).isEqualTo(archived.size());
        }
        DeletionLog back = DeletionLog.open(restored);
        assertThat(back.generation()).isEqualTo(local.generation());
        assertThat(lastDeleted(back)).isEqualTo(newest);
        assertThat(Files.readAllBytes(restored.resolve(DeletionLog.FILE_NAME)))
                .isEqualTo(Files.readAllBytes(dir.resolve(DeletionLog.FILE_NAME)));
        assertThat(Files.readString(restored.resolve(ArchiveLedger.FILE), StandardCharsets.UTF_8))
                .contains("\ndeletions " + back.end() + "\n", "\ndeletions-generation " + back.generation() + "\n");
    }

    @Test
    void aPrunedLogWaitsUntilTheArchiveHoldsTheNewCopyOfEveryPackCompactionRewrote() throws Exception {
        Random rnd = SEED.random();
        RefusingArchive archive = new RefusingArchive();
        Path dir = tmp.resolve("s");
        List<BlobRef> deleted;
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            putUntilSealed(s, rnd, 3);
            s.archive(Progress.NONE);
            deleted = s.enumerate().filter(i -> i.pack() == 0).map(BlobInfo::ref).toList();
            s.deleteAll(deleted);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
            compactPruning(s);

            archive.refused = "packs/blobs-00000.";
            assertThat(s.archive(Progress.NONE).problems()).singleElement().asString().startsWith("blobs-00000");
            assertThat(copies(archive)).extracting(DeletionLogCopy::generation).containsOnly(0);
            // the archive as it is now: the old copy of the emptied pack, and a log that says its blobs are deleted
            try (BlobStore r = BlobStore.builder(tmp.resolve("meanwhile")).maxPackSize(PACK).archive(archive)
                    .restore(BlobStoreOptions.Restore.FULL).open()) {
                assertGone(r, deleted);
            }

            archive.refused = null;
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
            DeletionLog local = DeletionLog.open(dir);
            assertThat(copies(archive)).contains(new DeletionLogCopy(local.generation(), local.end()));
        }
    }

    @Test
    void aPrunedLogWaitsWhileThePackCompactedWithoutTheArchiveFailsToUpload() throws Exception {
        Random rnd = SEED.random();
        RefusingArchive archive = new RefusingArchive();
        Path dir = tmp.resolve("s");
        List<BlobRef> deleted = archiveThenCompactWithoutIt(archive, dir, rnd, false);
        byte[] oldCopy = ArchiveLedger.open(dir, archive.location()).archived(0).digest();
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            archive.refused = "packs/blobs-00000.";
            assertThat(s.archive(Progress.NONE).problems()).singleElement().asString().startsWith("blobs-00000");
            assertThat(copies(archive)).extracting(DeletionLogCopy::generation).containsOnly(0);
            assertRestoredWithout(archive, "meanwhile", deleted);

            archive.refused = null;
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
        }
        Manifest emptied = ArchiveRestore.newest(archive).get(0);
        assertThat(emptied.entries()).as("the copy a restore takes of the emptied pack").isEmpty();
        assertThat(emptied.replaces()).isEqualTo(oldCopy);
        DeletionLog local = DeletionLog.open(dir);
        assertThat(local.generation()).isPositive();
        assertThat(copies(archive)).contains(new DeletionLogCopy(local.generation(), local.end()));
        assertRestoredWithout(archive, "restored", deleted);
    }

    @Test
    void aPackCompactedWhileTheStoreWasOpenedWithoutItsArchiveIsArchivedAgainBeforeThePrunedLog() throws Exception {
        Random rnd = SEED.random();
        RefusingArchive archive = new RefusingArchive();
        Path dir = tmp.resolve("s");
        List<BlobRef> deleted = archiveThenCompactWithoutIt(archive, dir, rnd, false);
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            assertThat(r.uploaded()).as("the emptied pack's new copy").isEqualTo(1);
        }
        assertThat(ArchiveRestore.newest(archive).get(0).entries()).isEmpty();
        assertThat(copies(archive)).extracting(DeletionLogCopy::generation).anyMatch(g -> g > 0);
        assertRestoredWithout(archive, "restored", deleted);
    }

    /**
     * A pruned log waits for the new copies of the packs a compaction emptied only: a pack sealed
     * since, which the archive never had, holds it back no longer than its own upload takes, and
     * a restore meanwhile (without that pack) keeps every deleted blob deleted.
     */
    @Test
    void aPrunedLogWaitsOnlyForThePacksACompactionEmptied() throws Exception {
        Random rnd = SEED.random();
        RefusingArchive archive = new RefusingArchive();
        Path dir = tmp.resolve("s");
        List<BlobRef> deleted = archiveThenCompactWithoutIt(archive, dir, rnd, true);
        String sealedMeanwhile;
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).open()) {
            sealedMeanwhile = s.sealedPacks().get(s.sealedPacks().size() - 1).getFileName().toString();
        }
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            // the emptied pack's new copy goes; the pack sealed since the archive's last look does not,
            // and the pruned log goes all the same
            archive.refused = "packs/" + sealedMeanwhile + ".";
            assertThat(s.archive(Progress.NONE).problems()).singleElement().asString().startsWith(sealedMeanwhile);
            assertThat(ArchiveRestore.newest(archive).get(0).entries()).isEmpty();
            assertThat(copies(archive)).extracting(DeletionLogCopy::generation).anyMatch(g -> g > 0);
            assertRestoredWithout(archive, "meanwhile", deleted);

            archive.refused = null;
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
        }
        DeletionLog local = DeletionLog.open(dir);
        assertThat(copies(archive)).contains(new DeletionLogCopy(local.generation(), local.end()));
        assertRestoredWithout(archive, "restored", deleted);
    }

    @Test
    void aQuarantineTombstoneMadeWithoutTheArchiveLeavesTheArchivedCopyAsItWas() throws Exception {
        Random rnd = SEED.random();
        MemoryArchive archive = new MemoryArchive();
        Path dir = tmp.resolve("s");
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            putUntilSealed(s, rnd, 2);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
        }
        byte[] archived = ArchiveLedger.open(dir, archive.location()).archived(0).digest();
        StoreTestSupport.damageBeyondParity(PackFormat.path(dir, 0), PACK);
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).open()) {
            assertThat(s.repair().quarantined()).isNotEmpty();
        }
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            assertThat(s.archive(Progress.NONE).problems()).singleElement().asString().startsWith("blobs-00000")
                    .contains("the archived copy is kept");
        }
        Manifest kept = ArchiveRestore.newest(archive).get(0);
        assertThat(kept.digest()).as("the copy a restore takes").isEqualTo(archived);
        assertThat(kept.entries()).isNotEmpty();
        assertThat(ArchiveLedger.open(dir, archive.location()).isRewriting(0)).isFalse();
    }

    /**
     * Archives a store of three sealed packs and the deletion of every blob of its first, then
     * opens it without its archive to compact it, which prunes the log.
     *
     * @param sealMore whether another pack is sealed then too
     * @return the blobs deleted
     */
    private static List<BlobRef> archiveThenCompactWithoutIt(Archive archive, Path dir, Random rnd, boolean sealMore) {
        List<BlobRef> deleted;
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            putUntilSealed(s, rnd, 3);
            deleted = s.enumerate().filter(i -> i.pack() == 0).map(BlobInfo::ref).toList();
            assertThat(s.deleteAll(deleted)).hasSameSizeAs(deleted);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
        }
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).open()) {
            compactPruning(s);
            if (sealMore) {
                putUntilSealed(s, rnd, s.sealedPacks().size() + 1);
            }
        }
        return deleted;
    }

    private void assertRestoredWithout(Archive archive, String name, List<BlobRef> deleted) {
        try (BlobStore r = BlobStore.builder(tmp.resolve(name)).maxPackSize(PACK).archive(archive)
                .restore(BlobStoreOptions.Restore.FULL).open()) {
            assertGone(r, deleted);
            r.rebuildIndex();
            assertGone(r, deleted);
        }
    }

    /**
     * A restore puts the deletion log in place before any pack: one cut short (here, a pack the
     * archive cannot give) leaves the packs it brought beside the deletions that keep their
     * deleted blobs deleted, and the directory, holding a store now, is opened as it is.
     */
    @Test
    void aRestoreCutShortLeavesNoPackWithoutTheDeletions() throws Exception {
        Random rnd = SEED.random();
        RefusingArchive archive = new RefusingArchive();
        Path dir = tmp.resolve("s");
        List<BlobRef> deleted;
        int last;
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            putUntilSealed(s, rnd, 3);
            deleted = s.enumerate().filter(i -> i.pack() < 2).map(BlobInfo::ref).filter(r -> rnd.nextInt(3) == 0)
                    .toList();
            assertThat(s.deleteAll(deleted)).hasSameSizeAs(deleted);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
            last = s.sealedPacks().size() - 1;
        }
        archive.unreadable = "packs/" + PackFormat.fileName(last) + ".";
        Path cut = tmp.resolve("cut");
        assertThatThrownBy(() -> BlobStore.builder(cut).maxPackSize(PACK).archive(archive)
                .restore(BlobStoreOptions.Restore.FULL).open()).isInstanceOf(ArchiveException.class);
        assertThat(cut.resolve(DeletionLog.FILE_NAME)).exists();
        archive.unreadable = null;
        assertRestoredWithout(archive, "cut", deleted);
    }

    @Test
    void aRestorePassesOverNamesOfNoCopyAndRefusesACopyThatIsNotWhatItsNameSays() throws Exception {
        Random rnd = SEED.random();
        MemoryArchive archive = new MemoryArchive();
        Path dir = tmp.resolve("s");
        BlobRef deleted;
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            putUntilSealed(s, rnd, 2);
            deleted = s.enumerate().filter(i -> i.pack() == 0).findFirst().orElseThrow().ref();
            s.delete(deleted);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
        }
        Path log = dir.resolve(DeletionLog.FILE_NAME);
        archive.upload(DeletionLogCopy.FOLDER + DeletionLog.FILE_NAME + ".g7", log, Archive.Progress.NONE);
        archive.upload(DeletionLogCopy.FOLDER + "notes.txt", log, Archive.Progress.NONE);
        try (BlobStore s = BlobStore.builder(tmp.resolve("r1")).maxPackSize(PACK).archive(archive)
                .restore(BlobStoreOptions.Restore.FULL).open()) {
            assertThat(s.exists(deleted)).isFalse();
        }

        // the bytes of a log never pruned, under the name of a pruned one
        String forged = new DeletionLogCopy(3, Files.size(log)).objectName();
        archive.upload(forged, log, Archive.Progress.NONE);
        assertThatThrownBy(() -> BlobStore.builder(tmp.resolve("r2")).maxPackSize(PACK).archive(archive)
                .restore(BlobStoreOptions.Restore.FULL).open()).hasMessageContaining(forged);
        assertThat(tmp.resolve("r2").resolve(DeletionLog.FILE_NAME)).doesNotExist();
    }

    private static BlobStoreOptions.Builder store(Path dir, URI archive) {
        return BlobStore.builder(dir).maxPackSize(PACK).archive(archive);
    }

    /** Compacts every pack with garbage, with the deletion log pruned whatever the count of its records that can go. */
    private static void compactPruning(BlobStore s) {
        String before = System.getProperty(PRUNE_AT);
        System.setProperty(PRUNE_AT, "1");
        try {
            assertThat(s.compact(new CompactionOptions(1, 0), Progress.NONE).rewritten()).isNotEmpty();
        } finally {
            if (before == null) {
                System.clearProperty(PRUNE_AT);
            } else {
                System.setProperty(PRUNE_AT, before);
            }
        }
    }

    private static void assertGone(BlobStore s, List<BlobRef> deleted) {
        for (BlobRef g : deleted) {
            assertThat(s.exists(g)).as("deleted blob %s", g).isFalse();
        }
        assertThat(s.enumerate().map(BlobInfo::ref)).doesNotContainAnyElementsOf(deleted);
    }

    private static List<DeletionLogCopy> deletionCopies(URI uri) throws Exception {
        try (FileArchive a = (FileArchive) new FileArchiveProvider().open(uri)) {
            return a.list(DeletionLogCopy.FOLDER).stream().map(ArchivedObject::name).map(DeletionLogCopy::parse)
                    .filter(Objects::nonNull).toList();
        }
    }

    private static List<DeletionLogCopy> copies(Archive archive) throws Exception {
        return archive.list(DeletionLogCopy.FOLDER).stream().map(ArchivedObject::name).map(DeletionLogCopy::parse)
                .filter(Objects::nonNull).toList();
    }

    /** An archive in memory that fails every upload of an object whose name begins with {@link #refused}. */
    private static final class RefusingArchive implements Archive {
        private final MemoryArchive objects = new MemoryArchive();
        volatile String refused;
        /** Names that start so cannot be read: a restore fails there. */
        volatile String unreadable;

        @Override
        public String location() {
            return objects.location();
        }

        @Override
        public void upload(String name, Path file, Progress progress) throws IOException {
            String r = refused;
            if (r != null && name.startsWith(r)) {
                throw new IOException("the test refuses " + name);
            }
            objects.upload(name, file, progress);
        }

        @Override
        public List<ArchivedObject> list(String prefix) throws IOException {
            return objects.list(prefix);
        }

        @Override
        public byte[] read(String name, long offset, int length) throws IOException {
            return objects.read(name, offset, length);
        }

        @Override
        public InputStream open(String name) throws IOException {
            String u = unreadable;
            if (u != null && name.startsWith(u)) {
                throw new IOException("the test cannot read " + name);
            }
            return objects.open(name);
        }

        @Override
        public void close() {
            objects.close();
        }
    }

    private static BlobRef lastDeleted(DeletionLog log) throws Exception {
        BlobRef[] last = {null};
        log.read(DeletionLog.HEADER_SIZE, (r, end) -> {
            if (r.kind() == DeletionLog.Kind.DELETED) {
                last[0] = BlobRef.of(r.hash());
            }
        });
        return last[0];
    }
}
