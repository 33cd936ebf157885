package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.Damage;
import org.blobsfile.api.EvictionReport;
import org.blobsfile.api.Progress;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.archive.ArchiveLedger;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.MemoryArchive;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of puts, deletions, compactions, archives, evictions, reopens, rebuilds,
 * repairs and verifies on a store of small packs with an in-memory archive that is switched off
 * for stretches, and whose local packs are damaged beyond parity, checked against a model: the
 * live blobs with their bytes, and the deleted ones. After every step: live blobs read back
 * exactly, or fail with {@link ArchiveException} only while the archive is off and only in an
 * evicted pack; deleted blobs are absent; the evicted count is the packs missing locally; the
 * archived count never falls. Verify is clean but for a damaged pack not yet repaired, and a
 * repair loses nothing an archived copy holds. At the end the store is archived and restored,
 * fully and lazily, into new directories: every archived live blob is there with its bytes, no
 * deleted one, and the restored packs are the source's byte for byte. A failure names the case's
 * seed and its steps, and leaves its directories in place to look at;
 * {@code -Dblobsfile.model.seed=N} runs that one case alone. Cases: {@value #CASES} times the
 * {@link Cases} factor.
 */
class ArchiveModelTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final int CASES = 3;
    private static final int STEPS = 70;
    private static final long PACK = 64 * 1024;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    /** What every case did, for the summary line. */
    private static final class Tally {
        final TreeMap<String, Integer> ops = new TreeMap<>();
        final TreeMap<String, Long> millis = new TreeMap<>();
        long operations;
        long evictions;
        long rangedReads;
        long restores;
        long checkedLive;
        long unavailableReads;
    }

    @Test
    void randomSequencesKeepTheArchiveTiersRules() throws Exception {
        Long only = Long.getLong("blobsfile.model.seed");
        int cases = only != null ? 1 : Cases.scaled(CASES);
        Random root = SEED.random();
        Tally t = new Tally();
        long t0 = System.nanoTime();
        for (int c = 0; c < cases; c++) {
            long caseSeed = only != null ? only : root.nextLong();
            Case k = new Case(tmp.resolve("case-" + c), caseSeed, t);
            Throwable failure = k.run();
            if (failure != null) {
                throw new AssertionError("archive model case seed " + caseSeed + " (replay with -Dblobsfile.model.seed="
                        + caseSeed + ") failed after " + k.steps.size() + " steps:\n  " + String.join("\n  ", k.steps)
                        + "\n" + failure, failure);
            }
        }
        System.out.printf("archive model: %d cases, %d operations (%s); %d packs evicted, %d ranged reads, %d restores,"
                        + " %d live reads checked, %d reads refused while the archive was off; %d ms (by step: %s)%n", cases,
                t.operations, t.ops, t.evictions, t.rangedReads, t.restores, t.checkedLive, t.unavailableReads,
                (System.nanoTime() - t0) / 1_000_000, t.millis);
        assertThat(t.restores).isEqualTo(2L * cases);
    }

    /** One random sequence on its own store directory, with its own archive. */
    private static final class Case {
        private final Path root;
        private final Path dir;
        private final Random r;
        private final Tally t;
        private final MemoryArchive archive = new MemoryArchive();
        private final boolean snappy;
        private final TreeMap<BlobRef, byte[]> live = new TreeMap<>();
        private final Map<BlobRef, byte[]> gone = new HashMap<>();
        final List<String> steps = new ArrayList<>();
        private BlobStore store;
        private boolean online = true;
        /** A local pack damaged beyond parity whose archived copy is as it was, not yet repaired; or -1. */
        private int damaged = -1;
        private long archivedFloor;

        Case(Path root, long seed, Tally t) {
            this.root = root;
            this.dir = root.resolve("store");
            this.r = new Random(seed);
            this.t = t;
            this.snappy = r.nextInt(3) == 0;
        }

        /** @return what failed, or null */
        Throwable run() {
            int before = archive.rangedReads.get();
            try {
                open("open" + (snappy ? " (snappy)" : ""));
                for (int i = 0; i < STEPS; i++) {
                    long t0 = System.nanoTime();
                    step(r.nextInt(100));
                    check();
                    t.millis.merge(steps.get(steps.size() - 1).split("[ (]")[0], (System.nanoTime() - t0) / 1_000_000,
                            Long::sum);
                }
                finish();
                return null;
            } catch (Throwable e) {
                return e;
            } finally {
                t.rangedReads += archive.rangedReads.get() - before;
                if (store != null) {
                    try {
                        store.close();
                    } catch (RuntimeException ignored) {
                        // the failure is what counts
                    }
                }
            }
        }

        private void log(String s) {
            steps.add(s + (online ? "" : " [archive off]"));
            t.ops.merge(s.split("[ (]")[0], 1, Integer::sum);
            t.operations++;
        }

        private void note(String s) {
            steps.set(steps.size() - 1, steps.get(steps.size() - 1) + " -> " + s);
        }

        private BlobStoreOptions.Builder builder(Path d) {
            BlobStoreOptions.Builder b = BlobStore.builder(d).maxPackSize(PACK).archive(archive);
            return snappy ? b.codec("snappy") : b;
        }

        private void open(String why) {
            log(why);
            store = builder(dir).open();
        }

        private void step(int k) throws Exception {
            if (k < 22) {
                put();
            } else if (k < 32) {
                putAll();
            } else if (k < 40) {
                delete();
            } else if (k < 45) {
                deleteAll();
            } else if (k < 51) {
                compact();
            } else if (k < 59) {
                archiveNow();
            } else if (k < 67) {
                evict();
            } else if (k < 72) {
                store.close();
                store = null;
                open("reopen");
            } else if (k < 75) {
                log("rebuildIndex");
                store.rebuildIndex();
            } else if (k < 80) {
                repair();
            } else if (k < 86) {
                verify();
            } else if (k < 93) {
                // the archive goes away for a stretch, or comes back; never while a damaged pack
                // awaits its copy, which would be two failures at once
                if (online && damaged < 0) {
                    online = false;
                    archive.available(false);
                    log("archive-off");
                } else if (!online) {
                    online = true;
                    archive.available(true);
                    log("archive-on");
                } else {
                    put();
                }
            } else {
                damage();
            }
        }

        private byte[] blob() {
            if (!gone.isEmpty() && r.nextInt(6) == 0) {
                List<byte[]> back = new ArrayList<>(gone.values());
                return back.get(r.nextInt(back.size())); // a deleted blob put again
            }
            int n = r.nextInt(5) == 0 ? 1 + r.nextInt(200) : 200 + r.nextInt(r.nextInt(4) == 0 ? 20000 : 8000);
            return r.nextBoolean() ? text(r, n) : random(r, n);
        }

        private void stored(BlobRef ref, byte[] b) {
            live.put(ref, b);
            gone.remove(ref);
        }

        private void put() {
            byte[] b = blob();
            log("put " + b.length + " bytes");
            BlobRef ref = store.put(b);
            stored(ref, b);
        }

        private void putAll() {
            List<byte[]> blobs = new ArrayList<>();
            for (int j = 1 + r.nextInt(10); j > 0; j--) {
                blobs.add(blob());
            }
            log("putAll " + blobs.size());
            List<BlobRef> refs = store.putAll(blobs);
            assertThat(refs).hasSize(blobs.size());
            for (int j = 0; j < refs.size(); j++) {
                stored(refs.get(j), blobs.get(j));
            }
        }

        private BlobRef pick() {
            List<BlobRef> from = new ArrayList<>(r.nextInt(5) > 0 || gone.isEmpty() ? live.keySet() : gone.keySet());
            return from.isEmpty() ? BlobRef.of(new byte[32]) : from.get(r.nextInt(from.size()));
        }

        private void forget(BlobRef ref) {
            byte[] b = live.remove(ref);
            if (b != null) {
                gone.put(ref, b);
            }
        }

        private void delete() {
            BlobRef ref = pick();
            boolean stored = live.containsKey(ref);
            log("delete " + ref + (stored ? "" : " (absent)"));
            assertThat(store.delete(ref)).as("delete of %s", ref).isEqualTo(stored);
            forget(ref);
        }

        private void deleteAll() {
            Set<BlobRef> refs = new LinkedHashSet<>();
            for (int j = 1 + r.nextInt(12); j > 0; j--) {
                refs.add(pick());
            }
            log("deleteAll " + refs.size());
            List<BlobRef> expected = refs.stream().filter(live::containsKey).toList();
            assertThat(store.deleteAll(refs)).containsExactlyElementsOf(expected);
            refs.forEach(this::forget);
        }

        private void compact() {
            int pct = 1 + r.nextInt(30);
            log("compact " + pct + "%");
            try {
                var report = store.compact(new CompactionOptions(pct, 0), Progress.NONE);
                note("rewrote " + report.rewritten().size() + (report.skipped().isEmpty() ? "" : ", skipped "
                        + report.skipped()));
            } catch (ArchiveException e) {
                // only the archive's absence may stop a compaction of an evicted pack
                assertThat(online).as("compaction failed with the archive on: %s", e.getMessage()).isFalse();
                note("refused: " + e.getMessage());
            }
        }

        private void archiveNow() {
            log("archive");
            if (!online) {
                // it fails, unless it had nothing to send
                try {
                    ArchiveReport a = store.archive(Progress.NONE);
                    note("nothing to send: " + a);
                    assertThat(a.uploaded()).as("uploaded with the archive off").isZero();
                    assertThat(a.problems()).as("problems with the archive off").isEmpty();
                } catch (ArchiveException e) {
                    note("refused");
                }
                return;
            }
            ArchiveReport a = store.archive(Progress.NONE);
            note(a.uploaded() + " uploaded, " + a.alreadyArchived() + " already" + (a.problems().isEmpty() ? ""
                    : ", problems " + a.problems()));
            if (damaged >= 0) {
                // a pack damaged under the store differs from its copy: it is named, never uploaded over it
                for (String p : a.problems()) {
                    assertThat(p).as("archive problems").startsWith(PackFormat.fileName(damaged));
                }
            } else {
                assertThat(a.problems()).as("archive problems").isEmpty();
            }
            StoreStats s = store.stats();
            // a pack named in the problems may wait for another try; nothing else does
            assertThat(s.uploadBacklog()).as("backlog after archive").isLessThanOrEqualTo(a.problems().size());
            assertThat(s.archivedPacks()).as("archived packs after archive of %s", store.sealedPacks())
                    .isGreaterThanOrEqualTo(store.sealedPacks().size());
        }

        private void evict() {
            int keep = r.nextInt(3);
            log("evict keeping " + keep);
            EvictionReport e;
            try {
                e = store.evict(keep);
            } catch (ArchiveException x) {
                assertThat(online).as("evict failed with the archive on: %s", x.getMessage()).isFalse();
                note("refused: " + x.getMessage());
                return;
            }
            note("evicted " + e.evicted().size() + (e.kept().isEmpty() ? "" : ", kept " + e.kept()));
            for (Path p : e.evicted()) {
                assertThat(p).as("evicted pack").doesNotExist();
                if (PackFormat.packNumber(p.getFileName().toString()) == damaged) {
                    damaged = -1; // its damaged file is gone; its blobs are read from the sound copy
                }
            }
            t.evictions += e.evicted().size();
        }

        private void repair() {
            log("repair");
            RepairReport rr = store.repair();
            note("repaired " + rr.repaired().size());
            assertThat(rr.quarantined()).as("quarantined by repair").isEmpty();
            assertThat(rr.lost()).as("lost by repair").isEmpty();
            assertThat(rr.remaining()).as("left damaged by repair").isEmpty();
            damaged = -1;
        }

        private void verify() {
            boolean whole = r.nextBoolean();
            log("verify" + (whole ? " whole" : " sample"));
            VerifyReport v = store.verify(new VerifyOptions(whole), Progress.NONE);
            if (damaged >= 0) {
                Path p = PackFormat.path(dir, damaged);
                for (Damage d : v.damage()) {
                    assertThat(d.pack()).as("damage found: %s", d).isEqualTo(p);
                }
            } else {
                assertThat(v.damage()).as("verify damage").isEmpty();
                assertThat(v.index()).as("verify index findings").isEmpty();
            }
        }

        /**
         * Zeroes three data shards of a local sealed pack the archive holds as it is: beyond what
         * parity rebuilds. The store is closed meanwhile, as a disk rots under a stopped process.
         */
        private void damage() throws Exception {
            if (!online || damaged >= 0) {
                put();
                return;
            }
            store.archive(Progress.NONE);
            int last = store.stats().packs() - 1;
            store.close();
            store = null;
            ArchiveLedger ledger = ArchiveLedger.open(dir, archive.location());
            List<Integer> candidates = new ArrayList<>();
            for (int n = 0; n < last; n++) {
                Path p = PackFormat.path(dir, n);
                ArchiveLedger.Archived a = ledger.archived(n);
                if (Files.exists(p) && a != null && !ledger.isRewriting(n) && !ledger.isEvicted(n)
                        && ArchiveLedger.stamp(p).equals(a.stamp()) && Files.size(p) == a.length()) {
                    candidates.add(n);
                }
            }
            if (candidates.isEmpty()) {
                open("reopen (nothing to damage)");
                return;
            }
            int n = candidates.get(r.nextInt(candidates.size()));
            boolean keepTime = r.nextBoolean();
            Path p = PackFormat.path(dir, n);
            FileTime time = Files.getLastModifiedTime(p);
            StoreTestSupport.damageBeyondParity(p, PACK);
            if (keepTime) {
                Files.setLastModifiedTime(p, time); // rot changes the bytes, not the file's time
            }
            damaged = n;
            open("damage " + PackFormat.fileName(n) + (keepTime ? "" : " (time changed)") + ", reopen");
        }

        /** @return the packs below the last whose file is missing locally */
        private Set<Integer> missingLocally() {
            int last = store.stats().packs() - 1;
            Set<Integer> out = new TreeSet<>();
            for (int n = 0; n < last; n++) {
                if (!Files.exists(PackFormat.path(dir, n))) {
                    out.add(n);
                }
            }
            return out;
        }

        /** The rules that hold after every step, on a sample of live and deleted blobs. */
        private void check() {
            StoreStats s = store.stats();
            assertThat(s.evictedPacks()).as("evicted packs, missing locally: %s", missingLocally())
                    .isEqualTo(missingLocally().size());
            assertThat(s.archivedPacks()).as("archived packs never fall").isGreaterThanOrEqualTo(archivedFloor);
            archivedFloor = s.archivedPacks();
            List<BlobRef> refs = new ArrayList<>(live.keySet());
            for (int j = 0; j < 8 && !refs.isEmpty(); j++) {
                readLive(refs.get(r.nextInt(refs.size())));
            }
            List<BlobRef> dead = new ArrayList<>(gone.keySet());
            for (int j = 0; j < 4 && !dead.isEmpty(); j++) {
                readDeleted(dead.get(r.nextInt(dead.size())));
            }
        }

        private void readLive(BlobRef ref) {
            byte[] want = live.get(ref);
            assertThat(store.exists(ref)).as("exists of live %s", ref).isTrue();
            assertThat(store.size(ref)).as("size of live %s", ref).isEqualTo(want.length);
            byte[] got;
            try {
                got = store.get(ref);
            } catch (ArchiveException e) {
                int pack = store.enumerate().filter(i -> i.ref().equals(ref)).findFirst().orElseThrow().pack();
                assertThat(online).as("get of %s in pack %d failed with the archive on: %s", ref, pack, e.getMessage())
                        .isFalse();
                assertThat(missingLocally()).as("get of %s failed though its pack %d is local: %s", ref, pack,
                        e.getMessage()).contains(pack);
                t.unavailableReads++;
                return;
            }
            assertThat(got).as("get of live %s", ref).isEqualTo(want);
            t.checkedLive++;
        }

        private void readDeleted(BlobRef ref) {
            assertThat(store.exists(ref)).as("exists of deleted %s", ref).isFalse();
            assertThatThrownBy(() -> store.get(ref)).as("get of deleted %s", ref)
                    .isInstanceOf(BlobNotFoundException.class);
        }

        /** Every live and deleted blob, and the listing. */
        private void checkAll() {
            for (BlobRef ref : live.keySet()) {
                readLive(ref);
            }
            for (BlobRef ref : gone.keySet()) {
                readDeleted(ref);
            }
            assertThat(store.enumerate().map(BlobInfo::ref).toList()).as("listing").containsExactlyElementsOf(
                    live.keySet());
        }

        /**
         * The archive comes back, a pending damage is repaired, the store is reopened and its
         * index rebuilt; then it is archived and restored twice.
         */
        private void finish() throws Exception {
            if (!online) {
                online = true;
                archive.available(true);
                log("archive-on");
            }
            if (damaged >= 0) {
                repair();
            }
            store.close();
            store = null;
            open("reopen at the end");
            checkAll();
            log("rebuildIndex at the end");
            store.rebuildIndex();
            checkAll();
            verifyClean();
            while (store.sealedPacks().isEmpty()) {
                put(); // a restore needs a sealed pack
            }
            log("archive at the end");
            ArchiveReport a = store.archive(Progress.NONE);
            assertThat(a.problems()).as("archive problems").isEmpty();
            // the sealed pack files, and the evicted packs, which have none
            Set<Integer> evicted = missingLocally();
            Set<Integer> sealed = new TreeSet<>(evicted);
            for (Path p : store.sealedPacks()) {
                sealed.add(PackFormat.packNumber(p.getFileName().toString()));
            }
            Map<BlobRef, byte[]> archived = new TreeMap<>();
            for (BlobInfo i : store.enumerate().toList()) {
                if (sealed.contains(i.pack())) {
                    archived.put(i.ref(), live.get(i.ref()));
                }
            }
            store.close();
            store = null;

            log("restore full");
            Path full = root.resolve("full");
            List<BlobRef> restored;
            try (BlobStore s = builder(full).restore(BlobStoreOptions.Restore.FULL).open()) {
                t.restores++;
                restored = sameBlobs(s, archived);
            }
            for (int n : sealed) {
                if (!evicted.contains(n)) {
                    assertThat(Files.readAllBytes(PackFormat.path(full, n))).as("restored pack %d", n)
                            .isEqualTo(Files.readAllBytes(PackFormat.path(dir, n)));
                }
            }
            log("restore lazy");
            try (BlobStore s = builder(root.resolve("lazy")).restore(BlobStoreOptions.Restore.LAZY).open()) {
                t.restores++;
                assertThat(sameBlobs(s, archived)).as("lazily restored listing").isEqualTo(restored);
            }
        }

        private void verifyClean() {
            for (boolean whole : new boolean[] {false, true}) {
                VerifyReport v = store.verify(new VerifyOptions(whole), Progress.NONE);
                assertThat(v.damage()).as("verify damage").isEmpty();
                assertThat(v.index()).as("verify index findings").isEmpty();
            }
        }

        /**
         * A restored store holds every blob archived with its bytes, and no deleted one. It may
         * hold a live blob the source reads from its unarchived last pack, when an archived pack
         * holds a second copy of it (a compaction that met damage leaves such copies).
         *
         * @return the blobs it lists
         */
        private List<BlobRef> sameBlobs(BlobStore s, Map<BlobRef, byte[]> archived) {
            List<BlobInfo> listed = s.enumerate().toList();
            List<String> extra = new ArrayList<>();
            for (BlobInfo i : listed) {
                if (!live.containsKey(i.ref())) {
                    extra.add(i.ref() + " in restored pack " + i.pack() + (gone.containsKey(i.ref()) ? " (deleted)"
                            : " (never put)"));
                }
            }
            assertThat(extra).as("restored blobs that are not live").isEmpty();
            List<BlobRef> refs = listed.stream().map(BlobInfo::ref).toList();
            assertThat(refs).as("restored listing").containsAll(archived.keySet());
            for (BlobRef ref : refs) {
                assertThat(s.get(ref)).as("restored %s", ref).isEqualTo(live.get(ref));
            }
            for (BlobRef g : gone.keySet()) {
                assertThat(s.exists(g)).as("deleted %s restored", g).isFalse();
            }
            VerifyReport v = s.verify(new VerifyOptions(true), Progress.NONE);
            assertThat(v.damage()).as("verify of the restored store").isEmpty();
            assertThat(v.index()).as("verify index of the restored store").isEmpty();
            return refs;
        }
    }
}
