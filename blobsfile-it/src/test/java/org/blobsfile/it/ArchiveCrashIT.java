package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.Progress;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at a random moment while it puts, archives to a {@code file:}
 * archive and evicts, then reopens the store with its archive and checks that every acknowledged
 * put reads back (from a local pack or the archive), that verify finds nothing locally nor in the
 * archived copies read whole, that one more {@code archive()} finishes what the kill cut short
 * with no problem, and that the archive then holds exactly one whole copy per pack and manifest:
 * each pack object's length is its manifest's, no object is left half written, and nothing is
 * uploaded twice. After the last kill of each store, the archive is restored into a new
 * directory and every pack there is byte-identical to the store's own.
 *
 * <p>Run by failsafe in the {@code verify} phase: a tenth of {@link CrashIT}'s cycle count
 * ({@code blobsfile.crash.cycles}), at least 4.
 */
class ArchiveCrashIT {
    private static final long PACK_SIZE = 65_557;
    private static final int CYCLES = Math.max(4, Integer.getInteger("blobsfile.crash.cycles", CrashIT.DEFAULT_CYCLES) / 10);
    private static final int CYCLES_PER_STORE = 5;

    @RegisterExtension
    final RandomSeed seeds = new RandomSeed();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void aKillWhileArchivingOrEvictingLosesNothingAndLeavesNoHalfObjectInTheArchive() throws Exception {
        long seed = seeds.seed();
        Random rnd = new Random(seed);
        Map<String, Long> tally = new TreeMap<>();
        Path dir = null;
        Path bucket = null;
        Set<String> acknowledged = new HashSet<>();
        for (int c = 0; c < CYCLES; c++) {
            if (c % CYCLES_PER_STORE == 0) {
                if (dir != null) {
                    finish(dir, bucket, tally);
                }
                dir = tmp.resolve("store" + c);
                bucket = tmp.resolve("archive" + c);
                Files.createDirectories(bucket);
                acknowledged.clear();
            }
            Path said = tmp.resolve("lines" + c);
            KilledChild.run(ArchiveChild.class, dir, tmp.resolve("jvm-tmp"), KilledChild.Trigger.READY, rnd.nextInt(400),
                    dir.toString(), bucket.toUri().toString(), Long.toString(rnd.nextLong()), Long.toString(PACK_SIZE),
                    said.toString());
            String phase = "idle";
            for (String l : Files.readAllLines(said)) {
                if (l.startsWith("P ") && l.length() == 66) {
                    acknowledged.add(l.substring(2));
                } else if (l.startsWith("phase ")) {
                    phase = l.substring(6);
                }
            }
            tally.merge("kills in phase " + phase, 1L, Long::sum);
            check(dir, bucket, acknowledged, "cycle " + c + " (seed " + seed + ")", tally);
            tally.merge("cycles", 1L, Long::sum);
        }
        finish(dir, bucket, tally);
        System.out.println("archive crash test, seed " + seed + ": " + tally);
        assertThat(tally.get("cycles")).isEqualTo(CYCLES);
        assertThat(tally.getOrDefault("acknowledged puts checked", 0L)).isPositive();
    }

    private static BlobStoreOptions.Builder open(Path dir, Path bucket) {
        return BlobStore.builder(dir).archive(bucket.toUri()).maxPackSize(PACK_SIZE);
    }

    private static void check(Path dir, Path bucket, Set<String> acknowledged, String cycle, Map<String, Long> tally)
            throws Exception {
        try (BlobStore store = open(dir, bucket).open()) {
            for (String h : acknowledged) {
                assertThat(store.get(BlobRef.parse(h))).as("blob %s after %s", h, cycle).isNotNull(); // get checks the hash
            }
            tally.merge("acknowledged puts checked", (long) acknowledged.size(), Long::sum);
            tally.merge("evicted packs seen", store.stats().evictedPacks(), Long::sum);
            VerifyReport v = store.verify(new VerifyOptions(true), Progress.NONE);
            assertThat(v.isClean()).as("verify after %s: %s", cycle, v).isTrue();
            ArchiveReport r = store.archive(Progress.NONE);
            assertThat(r.problems()).as("archive after %s", cycle).isEmpty();
            tally.merge("packs uploaded after a kill", (long) r.uploaded(), Long::sum);
            assertThat(store.stats().archivedPacks()).as(cycle)
                    .isEqualTo(store.sealedPacks().size() + store.stats().evictedPacks());
        }
        holdsWholeCopies(bucket, cycle);
    }

