package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.small;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Durability;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.SweepReport;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.testing.V1CheckTest;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DeleteTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @Test
    void aDeletedBlobIsAbsentEverywhereAndStaysSoThroughReopenAndRebuild() {
        Random rnd = new Random(SEED.seed(1));
        byte[] kept = random(rnd, 3000);
        byte[] gone = random(rnd, 5000);
        BlobRef keptRef;
        BlobRef goneRef;
        try (BlobStore store = small(tmp).open()) {
            keptRef = store.put(kept);
            goneRef = store.put(gone);
            assertThat(store.delete(goneRef)).isTrue();
            assertThat(store.delete(goneRef)).as("a second delete finds nothing").isFalse();
            assertAbsent(store, goneRef);
            assertThat(store.get(keptRef)).isEqualTo(kept);
            StoreStats s = store.stats();
            assertThat(s.blobs()).isEqualTo(1);
            assertThat(s.bytes()).isEqualTo(kept.length);
            assertThat(s.deletedBlobs()).isEqualTo(1);
            assertThat(s.garbageBytes()).isEqualTo(38 + gone.length);
            assertThat(s.garbageByPack()).containsEntry(0, 38L + gone.length);
        }
        assertThat(tmp.resolve(DeletionLog.FILE_NAME)).isRegularFile();
        try (BlobStore store = small(tmp).open()) {
            assertAbsent(store, goneRef);
            store.rebuildIndex();
            assertAbsent(store, goneRef);
            assertThat(store.get(keptRef)).isEqualTo(kept);
            assertThat(store.stats().garbageBytes()).as("rebuilt from the log").isEqualTo(38 + gone.length);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void aBlobPutAgainAfterItsDeletionLivesThroughRebuildsAndOtherIndexes() throws Exception {
        byte[] data = random(new Random(SEED.seed(2)), 2000);
        BlobRef ref;
        try (BlobStore store = small(tmp).open()) {
            ref = store.put(data);
            store.delete(ref);
            assertThat(store.put(data)).isEqualTo(ref);
            assertThat(store.get(ref)).isEqualTo(data);
            store.delete(ref);
            store.put(data);
        }
        try (BlobStore store = small(tmp).open()) {
            store.rebuildIndex();
            assertThat(store.get(ref)).isEqualTo(data);
            assertThat(store.stats().blobs()).isEqualTo(1);
            assertThat(store.stats().deletedBlobs()).isEqualTo(2);
        }
        // another index plugin builds its index from the packs and the log
        try (BlobStore store = small(tmp).index(new org.blobsfile.core.testing.KeptMemoryIndex()).open()) {
            assertThat(store.get(ref)).isEqualTo(data);
        }
    }

    @Test
    void deletionsSurviveALostIndex() throws Exception {
        Random rnd = new Random(SEED.seed(3));
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = small(tmp).open()) {
            for (int i = 0; i < 40; i++) {
                refs.add(store.put(random(rnd, 100 + rnd.nextInt(4000))));
            }
            assertThat(store.deleteAll(refs.subList(0, 20))).containsExactlyElementsOf(refs.subList(0, 20));
        }
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("index-")).toList()) {
                deleteTree(p);
            }
        }
        try (BlobStore store = small(tmp).open()) {
            for (int i = 0; i < 40; i++) {
                assertThat(store.exists(refs.get(i))).as("blob %d", i).isEqualTo(i >= 20);
            }
            assertThat(store.stats().deletedBlobs()).isEqualTo(20);
        }
    }

    @Test
    void aDamagedLogHeaderCostsNoDeletionAndIsWrittenAgain() throws Exception {
        Random rnd = new Random(SEED.seed(6));
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = small(tmp).open()) {
            for (int i = 0; i < 12; i++) {
                refs.add(store.put(random(rnd, 100 + rnd.nextInt(2000))));
            }
            store.deleteAll(refs.subList(0, 6));
        }
        Path log = tmp.resolve(DeletionLog.FILE_NAME);
        byte[] bytes = Files.readAllBytes(log);
        for (int at : new int[] {1, 9, 12}) { // the magic, the version, the record size
            bytes[at] ^= 0x5A;
        }
        Files.write(log, bytes);
        try (BlobStore store = small(tmp).open()) {
            store.rebuildIndex(); // from the packs and the log alone
            for (int i = 0; i < 12; i++) {
                assertThat(store.exists(refs.get(i))).as("blob %d", i).isEqualTo(i >= 6);
            }
            store.delete(refs.get(6));
        }
        try (BlobStore store = small(tmp).open()) {
            store.rebuildIndex();
            assertThat(store.exists(refs.get(6))).isFalse();
            assertThat(store.stats().deletedBlobs()).isEqualTo(7);
        }
        assertThat(Arrays.copyOf(Files.readAllBytes(log), 16)).as("the header written again")
                .startsWith("BFDELETE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aFileNoneOfWhoseRecordsVerifiesIsMovedAsideNeverDestroyed() throws Exception {
        Random rnd = new Random(SEED.seed(7));
        BlobRef kept;
        BlobRef gone;
        try (BlobStore store = small(tmp).open()) {
            kept = store.put(random(rnd, 500));
            gone = store.put(random(rnd, 700));
        }
        byte[] other = new byte[16 + 3 * 64];
        new Random(SEED.seed(8)).nextBytes(other);
        Path log = tmp.resolve(DeletionLog.FILE_NAME);
        Files.write(log, other);
        try (BlobStore store = small(tmp).open()) {
            assertThat(store.exists(kept)).isTrue();
            assertThat(Files.readAllBytes(log)).as("untouched until a deletion").isEqualTo(other);
            assertThat(store.delete(gone)).isTrue();
        }
        List<Path> aside;
        try (Stream<Path> files = Files.list(tmp)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith(DeletionLog.FILE_NAME + ".unreadable-"))
                    .toList();
        }
        assertThat(aside).hasSize(1);
        assertThat(Files.readAllBytes(aside.get(0))).isEqualTo(other);
        try (BlobStore store = small(tmp).open()) {
            store.rebuildIndex();
            assertThat(store.exists(gone)).isFalse();
            assertThat(store.exists(kept)).isTrue();
        }
    }

    @Test
    void aSweepDeletesWhatTheLiveSetLacksAndSparesLaterPuts() {
        Random rnd = new Random(SEED.seed(4));
        try (BlobStore store = small(tmp).open()) {
            List<BlobRef> refs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                refs.add(store.put(random(rnd, 50 + rnd.nextInt(500))));
            }
            Set<BlobRef> live = refs.stream().filter(r -> (r.bytes()[1] & 1) == 0).collect(Collectors.toSet());
            byte[] late = random(rnd, 100);
            BlobRef[] lateRef = {null};
            SweepReport r = store.sweep(ref -> {
                if (lateRef[0] == null) {
                    lateRef[0] = store.put(late); // put while the sweep runs: never deleted by it
                    store.put(store.get(refs.get(0))); // put again while the sweep runs
                }
                return live.contains(ref);
            });
            assertThat(r.examined()).isEqualTo(300);
            Set<BlobRef> spared = Set.of(refs.get(0));
            long expectDeleted = refs.stream().filter(x -> !live.contains(x) && !spared.contains(x)).count();
            assertThat(r.deleted()).isEqualTo(expectDeleted);
            assertThat(r.spared()).isEqualTo(live.contains(refs.get(0)) ? 0 : 1);
            for (BlobRef x : refs) {
                assertThat(store.exists(x)).as("%s", x).isEqualTo(live.contains(x) || spared.contains(x));
            }
            assertThat(store.exists(lateRef[0])).isTrue();
        }
    }

    @Test
    void aSortedSweepReadsTheLiveSetAlongsideTheIndex() {
        Random rnd = new Random(SEED.seed(5));
        try (BlobStore store = small(tmp).open()) {
            TreeSet<BlobRef> all = new TreeSet<>();
            for (int i = 0; i < 200; i++) {
                all.add(store.put(random(rnd, 10 + rnd.nextInt(300))));
            }
            List<BlobRef> live = all.stream().filter(r -> rnd.nextBoolean()).toList();
            List<BlobRef> withRepeatsAndStrangers = new ArrayList<>();
            for (BlobRef l : live) {
                withRepeatsAndStrangers.add(l);
                withRepeatsAndStrangers.add(l);
            }
            SweepReport r = store.sweep(withRepeatsAndStrangers.stream());
            assertThat(r.deleted()).isEqualTo(all.size() - live.size());
            assertThat(store.enumerate().map(BlobInfo::ref).toList()).containsExactlyElementsOf(live);
            List<BlobRef> backwards = new ArrayList<>(live);
            java.util.Collections.reverse(backwards);
            if (backwards.size() > 1) {
                assertThatThrownBy(() -> store.sweep(backwards.stream())).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("ascending");
            }
        }
    }

    @Test
    void compactionGivesSpaceBackKeepsEveryLiveBlobAndLeavesV1Packs() throws Exception {
        Random rnd = new Random(SEED.seed(6));
        List<byte[]> blobs = new ArrayList<>();
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = small(tmp).durability(Durability.GROUP).open()) {
            for (int i = 0; i < 400; i++) {
                byte[] b = random(rnd, 200 + rnd.nextInt(1500));
                blobs.add(b);
                refs.add(store.put(b));
            }
            // seals run in the background; compact waits for them, so closed packs are what counts here
            assertThat(store.stats().packs()).isGreaterThan(4);
            List<BlobRef> doomed = new ArrayList<>();
            for (int i = 0; i < refs.size(); i++) {
                if (i % 3 != 0) {
                    doomed.add(refs.get(i));
                }
            }
            store.deleteAll(doomed);
            long garbage = store.stats().garbageBytes();
            List<Path> told = new ArrayList<>();
            store.addSealListener((p, n, c) -> told.add(p));
            CompactionReport report = store.compact(CompactionOptions.defaults(), (d, t) -> { });
            assertThat(report.skipped()).isEmpty();
            assertThat(report.rewritten()).isNotEmpty();
            assertThat(report.bytesReclaimed()).isPositive();
            assertThat(told).containsAll(report.rewritten());
            StoreStats s = store.stats();
            assertThat(s.compactions()).isEqualTo(report.rewritten().size());
            assertThat(s.blobs()).as("moved blobs count once").isEqualTo(refs.size() - doomed.size());
            assertThat(report.blobsMoved()).isPositive();
            assertThat(s.reclaimedBytes()).isEqualTo(report.bytesReclaimed());
            assertThat(s.garbageBytes()).isLessThan(garbage);
            for (int i = 0; i < refs.size(); i++) {
                if (i % 3 == 0) {
                    assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
                } else {
                    assertAbsent(store, refs.get(i));
                }
            }
            assertThat(store.verify().isClean()).isTrue();
            assertThat(store.compact().rewritten()).as("nothing left over the threshold").isEmpty();
        }
        String[] check = V1CheckTest.run(tmp, "--strict", "--max-pack-size", "65536");
        assertThat(check[0]).as(check[1]).isEqualTo("0");
        try (BlobStore store = small(tmp).open()) {
            store.rebuildIndex();
            for (int i = 0; i < refs.size(); i++) {
                assertThat(store.exists(refs.get(i))).isEqualTo(i % 3 == 0);
            }
        }
    }

    @Test
    void anIndexThatMissedADeletionAndThePutAfterItCountsTheBlobOnce() {
        // the rocksdb index stops before the deletion and the put again (another index was in use
        // meanwhile; a crash that loses index writes leaves the same): opening it indexes the put
        // again found after its checkpoint, which moves a blob it holds rather than adding one
        Random rnd = new Random(SEED.seed(7));
        byte[] kept = random(rnd, 3000);
        byte[] again = random(rnd, 4000);
        BlobRef againRef;
        try (BlobStore store = small(tmp).index("rocksdb").open()) {
            store.putAll(List.of(kept, again));
        }
        try (BlobStore store = small(tmp).index(new org.blobsfile.core.testing.KeptMemoryIndex()).open()) {
            againRef = store.put(again);
            assertThat(store.delete(againRef)).isTrue();
            store.put(again);
        }
        try (BlobStore store = small(tmp).index("rocksdb").open()) {
            assertThat(store.get(againRef)).isEqualTo(again);
            assertThat(store.enumerate().count()).isEqualTo(2);
            StoreStats s = store.stats();
            assertThat(s.blobs()).isEqualTo(2);
            assertThat(s.bytes()).isEqualTo(kept.length + again.length);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void aRecoveryCutShortIsCountedOnceWhenItRunsAgain() throws Exception {
        // a recovery writes the keys it finds after the checkpoint, then the checkpoint with the
        // totals: cut between the two, the next one finds keys the totals do not count yet
        Random rnd = new Random(SEED.seed(9));
        org.blobsfile.core.testing.KeptMemoryIndex kept = new org.blobsfile.core.testing.KeptMemoryIndex();
        try (BlobStore store = small(tmp).index(kept).open()) {
            store.put(random(rnd, 1000));
        }
        List<BlobInfo> later;
        try (BlobStore store = small(tmp).index("rocksdb").open()) {
            store.putAll(List.of(random(rnd, 2000), random(rnd, 3000)));
            later = store.enumerate().filter(i -> i.offset() > 64).toList();
        }
        org.blobsfile.api.spi.IndexBatch keysOnly = new org.blobsfile.api.spi.IndexBatch();
        for (BlobInfo i : later) {
            keysOnly.put(i.ref().bytes(), new org.blobsfile.core.internal.index.Location(i.pack(), i.offset(),
                    i.storedSize(), i.size(), i.codecId()).encode());
        }
        kept.open(tmp.resolve("index-" + kept.name())).write(keysOnly);
        try (BlobStore store = small(tmp).index(kept).open()) {
            assertThat(store.enumerate().count()).isEqualTo(3);
            assertThat(store.stats().blobs()).isEqualTo(3);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void aRecoveryCutShortAfterMovingABlobCountsItOnceWhenItRunsAgain() throws Exception {
        // the recovery cut short had moved a blob put again after its deletion to its new place,
        // over the old place the totals count: the next recovery cannot tell from the key alone
        Random rnd = new Random(SEED.seed(11));
        org.blobsfile.core.testing.KeptMemoryIndex kept = new org.blobsfile.core.testing.KeptMemoryIndex();
        byte[] again = random(rnd, 2000);
        BlobRef againRef;
        try (BlobStore store = small(tmp).index(kept).open()) {
            store.put(random(rnd, 1000));
            againRef = store.put(again);
        }
        BlobInfo moved;
        try (BlobStore store = small(tmp).index("rocksdb").open()) {
            store.delete(againRef);
            store.put(again);
            moved = store.enumerate().filter(i -> i.ref().equals(againRef)).findFirst().orElseThrow();
        }
        org.blobsfile.api.spi.IndexBatch keysOnly = new org.blobsfile.api.spi.IndexBatch();
        keysOnly.put(againRef.bytes(), new org.blobsfile.core.internal.index.Location(moved.pack(), moved.offset(),
                moved.storedSize(), moved.size(), moved.codecId()).encode());
        kept.open(tmp.resolve("index-" + kept.name())).write(keysOnly);
        try (BlobStore store = small(tmp).index(kept).open()) {
            assertThat(store.get(againRef)).isEqualTo(again);
            assertThat(store.enumerate().count()).isEqualTo(2);
            assertThat(store.stats().blobs()).isEqualTo(2);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void aDeletionLogWhoseHeaderNeverReachedTheDiskIsStartedAgain() throws Exception {
        // a power cut after the log's first append, before its force, can keep the file's length
        // and lose its first page: the header and the first records are zeros
        Random rnd = new Random(SEED.seed(8));
        byte[] first = random(rnd, 3000);
        byte[] second = random(rnd, 2000);
        BlobRef firstRef;
        BlobRef secondRef;
        try (BlobStore store = small(tmp).durability(Durability.NONE).open()) {
            firstRef = store.put(first);
            secondRef = store.put(second);
            store.delete(firstRef);
        }
        Path log = tmp.resolve(DeletionLog.FILE_NAME);
        Files.write(log, new byte[(int) Files.size(log)]);
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("index-")).toList()) {
                deleteTree(p); // the index went with the power too
            }
        }
        try (BlobStore store = small(tmp).open()) {
            assertThat(store.get(firstRef)).as("its deletion was never forced").isEqualTo(first);
            assertThat(store.delete(secondRef)).isTrue();
        }
        try (BlobStore store = small(tmp).open()) {
            assertAbsent(store, secondRef);
            store.rebuildIndex();
            assertAbsent(store, secondRef);
            assertThat(store.get(firstRef)).isEqualTo(first);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void compactionRewritesAPackWhoseLastEntriesAreNotIndexedYet() throws Exception {
        // the index writes of the last puts into a pack are held back while it is sealed and
        // compacted: their entries must not be taken for blobs the index lost
        Random rnd = new Random(SEED.seed(10));
        List<BlobRef> refs = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        try (BlobStore store = small(tmp).index(new org.blobsfile.core.testing.GatedIndexProvider())
                .durability(Durability.GROUP).open()) {
            for (int i = 0; i < 12; i++) {
                blobs.add(random(rnd, 3000));
                refs.add(store.put(blobs.get(i)));
            }
            store.deleteAll(refs.subList(0, 6));
            org.blobsfile.core.testing.GatedIndexProvider.arm();
            CompactionReport report;
            try {
                for (int i = 12; i < 24; i++) { // the pack rolls over after about 21 of them
                    blobs.add(random(rnd, 3000));
                    refs.add(store.put(blobs.get(i)));
                }
                org.blobsfile.core.testing.GatedIndexProvider.entered().await();
                java.util.concurrent.CompletableFuture<CompactionReport> compaction = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> store.compact(CompactionOptions.defaults().withMinGarbagePercent(10),
                                (d, t) -> { }));
                Thread compacting = null;
                while (!compaction.isDone() && compacting == null) {
                    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                        boolean inCompaction = false;
                        boolean draining = false;
                        for (StackTraceElement f : e.getValue()) {
                            inCompaction |= f.getClassName().endsWith("Compactor");
                            draining |= f.getClassName().endsWith("IndexQueue") && f.getMethodName().equals("drain");
                        }
                        if (inCompaction && draining) {
                            compacting = e.getKey(); // waits for the held index write
                        }
                    }
                    Thread.onSpinWait();
                }
                org.blobsfile.core.testing.GatedIndexProvider.open();
                report = compaction.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                org.blobsfile.core.testing.GatedIndexProvider.open();
            }
            assertThat(report.skipped()).isEmpty();
            assertThat(report.rewritten()).contains(tmp.resolve("blobs-00000"));
            for (int i = 0; i < refs.size(); i++) {
                if (i < 6) {
                    assertAbsent(store, refs.get(i));
                } else {
                    assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
                }
            }
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    private static void assertAbsent(BlobStore store, BlobRef ref) {
        assertThat(store.exists(ref)).isFalse();
        assertThatThrownBy(() -> store.get(ref)).isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> store.size(ref)).isInstanceOf(BlobNotFoundException.class);
        assertThat(store.enumerate().map(BlobInfo::ref)).doesNotContain(ref);
    }

    private static void deleteTree(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
