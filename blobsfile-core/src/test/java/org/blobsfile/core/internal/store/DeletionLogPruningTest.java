package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Durability;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.testing.DeletionLogAudit;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.core.testing.PackEntryCopies;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pruning of the deletion log, forced after every compaction, on stores of small packs that hold
 * second copies of blobs (appended at the file layer, as a crash between an append and its index
 * write or a compaction cut short leaves them). After every step the store equals a model of the
 * live blobs, through reopens, rebuilds of the index from the packs and switches of index plugin;
 * the stats count the same compactions and bytes given back; an audit of the log and the packs
 * at the file layer ({@link DeletionLogAudit}) finds every entry of a deleted blob covered by a
 * deletion and, once a pruning ran, no deletion left that no pack needs. Then crashes around the
 * replacement of the log, a leftover new log, and damage that must stop a pruning.
 */
class DeletionLogPruningTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;
    private static final PackGeometry GEOMETRY = PackGeometry.of(PACK);
    private static final int CASES = 20;
    private static final int ROUNDS = 7;
    /**
     * Whether a switch of index plugin in the random cases finds the index that plugin last left
     * (by default), which may predate a pruning, or one built from the packs
     * ({@code -Dblobsfile.pruning.staleSwitch=false}).
     */
    private static final boolean STALE_SWITCH = !"false".equals(System.getProperty("blobsfile.pruning.staleSwitch"));

    @TempDir
    Path tmp;

    @BeforeEach
    void forcePruning() {
        System.setProperty(Compactor.PRUNE_AT_PROPERTY, "1");
    }

    @AfterEach
    void stopForcingPruning() {
        System.clearProperty(Compactor.PRUNE_AT_PROPERTY);
    }

    /** A store directory, the model of its live blobs and what its stats must count. */
    private static final class Subject {
        final Path dir;
        final KeptMemoryIndex kept = new KeptMemoryIndex();
        final TreeMap<BlobRef, byte[]> model = new TreeMap<>();
        final Set<BlobRef> deleted = new HashSet<>();
        final List<String> steps = new ArrayList<>();
        long compactions;
        long reclaimed;
        boolean rocks;
        BlobStore store;
        /** The deletion counters as the last change left them: reopening or rebuilding keeps them. */
        StoreStats counted;

        Subject(Path dir) {
            this.dir = dir;
        }

        void open() {
            var b = BlobStore.builder(dir).maxPackSize(PACK).durability(Durability.GROUP);
            store = rocks ? b.index("rocksdb").open() : b.index(kept).open();
        }

        void close() {
            store.close();
            store = null;
        }

        BlobRef put(byte[] blob) {
            BlobRef ref = store.put(blob);
            model.put(ref, blob);
            deleted.remove(ref);
            return ref;
        }

        void delete(BlobRef ref) {
            assertThat(store.delete(ref)).as("delete of %s (live %s)", ref, model.containsKey(ref))
                    .isEqualTo(model.containsKey(ref));
            if (model.remove(ref) != null) {
                deleted.add(ref);
            }
        }

        CompactionReport compact(int pct) {
            CompactionReport r = store.compact(CompactionOptions.defaults().withMinGarbagePercent(pct), (d, t) -> { });
            assertThat(r.skipped()).as("skipped").isEmpty();
            compactions += r.rewritten().size();
            reclaimed += r.bytesReclaimed();
            steps.add("compact " + pct + "% -> " + r.rewritten().stream().map(p -> p.getFileName().toString()).toList());
            return r;
        }

        /** The store equals the model, and its stats count what the model says. */
        void check(String where) {
            List<BlobInfo> listed = store.enumerate().toList();
            assertThat(listed.stream().map(BlobInfo::ref).toList()).as("listing %s", where)
                    .containsExactlyElementsOf(model.keySet());
            for (var e : model.entrySet()) {
                assertThat(store.get(e.getKey())).as("live %s %s", e.getKey(), where).isEqualTo(e.getValue());
            }
            for (BlobRef ref : deleted) {
                assertThat(store.exists(ref)).as("deleted %s exists %s", ref, where).isFalse();
                assertThatThrownBy(() -> store.get(ref)).as("get of deleted %s %s", ref, where)
                        .isInstanceOf(BlobNotFoundException.class);
            }
            StoreStats s = store.stats();
            assertThat(s.blobs()).as("stats blobs %s", where).isEqualTo(model.size());
            assertThat(s.compactions()).as("compactions %s", where).isEqualTo(compactions);
            assertThat(s.reclaimedBytes()).as("bytes given back %s", where).isEqualTo(reclaimed);
            if (counted != null) {
                assertThat(s.deletedBlobs()).as("deleted blobs %s", where).isEqualTo(counted.deletedBlobs());
                assertThat(s.garbageByPack()).as("garbage %s", where).isEqualTo(counted.garbageByPack());
            }
        }

        /** Takes the deletion counters as they are now as the ones later reopens and rebuilds must find. */
        void count() {
            counted = store.stats();
            assertThat(counted.garbageBytes()).isEqualTo(counted.garbageByPack().values().stream()
                    .mapToLong(x -> x).sum());
        }

        /** Reopens, then loses the index and reopens, then rebuilds it in place: each equal to the model. */
        void reopenAndRebuild(String where) throws IOException {
            close();
            open();
            check("reopened " + where);
            close();
            forgetIndex();
            open();
            check("index rebuilt at open " + where);
            store.rebuildIndex();
            check("index rebuilt " + where);
        }

        void forgetIndex() throws IOException {
            kept.forget(dir);
            StoreTestSupport.deleteIndex(dir);
        }

        /** Loses the index of one plugin only, so that switching to it builds it from the packs. */
        void forgetIndexOf(boolean rocksdb) throws IOException {
            if (!rocksdb) {
                kept.forget(dir);
                return;
            }
            Path index = dir.resolve("index-rocksdb");
            if (Files.exists(index)) {
                try (var walk = Files.walk(index)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }

        /** With the store closed: the log and packs keep every rule of pruning. */
        DeletionLogAudit audit(String where) throws IOException {
            DeletionLogAudit a = DeletionLogAudit.of(dir, model.keySet());
            assertThat(a.uncovered()).as("entries of deleted blobs no deletion covers %s (a rebuild brings them back)",
                    where).isEmpty();
            assertThat(a.lost()).as("live blobs every entry of which a deletion covers %s", where).isEmpty();
            assertThat(a.misplaced()).as(where).isEmpty();
            return a;
        }

        String history() {
            return String.join("\n  ", steps);
        }
    }

    /** Puts fresh blobs of 2 to 6 KiB until the store has sealed {@code sealed} packs. */
    private static List<BlobRef> fillUntilSealed(Subject s, Random r, int sealed) {
        return fillUntilSealed(s, r, sealed, 2000, 6000);
    }

    /** Puts fresh blobs of {@code min} to {@code max} bytes until the store has sealed {@code sealed} packs. */
    private static List<BlobRef> fillUntilSealed(Subject s, Random r, int sealed, int min, int max) {
        List<BlobRef> refs = new ArrayList<>();
        while (s.store.sealedPacks().size() < sealed) {
            refs.add(s.put(StoreTestSupport.random(r, min + r.nextInt(max - min))));
        }
        s.store.verify(); // waits for the seals under way
        return refs;
    }

    private static List<BlobRef> inPack(Subject s, int pack) {
        return s.store.enumerate().filter(i -> i.pack() == pack).map(BlobInfo::ref).toList();
    }

    private static int packOf(Subject s, BlobRef ref) {
        return s.store.enumerate().filter(i -> i.ref().equals(ref)).findFirst().orElseThrow().pack();
    }

    /** With the store closed, appends a copy of the entry of {@code ref} in {@code pack} to the active pack. */
    private static PackEntryCopies.Entry copy(Subject s, BlobRef ref, int pack) throws IOException {
        for (PackEntryCopies.Entry e : PackEntryCopies.entries(s.dir)) {
            if (e.ref().equals(ref) && e.pack() == pack) {
                return PackEntryCopies.appendCopy(s.dir, e, GEOMETRY);
            }
        }
        throw new AssertionError("no entry of " + ref + " in pack " + pack);
    }

    /**
     * A log whose first record was damaged reads as generation 0, and is not pruned again: a new
     * generation could repeat one an index kept from before applied, which would then take the
     * new log's offsets for its own. The kept index sees every deletion.
     */
    @Test
    void aLogWhoseFirstRecordIsDamagedIsNotPrunedSoNoGenerationComesAgain() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open(); // the kept in-memory plugin
        fillUntilSealed(s, r, 4);
        inPack(s, 0).forEach(s::delete);
        s.compact(0);
        inPack(s, 1).forEach(s::delete); // a log the kept index applies to its end
        s.close();
        int kept = generation(s.dir);
        s.rocks = true;
        s.open();
        s.compact(50);
        s.close();
        int before = generation(s.dir);
        assertThat(before).isGreaterThan(kept);
        flip(s.dir.resolve(DeletionLog.FILE_NAME), DeletionLog.HEADER_SIZE + 40);
        s.open();
        BlobRef x = inPack(s, 3).get(0);
        inPack(s, 2).forEach(s::delete);
        s.compact(50); // a pruning of the log whose first record does not verify
        s.delete(x);
        s.close();
        assertThat(generation(s.dir)).as("generation after %d and %d", kept, before).isZero();
        s.rocks = false;
        s.open(); // back to the kept index, of the first generation
        assertThat(s.store.exists(x)).as("deleted blob back").isFalse();
        // the damaged first record took its compaction totals with it, so the stats differ; the blobs do not
        for (var e : s.model.entrySet()) {
            assertThat(s.store.get(e.getKey())).as("live %s", e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(s.store.enumerate().count()).isEqualTo(s.model.size());
        s.close();
    }

    /**
     * A pruning checks every payload it walks: a header whose hash field is damaged hides the copy
     * of a deleted blob from a walk of headers, and a repair would bring it back once its deletion
     * were gone. So no pruning runs while such an entry is there, and the blob stays deleted.
     */
    @Test
    void aDamagedHashFieldStopsThePruningThatWouldLoseTheDeletionOfTheCopyItHides() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open();
        fillUntilSealed(s, r, 2);
        BlobRef x = inPack(s, 0).get(1);
        s.close();
        PackEntryCopies.Entry second = copy(s, x, 0);
        s.open();
        int b = second.pack();
        fillUntilSealed(s, r, b + 1);
        s.delete(x);
        inPack(s, b).forEach(s::delete);
        s.close();
        long stale = PackEntryCopies.entries(s.dir).stream().filter(e -> e.pack() == 0 && e.ref().equals(x))
                .findFirst().orElseThrow().offset();
        flip(PackFormat.path(s.dir, 0), stale + EntryHeader.HASH + 5);
        s.open();
        s.compact(0);
        s.close();
        assertThat(DeletionLogAudit.of(s.dir, s.model.keySet()).deletes(x)).as("the deletion of x kept").isTrue();
        s.open();
        assertThat(s.store.repair().isComplete()).isTrue();
        assertThat(s.store.exists(x)).as("deleted blob back after repair").isFalse();
        s.store.rebuildIndex();
        assertThat(s.store.exists(x)).as("deleted blob back after reindex").isFalse();
        s.close();
    }

    @Test
    void aDeletionStaysWhileAnotherPackHoldsACopyAndGoesOnceThatPackIsCompacted() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open();
        fillUntilSealed(s, r, 2);
        BlobRef x = inPack(s, 0).get(1);
        s.close();
        PackEntryCopies.Entry second = copy(s, x, 0);
        assertThat(second).as("room in the active pack").isNotNull();
        s.open();
        s.check("after the copy was found");
        assertThat(packOf(s, x)).as("the index follows the later copy").isEqualTo(second.pack());
        // once x's new pack is sealed, x and every other blob of it go, and it is compacted
        int b = second.pack();
        fillUntilSealed(s, r, b + 1);
        s.delete(x);
        inPack(s, b).forEach(s::delete);
        s.compact(0);
        s.count();
        s.check("after compacting the pack the index had x in");
        s.close();
        DeletionLogAudit a = s.audit("after the first pruning");
        assertThat(a.generation()).as("pruned").isPositive();
        assertThat(a.deletes(x)).as("the deletion of x, whose copy pack 0 still holds, is kept").isTrue();
        assertThat(a.unneeded()).as("deletions no pack needs").isEmpty();
        s.open();
        s.reopenAndRebuild("with x's copy in pack 0");
        // pack 0 gets garbage and is compacted: its copy of x goes, and with it the need for x's deletion
        inPack(s, 0).forEach(s::delete);
        s.compact(0);
        s.count();
        s.check("after compacting pack 0");
        s.close();
        DeletionLogAudit after = s.audit("after pack 0 was compacted");
        assertThat(after.deletes(x)).as("the deletion of x, no longer needed").isFalse();
        assertThat(after.unneeded()).isEmpty();
        assertThat(after.fileSize()).as("the log shrank").isLessThan(a.fileSize());
        s.open();
        s.reopenAndRebuild("with no copy of x left");
        s.close();
    }

    /**
     * An index last written before a pruning (the other index plugin's, kept from before) cannot
     * follow the pruned log by its offsets: it is built from the packs at open, and no deleted
     * blob is listed or read again.
     */
    @Test
    void aStaleIndexOfAnotherPluginStillSeesEveryDeletionAfterAPruning() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.rocks = true;
        s.open();
        List<BlobRef> first = fillUntilSealed(s, r, 3);
        for (int i = 0; i < 6; i++) {
            s.delete(first.get(first.size() - 1 - i)); // deletions the rocksdb index applies
        }
        s.count();
        s.close();
        s.rocks = false;
        s.open();
        s.check("switched to the kept index");
        inPack(s, 0).forEach(s::delete);
        s.compact(0);
        s.count();
        s.check("compacted and pruned with the kept index");
        BlobRef late = inPack(s, 1).get(0);
        s.delete(late);
        s.count();
        s.close();
        DeletionLogAudit a = s.audit("after the pruning");
        assertThat(a.generation()).as("pruned").isPositive();
        s.rocks = true;
        s.open();
        s.check("switched back to the rocksdb index, last written before the pruning");
        s.close();
    }

    /**
     * The RocksDB index writes without forcing, so a power cut may take its last writes while the
     * forced deletion log keeps the deletion they applied and the pruning after it: the index is
     * built again from the packs, and a blob whose delete returned stays deleted.
     */
    @Test
    void anIndexThatLostItsLastWritesInAPowerCutStillSeesEveryDeletion() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.rocks = true;
        s.open();
        fillUntilSealed(s, r, 2);
        inPack(s, 0).forEach(s::delete);
        s.count();
        s.close();
        Path index = s.dir.resolve("index-rocksdb");
        Path before = tmp.resolve("index-before");
        copyTree(index, before);
        s.open();
        s.delete(inPack(s, 1).get(0)); // its record follows those the copy of the index applied
        s.compact(0);
        s.count();
        s.close();
        assertThat(generation(s.dir)).as("pruned").isPositive();
        // the power cut: the index as it was forced, before the deletion, the compaction and the pruning
        s.forgetIndexOf(true);
        copyTree(before, index);
        s.open();
        s.check("with the index a power cut rolled back");
        s.close();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** An index that fails every write from the first one after the deletion log was replaced. */
    private static final class CrashAfterPruning implements IndexProvider {
        private final KeptMemoryIndex kept;
        private final Path dir;
        boolean crashed;

        CrashAfterPruning(KeptMemoryIndex kept, Path dir) {
            this.kept = kept;
            this.dir = dir;
        }

        @Override
        public String name() {
            return kept.name();
        }

        @Override
        public void destroy(Path directory) throws IOException {
            kept.destroy(directory);
        }

        @Override
        public BlobIndex open(Path directory) throws IOException {
            BlobIndex in = kept.open(directory);
            return new BlobIndex() {
                @Override
                public byte[] get(byte[] key) throws IOException {
                    return in.get(key);
                }

                @Override
                public void write(IndexBatch batch) throws IOException {
                    if (!crashed && generation(dir) > 0) {
                        crashed = true;
                        kept.fence(); // the process dies here: this write and every later one are lost
                    }
                    in.write(batch);
                }

                @Override
                public List<IndexRecord> scan(byte[] fromInclusive, int limit) throws IOException {
                    return in.scan(fromInclusive, limit);
                }

                @Override
                public byte[] getMeta(String name) throws IOException {
                    return in.getMeta(name);
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }
    }

    private static int generation(Path dir) throws IOException {
        Path log = dir.resolve(DeletionLog.FILE_NAME);
        if (!Files.exists(log)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            return DeletionLog.generation(ch);
        }
    }

    @Test
    void aCrashBetweenTheNewLogAndTheIndexWriteLosesNothing() throws Exception {
        crashBetweenTheNewLogAndTheIndexWrite(false);
    }

    /**
     * A pruning that would drop nothing (each deletion it looks at covers a copy in another pack)
     * writes no new log: a crash where its index write would have been counts nothing twice, and
     * the log does not grow by a record of its own.
     */
    @Test
    void aCrashAfterAPruningThatDropsNothingCountsNothingTwice() throws Exception {
        crashBetweenTheNewLogAndTheIndexWrite(true);
    }

    /**
     * @param keepAll whether every deletion the pruning looks at is still needed (a copy of each
     *                blob in another pack), so that the pruned log drops nothing
     */
    private void crashBetweenTheNewLogAndTheIndexWrite(boolean keepAll) throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open();
        if (keepAll) {
            // few, large blobs, so that one deletion is enough for a pruning; x gets a second copy in
            // the active pack, and the index follows it there
            fillUntilSealed(s, r, 1, 15_000, 20_000);
            BlobRef x = inPack(s, 0).get(0);
            PackEntryCopies.Entry second = null;
            for (int tries = 0; second == null && tries < 3; tries++) {
                s.close();
                second = copy(s, x, 0);
                s.open();
                if (second == null) {
                    s.put(StoreTestSupport.random(r, 15_000 + r.nextInt(5000))); // the next pack has room
                }
            }
            assertThat(second).as("room in the active pack").isNotNull();
            assertThat(packOf(s, x)).isEqualTo(second.pack());
            s.delete(x);
            fillUntilSealed(s, r, second.pack() + 1, 15_000, 20_000);
            assertThat(s.model.size()).as("live blobs").isLessThan(32);
        } else {
            fillUntilSealed(s, r, 2);
            inPack(s, 0).forEach(s::delete);
        }
        s.count();
        s.close();
        CrashAfterPruning crashing = new CrashAfterPruning(s.kept, s.dir);
        BlobStore store = BlobStore.builder(s.dir).maxPackSize(PACK).durability(Durability.GROUP).index(crashing)
                .open();
        long before = Files.size(s.dir.resolve(DeletionLog.FILE_NAME));
        int generation = generation(s.dir);
        try {
            CompactionReport report = store.compact(CompactionOptions.defaults().withMinGarbagePercent(0), (d, t) -> { });
            s.compactions += report.rewritten().size();
            s.reclaimed += report.bytesReclaimed();
            s.counted = store.stats();
        } catch (RuntimeException e) {
            // the index write after the new log failed: the process is gone
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            // its index refuses writes
        }
        if (keepAll) {
            // each deletion is still needed, so there is no new log to crash after
            assertThat(crashing.crashed).as("a pruning that drops nothing writes no log").isFalse();
            assertThat(generation(s.dir)).isEqualTo(generation);
        } else {
            assertThat(crashing.crashed).as("the log was pruned").isTrue();
            assertThat(generation(s.dir)).isGreaterThan(generation);
        }
        s.steps.add("crash after the pruning, log " + before + " -> " + Files.size(s.dir.resolve(DeletionLog.FILE_NAME))
                + " bytes");
        s.audit("after the crash");
        s.open();
        // the index applied the old log to its end: it goes on in the new one, not built again
        assertThat(s.store.stats().indexRebuilds()).as("index rebuilds at the open after the crash").isZero();
        s.check("reopened after the crash\n  " + s.history());
        s.count();
        // a deletion after the crash lands at the new log's end, and the index applies it
        BlobRef later = s.model.firstKey();
        s.delete(later);
        s.count();
        s.kept.fence(); // a second crash, right after the deletion returned
        try {
            s.store.close();
        } catch (RuntimeException e) {
            // its index refuses writes
        }
        s.store = null;
        s.open();
        s.check("reopened after a second crash");
        s.reopenAndRebuild("after the crashes");
        s.close();
        s.audit("at the end");
    }

    @Test
    void aLeftoverNewLogIsRemovedAtOpenAndChangesNothing() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open();
        fillUntilSealed(s, r, 2);
        inPack(s, 0).forEach(s::delete);
        s.delete(inPack(s, 1).get(0));
        s.count();
        s.close();
        Path log = s.dir.resolve(DeletionLog.FILE_NAME);
        Path leftover = s.dir.resolve(DeletionLog.FILE_NAME + DeletionLog.REWRITE_SUFFIX);
        // what a pruning cut short leaves: a copy of the log's header and a few of its records
        byte[] bytes = Files.readAllBytes(log);
        Files.write(leftover, java.util.Arrays.copyOf(bytes, DeletionLog.HEADER_SIZE + 2 * DeletionLog.RECORD_SIZE
                + 17));
        s.open();
        assertThat(leftover).as("removed at open").doesNotExist();
        assertThat(Files.readAllBytes(log)).as("the log untouched").isEqualTo(bytes);
        s.check("with a leftover new log");
        s.close();
        // and the same beside a store whose index is lost
        Files.write(leftover, bytes);
        s.forgetIndex();
        s.open();
        assertThat(leftover).doesNotExist();
        s.check("index rebuilt beside a leftover new log");
        s.compact(0);
        s.count();
        s.reopenAndRebuild("after the pruning that followed");
        s.close();
        assertThat(s.audit("at the end").generation()).isPositive();
    }

    /** Where the damage is: a record of the log, which is left out of the pruned log once the log is saved, or a pack, which stops the pruning. */
    enum Damage { LOG_RECORD, PACK_ENTRY_HEADER }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damageIsKeptAsItWasAndLosesNothing(Damage damage) throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open();
        fillUntilSealed(s, r, 3);
        inPack(s, 0).forEach(s::delete);
        s.delete(inPack(s, 2).get(0));
        s.count();
        s.close();
        Path log = s.dir.resolve(DeletionLog.FILE_NAME);
        String target;
        if (damage == Damage.LOG_RECORD) {
            // the last deletion, of a blob in pack 2, which no compaction here touches
            long at = Files.size(log) - DeletionLog.RECORD_SIZE + 30;
            flip(log, at);
            target = "log offset " + at;
        } else {
            // the header of a live entry in pack 1, a sealed pack that parity still repairs
            PackEntryCopies.Entry e = PackEntryCopies.entries(s.dir).stream().filter(x -> x.pack() == 1
                    && s.model.containsKey(x.ref())).findFirst().orElseThrow();
            long at = e.offset() + EntryHeader.LENGTH - 3;
            flip(PackFormat.path(s.dir, 1), at);
            target = "pack 1 offset " + at;
        }
        long before = Files.size(log);
        byte[] damagedLog = Files.readAllBytes(log);
        DeletionLogAudit damaged = DeletionLogAudit.of(s.dir, s.model.keySet());
        s.open();
        // pack 0 only: a deletion the log lost would make a compaction of pack 2 take its blob for a live one
        CompactionReport report = s.compact(50);
        s.count();
        s.close();
        assertThat(report.rewritten()).hasSize(1);
        if (damage == Damage.LOG_RECORD) {
            // the log as it was, the compaction's record after the damaged one, is kept whole in lost+found
            assertThat(generation(s.dir)).as("pruned with damage at %s", target).isPositive();
            assertThat(Files.size(log)).isLessThan(before);
            List<Path> saved;
            try (var files = Files.list(s.dir.resolve(LostAndFound.DIR))) {
                saved = files.filter(f -> f.getFileName().toString().startsWith(DeletionLog.FILE_NAME + ".")
                        && !f.getFileName().toString().endsWith(".txt")).toList();
            }
            assertThat(saved).hasSize(1);
            byte[] copy = Files.readAllBytes(saved.get(0));
            assertThat(copy).hasSize((int) before + DeletionLog.RECORD_SIZE);
            assertThat(java.util.Arrays.copyOf(copy, (int) before)).isEqualTo(damagedLog);
        } else {
            assertThat(Files.size(log)).as("not pruned with damage at %s", target)
                    .isEqualTo(before + DeletionLog.RECORD_SIZE);
            assertThat(generation(s.dir)).isZero();
            assertThat(DeletionLogAudit.of(s.dir, s.model.keySet()).deletions()).isEqualTo(damaged.deletions());
        }
        s.open();
        if (damage == Damage.PACK_ENTRY_HEADER) {
            assertThat(s.store.repair().isComplete()).as("repaired").isTrue();
        }
        for (var e : s.model.entrySet()) {
            assertThat(s.store.get(e.getKey())).as("live %s", e.getKey()).isEqualTo(e.getValue());
        }
        if (damage == Damage.PACK_ENTRY_HEADER) {
            s.check("repaired");
            s.compact(0);
            s.count();
            s.close();
            assertThat(generation(s.dir)).as("pruned once the pack is repaired").isPositive();
            s.audit("after the repair and a pruning");
            s.open();
            s.reopenAndRebuild("after the repair and a pruning");
        }
        s.close();
    }

    /**
     * A power cut in the middle of an append leaves a torn last slot, which never verifies; the
     * next pruning keeps the log whole in lost+found and leaves the slot out, so prunings go on.
     */
    @Test
    void aRecordAPowerCutToreDoesNotStopEveryLaterPruning() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open();
        fillUntilSealed(s, r, 3);
        s.delete(inPack(s, 2).get(0));
        s.count();
        s.close();
        Path log = s.dir.resolve(DeletionLog.FILE_NAME);
        // the first 17 bytes of the next record: a deletion cut short, whose delete never returned
        Files.write(log, java.util.Arrays.copyOfRange(Files.readAllBytes(log), DeletionLog.HEADER_SIZE,
                DeletionLog.HEADER_SIZE + 17), StandardOpenOption.APPEND);
        for (int pack = 0; pack < 2; pack++) {
            s.open();
            inPack(s, pack).forEach(s::delete);
            s.compact(0);
            s.count();
            s.reopenAndRebuild("after compacting pack " + pack);
            s.close();
        }
        DeletionLogAudit a = s.audit("after two compactions");
        assertThat(a.unneeded()).as("deletions of emptied packs that no pack needs, kept in a log of %d bytes",
                a.fileSize()).isEmpty();
    }

    private static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, at);
        }
    }

    @Test
    void deletionsAndPutsWhileCompactionsPruneTheLogKeepTheModel() throws Exception {
        Random r = SEED.random();
        Subject s = new Subject(tmp.resolve("store"));
        s.open();
        List<byte[]> pool = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            pool.add(StoreTestSupport.random(r, 1500 + r.nextInt(4500)));
        }
        pool.forEach(s::put);
        s.store.verify();
        // one thread deletes and puts again while another compacts: a deletion appended while a pruning
        // walks the packs is carried over to the new log as it is
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger compactions = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong reclaimed = new java.util.concurrent.atomic.AtomicLong();
        BlobStore store = s.store;
        Thread compactor = new Thread(() -> {
            while (!done.get()) {
                CompactionReport rep = store.compact(CompactionOptions.defaults().withMinGarbagePercent(0), (d, t) -> { });
                compactions.addAndGet(rep.rewritten().size());
                reclaimed.addAndGet(rep.bytesReclaimed());
            }
        });
        Throwable[] failed = {null};
        compactor.setUncaughtExceptionHandler((t, e) -> failed[0] = e);
        compactor.start();
        try {
            for (int i = 0; i < 400; i++) {
                byte[] b = pool.get(r.nextInt(pool.size()));
                BlobRef ref = BlobRef.of(org.blobsfile.core.internal.hash.Blake2b.hash(b, 0, b.length));
                if (s.model.containsKey(ref) && r.nextInt(3) != 0) {
                    s.delete(ref);
                } else {
                    s.put(b);
                }
            }
        } finally {
            done.set(true);
            compactor.join();
        }
        assertThat(failed[0]).as("the compacting thread").isNull();
        s.compactions = compactions.get();
        s.reclaimed = reclaimed.get();
        s.store.verify();
        s.compact(0);
        s.count();
        s.check("after the race");
        s.reopenAndRebuild("after the race");
        s.close();
        assertThat(s.audit("after the race").generation()).as("prunings").isPositive();
    }

    @Test
    void randomCasesKeepEveryRuleOfPruning() throws Exception {
        Random root = SEED.random();
        int pruned = 0;
        int copies = 0;
        int keptForCopies = 0;
        for (int c = 0; c < CASES; c++) {
            long seed = root.nextLong();
            Subject s = new Subject(tmp.resolve("case-" + c));
            try {
                int[] found = new RandomCase(s, new Random(seed)).run();
                pruned += found[0];
                copies += found[1];
                keptForCopies += found[2];
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("pruning case " + c + " (seed " + seed + ") failed after:\n  " + s.history()
                        + "\n" + e.getMessage(), e);
            } finally {
                if (s.store != null) {
                    s.store.close();
                }
            }
        }
        System.out.printf("deletion log pruning: %d cases, %d prunings, %d second copies, %d deletions kept for a"
                + " copy%n", CASES, pruned, copies, keptForCopies);
        assertThat(pruned).as("prunings seen").isPositive();
        assertThat(copies).as("second copies made").isPositive();
    }

    /** One seeded sequence: puts, deletions, re-puts, second copies, compactions, reopens and rebuilds. */
    private static final class RandomCase {
        private final Subject s;
        private final Random r;
        private final List<byte[]> pool = new ArrayList<>();
        private int generation;
        private int prunings;
        private int copies;
        private int keptForCopies;
        /** Blobs with a second copy the index does not point to. */
        private final Set<BlobRef> copied = new HashSet<>();

        RandomCase(Subject s, Random r) {
            this.s = s;
            this.r = r;
        }

        /** @return prunings seen, second copies made, deletions a pruning kept for a copy */
        int[] run() throws IOException {
            s.rocks = false;
            boolean switchesPlugin = r.nextInt(5) == 0;
            s.open();
            for (int i = 0; i < 30; i++) {
                put(fresh());
            }
            for (int round = 0; round < ROUNDS; round++) {
                int k = r.nextInt(10);
                if (k < 3) {
                    makeCopies();
                }
                deleteSome();
                if (r.nextInt(3) == 0) {
                    reput();
                }
                if (r.nextBoolean()) {
                    deleteCopied();
                }
                for (int i = r.nextInt(12); i > 0; i--) {
                    put(fresh());
                }
                s.store.verify(); // waits for the seals under way, so full packs can be compacted
                s.compact(r.nextInt(4) == 0 ? 20 : 0);
                s.count();
                s.check("after the compaction");
                audit();
                // a switch of index plugin opens RocksDB, the slowest step: once, in a fifth of the cases
                switch (round == ROUNDS - 2 && switchesPlugin ? 3 : r.nextInt(3)) {
                    case 0 -> {
                        s.close();
                        s.open();
                        s.check("reopened");
                    }
                    case 1 -> {
                        s.close();
                        s.forgetIndex();
                        s.open();
                        s.check("index lost and rebuilt at open");
                    }
                    case 2 -> {
                        s.store.rebuildIndex();
                        s.check("index rebuilt");
                    }
                    default -> {
                        s.close();
                        s.rocks = !s.rocks;
                        if (!STALE_SWITCH) {
                            // an index of the other plugin written before a pruning misses deletions:
                            // aStaleIndexOfAnotherPluginStillSeesEveryDeletionAfterAPruning shows it
                            s.forgetIndexOf(s.rocks);
                        }
                        s.open();
                        s.steps.add("switch to " + (s.rocks ? "rocksdb" : "kept-memory")
                                + (STALE_SWITCH ? ", its index as that plugin last left it" : ", its index rebuilt"));
                        s.check("index plugin switched");
                    }
                }
            }
            // everything with garbage compacted: no deletion of a compacted pack needed any more but for copies
            s.store.verify();
            s.compact(0);
            s.count();
            s.reopenAndRebuild("at the end");
            audit();
            s.close();
            return new int[] {prunings, copies, keptForCopies};
        }

        private byte[] fresh() {
            byte[] b = StoreTestSupport.random(r, 1500 + r.nextInt(4500));
            pool.add(b);
            return b;
        }

        private void put(byte[] b) {
            s.put(b);
        }

        private void deleteSome() {
            List<BlobRef> live = new ArrayList<>(s.model.keySet());
            int n = live.isEmpty() ? 0 : 1 + r.nextInt(Math.max(1, live.size() / 3));
            List<String> which = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                BlobRef ref = live.get(r.nextInt(live.size()));
                which.add(ref.hex().substring(0, 8));
                s.delete(ref);
            }
            s.steps.add("delete " + which);
        }

        private void reput() {
            List<byte[]> gone = pool.stream().filter(b -> !s.model.containsKey(ref(b))).toList();
            if (!gone.isEmpty()) {
                byte[] b = gone.get(r.nextInt(gone.size()));
                s.steps.add("put again " + ref(b).hex().substring(0, 8));
                put(b);
            }
        }

        private void deleteCopied() {
            List<BlobRef> live = copied.stream().filter(s.model::containsKey).sorted().toList();
            if (!live.isEmpty()) {
                BlobRef x = live.get(r.nextInt(live.size()));
                s.steps.add("delete copied " + x.hex().substring(0, 8));
                s.delete(x);
            }
        }

        private static BlobRef ref(byte[] b) {
            return BlobRef.of(org.blobsfile.core.internal.hash.Blake2b.hash(b, 0, b.length));
        }

        /** Closes the store, appends copies of entries of sealed packs to the active pack, and reopens. */
        private void makeCopies() throws IOException {
            s.store.verify();
            s.close();
            List<PackEntryCopies.Entry> entries = PackEntryCopies.entries(s.dir);
            int last = PackEntryCopies.packCount(s.dir) - 1;
            List<PackEntryCopies.Entry> older = entries.stream().filter(e -> e.pack() < last).toList();
            for (int i = 1 + r.nextInt(3); i > 0 && !older.isEmpty(); i--) {
                PackEntryCopies.Entry e = older.get(r.nextInt(older.size()));
                PackEntryCopies.Entry placed = PackEntryCopies.appendCopy(s.dir, e, GEOMETRY);
                if (placed == null) {
                    break;
                }
                copies++;
                boolean wasLive = s.model.containsKey(e.ref());
                DeletionLogAudit a = DeletionLogAudit.of(s.dir, s.model.keySet());
                if (!wasLive && a.uncovered().stream().anyMatch(u -> u.pack() == placed.pack()
                        && u.offset() == placed.offset())) {
                    // a copy of a deleted blob after its deletion: a put again, at the file layer
                    s.model.put(e.ref(), bytesOf(e.ref()));
                    s.deleted.remove(e.ref());
                }
                copied.add(e.ref());
                s.steps.add("copy " + e.ref().hex().substring(0, 8) + " from pack " + e.pack() + "@" + e.offset()
                        + " to pack " + placed.pack() + "@" + placed.offset() + (wasLive ? "" : " (deleted)"));
            }
            s.open();
            s.check("after copies were appended");
            s.count();
        }

        private byte[] bytesOf(BlobRef ref) {
            return pool.stream().filter(b -> ref(b).equals(ref)).findFirst().orElseThrow();
        }

        /** With the store closed for it: the rules of the log, and no deletion left that no pack needs. */
        private void audit() throws IOException {
            long liveBlobs = s.model.size();
            s.close();
            DeletionLogAudit a = s.audit("\n  " + s.history());
            if (a.generation() > generation) {
                // a generation is a count of seconds, not of prunings: each new one is one pruning
                generation = a.generation();
                prunings++;
            }
            // a pruning runs when at least max(1, live/16) deletions are candidates of packs compacted since
            // the last one: with fewer, some may wait
            if (a.fresh() >= Math.max(1, liveBlobs / 16) && !a.unneeded().isEmpty()) {
                // a pruning that meets a pack being sealed (the compaction's copies filled it) gives
                // up, and the next compaction tries again: one with nothing to compact, once seals are done
                s.open();
                s.store.verify();
                s.compact(100);
                s.count();
                s.close();
                a = s.audit("\n  " + s.history());
                assertThat(a.unneeded()).as("deletions no pack needs, with %d candidates, after\n  %s",
                        a.candidates(), s.history()).isEmpty();
            }
            for (DeletionLog.Record d : a.records()) {
                if (d.kind() == DeletionLog.Kind.DELETED && copied.contains(BlobRef.of(d.hash()))) {
                    keptForCopies++;
                }
            }
            s.open();
            s.check("reopened after the audit");
        }
    }
}