    /** Every manifest names a pack object of its length, every pack object has its manifest, and nothing else is there. */
    private static void holdsWholeCopies(Path bucket, String cycle) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(bucket)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        Set<String> packs = new HashSet<>();
        Set<String> manifests = new HashSet<>();
        for (Path f : files) {
            String rel = bucket.relativize(f).toString();
            if (rel.contains("~")) {
                continue; // an upload the kill cut off: never listed, and removed by the next upload of its name
            }
            if (rel.startsWith("packs/")) {
                packs.add(rel.substring(6));
            } else if (rel.startsWith("manifests/")) {
                manifests.add(rel.substring(10));
                String text = Files.readString(f);
                String pack = rel.substring(10, rel.length() - ".manifest".length());
                long length = Long.parseLong(text.lines().filter(l -> l.startsWith("length ")).findFirst().orElseThrow()
                        .substring(7));
                assertThat(Files.size(bucket.resolve("packs").resolve(pack))).as("%s in %s", pack, cycle).isEqualTo(length);
            } else {
                assertThat(rel).as("object in the archive after %s", cycle).startsWith("deletions/");
            }
        }
        for (String p : packs) {
            assertThat(manifests).as("manifest of %s after %s", p, cycle).contains(p + ".manifest");
        }
    }

    /** Restores the store's archive into a new directory and compares the packs byte for byte. */
    private static void finish(Path dir, Path bucket, Map<String, Long> tally) throws Exception {
        Path restored = dir.resolveSibling(dir.getFileName() + "-restored");
        List<BlobRef> archived = new ArrayList<>();
        try (BlobStore store = open(dir, bucket).open()) {
            // a store whose only cycle was killed before a pack filled has nothing to archive or restore
            Random fill = new Random(dir.hashCode());
            while (store.stats().packs() < 2) {
                byte[] b = new byte[4096];
                fill.nextBytes(b);
                store.put(b);
            }
            store.verify(); // returns once the packs filled are sealed
            store.archive(Progress.NONE);
            Set<Integer> sealed = new HashSet<>();
            for (Path p : store.sealedPacks()) {
                sealed.add(Integer.parseInt(p.getFileName().toString().substring(6)));
            }
            for (BlobInfo i : store.enumerate().toList()) {
                if (sealed.contains(i.pack()) || !Files.exists(dir.resolve(String.format("blobs-%05d", i.pack())))) {
                    archived.add(i.ref());
                }
            }
        }
        try (BlobStore store = open(restored, bucket).restore(BlobStoreOptions.Restore.FULL).open()) {
            for (BlobRef r : archived) {
                assertThat(store.exists(r)).as("archived blob %s in the restored store", r).isTrue();
                assertThat(store.get(r)).isNotNull();
            }
        }
        for (int n = 0; Files.exists(restored.resolve(String.format("blobs-%05d", n))); n++) {
            Path mine = dir.resolve(String.format("blobs-%05d", n));
            if (Files.exists(mine)) {
                try (InputStream a = Files.newInputStream(mine); InputStream b = Files.newInputStream(
                        restored.resolve(String.format("blobs-%05d", n)))) {
                    assertThat(Arrays.equals(a.readAllBytes(), b.readAllBytes())).as("pack %d restored", n).isTrue();
                }
            }
            tally.merge("packs restored", 1L, Long::sum);
        }
    }
}
