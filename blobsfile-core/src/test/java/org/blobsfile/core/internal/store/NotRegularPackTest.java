package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.Range;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code blobs-NNNNN} that is not a regular file (a symlink, a directory, a device) is damage:
 * never followed, never written or cut, reported by verify and left alone by repair, while every
 * blob of the other packs still reads back and new puts go to a new pack.
 */
class NotRegularPackTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    /** A store of a few packs, its first ones sealed; returns every blob with the pack it is in. */
    private Map<BlobRef, Stored> fill(Path dir) {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        try (BlobStore store = StoreTestSupport.small(dir).open()) {
            for (int i = 0; i < 30; i++) {
                byte[] b = random(rnd, 5000 + rnd.nextInt(3000));
                blobs.put(store.put(b), b);
            }
            Map<BlobRef, Integer> where = store.enumerate(Range.all())
                    .collect(Collectors.toMap(BlobInfo::ref, BlobInfo::pack));
            Map<BlobRef, Stored> out = new LinkedHashMap<>();
            blobs.forEach((ref, b) -> out.put(ref, new Stored(b, where.get(ref))));
            return out;
        }
    }

    private record Stored(byte[] bytes, int pack) {
    }

    private static int lastPack(Path dir) {
        int n = 0;
        while (Files.exists(PackFormat.path(dir, n + 1), LinkOption.NOFOLLOW_LINKS)) {
            n++;
        }
        return n;
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    /**
     * Replaces pack {@code broken} with what {@code replace} makes of its path, then opens the
     * store, checks what verify and repair say, reads every other blob and puts a new one.
     */
    private void check(Map<BlobRef, Stored> blobs, Path dir, int broken, Consumer<Path> replace, String kind)
            throws Exception {
        check(blobs, dir, broken, replace, kind, true);
    }

    /**
     * @param indexed whether the index still locates the broken pack's blobs (their reads fail
     *                naming the pack), or is rebuilt without them (they are absent)
     */
    private void check(Map<BlobRef, Stored> blobs, Path dir, int broken, Consumer<Path> replace, String kind,
                       boolean indexed) throws Exception {
        Path pack = PackFormat.path(dir, broken);
        Files.delete(pack);
        replace.accept(pack);
        Random rnd = SEED.random();
        try (BlobStore store = StoreTestSupport.small(dir).open()) {
            VerifyReport v = store.verify();
            assertThat(v.isClean()).isFalse();
            List<Damage> about = v.damage().stream()
                    .filter(d -> d.pack().getFileName().equals(pack.getFileName())).toList();
            assertThat(about).hasSize(1);
            assertThat(about.get(0).what()).contains(pack.getFileName().toString(), "not a regular file", kind);
            assertThat(v.damage()).allMatch(d -> d.pack().getFileName().equals(pack.getFileName()));

            RepairReport r = store.repair();
            assertThat(r.isComplete()).isFalse();
            assertThat(r.quarantined()).isEmpty();
            // a pack that stays as it is names what it costs: the blobs the index finds in it
            List<BlobRef> inBroken = blobs.entrySet().stream().filter(e -> e.getValue().pack() == broken)
                    .map(Map.Entry::getKey).toList();
            if (indexed) {
                assertThat(r.lost()).containsExactlyInAnyOrderElementsOf(inBroken);
            } else {
                assertThat(r.lost()).isEmpty();
            }
            assertThat(r.remaining()).extracting(d -> d.pack().getFileName()).containsExactly(pack.getFileName());
            assertThat(Files.isRegularFile(pack, LinkOption.NOFOLLOW_LINKS)).isFalse();

            for (Map.Entry<BlobRef, Stored> e : blobs.entrySet()) {
                if (e.getValue().pack() != broken) {
                    assertThat(store.get(e.getKey())).isEqualTo(e.getValue().bytes());
                } else if (indexed) {
                    assertThatThrownBy(() -> store.get(e.getKey())).isInstanceOf(CorruptPackException.class)
                            .hasMessageContaining("not a regular file");
                } else {
                    assertThatThrownBy(() -> store.get(e.getKey())).isInstanceOf(BlobNotFoundException.class);
                }
            }
            byte[] fresh = random(rnd, 3000);
            BlobRef ref = store.put(fresh);
            assertThat(store.get(ref)).isEqualTo(fresh);
            assertThat(store.enumerate(Range.all()).filter(i -> i.ref().equals(ref)).findFirst().orElseThrow().pack())
                    .isNotEqualTo(broken);
        }
        assertThat(Files.isRegularFile(pack, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void anActivePackSymlinkedToASealedPackIsNeverFollowedNorCut() throws Exception {
        Path dir = tmp.resolve("store");
        Map<BlobRef, Stored> blobs = fill(dir);
        int last = lastPack(dir);
        assertThat(last).isGreaterThanOrEqualTo(2);
        Path sealed = PackFormat.path(dir, 0);
        String before = sha256(sealed);
        check(blobs, dir, last, p -> link(p, Paths.get(sealed.getFileName().toString())), "symlink to blobs-00000");
        assertThat(sha256(sealed)).isEqualTo(before);
        // a second open, with the pack the put created after the link, still leaves it alone
        try (BlobStore store = StoreTestSupport.small(dir).open()) {
            assertThat(store.verify().damage()).hasSize(1);
            store.put(random(SEED.random(), 100));
        }
        assertThat(sha256(sealed)).isEqualTo(before);
        assertThat(Files.isSymbolicLink(PackFormat.path(dir, last))).isTrue();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aSealedPackSymlinkedToAnotherIsNeverFollowed() throws Exception {
        Path dir = tmp.resolve("store");
        Map<BlobRef, Stored> blobs = fill(dir);
        Path target = PackFormat.path(dir, 1);
        String before = sha256(target);
        check(blobs, dir, 0, p -> link(p, target), "symlink to " + target);
        assertThat(sha256(target)).isEqualTo(before);
    }

    @Test
    void aPackReplacedByADirectoryIsDamage() throws Exception {
        Path dir = tmp.resolve("store");
        Map<BlobRef, Stored> blobs = fill(dir);
        check(blobs, dir, 1, p -> {
            try {
                Files.createDirectory(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "directory");
    }

    @Test
    void anActivePackReplacedByADirectoryIsDamage() throws Exception {
        Path dir = tmp.resolve("store");
        Map<BlobRef, Stored> blobs = fill(dir);
        check(blobs, dir, lastPack(dir), p -> {
            try {
                Files.createDirectory(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "directory");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aPackThatIsASymlinkToDevNullIsDamage() throws Exception {
        Path dir = tmp.resolve("store");
        Map<BlobRef, Stored> blobs = fill(dir);
        check(blobs, dir, 1, p -> link(p, Paths.get("/dev/null")), "symlink to /dev/null");
    }

    @Test
    void aStoreWhoseOnlyPackIsADirectoryIsNotClean() throws Exception {
        Path dir = tmp.resolve("store");
        Files.createDirectories(PackFormat.path(dir, 0));
        try (BlobStore store = StoreTestSupport.small(dir).open()) {
            VerifyReport v = store.verify();
            assertThat(v.packs()).isEqualTo(1);
            assertThat(v.damage()).singleElement().extracting(Damage::what).asString()
                    .contains("blobs-00000", "directory");
            byte[] b = random(SEED.random(), 1000);
            assertThat(store.get(store.put(b))).isEqualTo(b);
        }
        assertThat(Files.isDirectory(PackFormat.path(dir, 0), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void withoutItsIndexTheStoreIsRebuiltAroundASymlinkedActivePack() throws Exception {
        Path dir = tmp.resolve("store");
        Map<BlobRef, Stored> blobs = fill(dir);
        int last = lastPack(dir);
        try (var indexes = Files.list(dir)) {
            for (Path p : indexes.filter(p -> p.getFileName().toString().startsWith("index-")).toList()) {
                try (var walk = Files.walk(p)) {
                    for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(q);
                    }
                }
            }
        }
        Path sealed = PackFormat.path(dir, 0);
        String before = sha256(sealed);
        check(blobs, dir, last, p -> link(p, Paths.get(sealed.getFileName().toString())), "symlink to blobs-00000",
                false);
        assertThat(sha256(sealed)).isEqualTo(before);
    }

    @Test
    void aPackThatVanishesWhileTheStoreIsOpenIsReportedByVerify() throws Exception {
        Path dir = tmp.resolve("store");
        Map<BlobRef, Stored> blobs = fill(dir);
        try (BlobStore store = StoreTestSupport.small(dir).open()) {
            Files.delete(PackFormat.path(dir, 1));
            VerifyReport v = store.verify();
            assertThat(v.damage()).singleElement().extracting(Damage::what).asString()
                    .contains("blobs-00001", "missing");
            RepairReport r = store.repair();
            assertThat(r.quarantined()).isEmpty();
            // the pack stays missing, and the index, rebuilt to follow the packs, names what it held there
            assertThat(r.remaining()).anyMatch(d -> d.what().contains("blobs-00001") && d.what().contains("missing"))
                    .anyMatch(d -> d.pack().toString().contains("lost+found"));
            assertThat(r.lost()).containsExactlyInAnyOrderElementsOf(blobs.entrySet().stream()
                    .filter(e -> e.getValue().pack() == 1).map(Map.Entry::getKey).toList());
            for (Map.Entry<BlobRef, Stored> e : blobs.entrySet()) {
                if (e.getValue().pack() != 1) {
                    assertThat(store.get(e.getKey())).isEqualTo(e.getValue().bytes());
                }
            }
        }
    }

    private static void link(Path at, Path target) {
        try {
            Files.createSymbolicLink(at, target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
