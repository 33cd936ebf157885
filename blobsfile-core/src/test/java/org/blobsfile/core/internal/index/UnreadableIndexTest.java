package org.blobsfile.core.internal.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index path the plugin cannot open is moved aside, never deleted, and the index is built
 * again from the packs: every blob reads back, and the old bytes are still there under the new
 * name. Real files and a real RocksDB index.
 */
class UnreadableIndexTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    private Path store() {
        return tmp.resolve("store");
    }

    private Path index() {
        return store().resolve("index-rocksdb");
    }

    private Path aside(int n) {
        return store().resolve("index-rocksdb" + StoreIndex.UNREADABLE + n);
    }

    /** Fills a store over several packs and closes it. */
    private Map<BlobRef, byte[]> filledStore(long seed) {
        Random rnd = new Random(SEED.seed(seed));
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        try (BlobStore store = BlobStore.builder(store()).maxPackSize(1 << 20).open()) {
            for (int i = 0; i < 200; i++) {
                byte[] b = new byte[1 + rnd.nextInt(20_000)];
                rnd.nextBytes(b);
                blobs.put(store.put(b), b);
            }
        }
        return blobs;
    }

    private void assertEveryBlobReadsBack(Map<BlobRef, byte[]> blobs, int rebuilds) {
        try (BlobStore store = BlobStore.builder(store()).open()) {
            assertThat(store.stats().indexRebuilds()).isEqualTo(rebuilds);
            assertThat(store.enumerate().count()).isEqualTo(blobs.size());
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
    }

    private List<String> storeEntries() throws IOException {
        try (Stream<Path> s = Files.list(store())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("index-")).sorted().toList();
        }
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.toList());
            java.util.Collections.reverse(all);
            for (Path q : all) {
                Files.delete(q);
            }
        }
    }

    @Test
    void anIndexPathThatIsARegularFileIsMovedAsideAndRebuilt() throws Exception {
        Map<BlobRef, byte[]> blobs = filledStore(31);
        deleteRecursively(index());
        byte[] bytes = "not an index, and not ours to delete".getBytes(StandardCharsets.UTF_8);
        Files.write(index(), bytes);

        assertEveryBlobReadsBack(blobs, 1);

        assertThat(Files.readAllBytes(aside(1))).isEqualTo(bytes);
        assertThat(index()).isDirectory();
        assertThat(storeEntries()).containsExactly("index-rocksdb", "index-rocksdb.unreadable-1");
        // the next open finds the rebuilt index and keeps it
        assertEveryBlobReadsBack(blobs, 0);
        assertThat(storeEntries()).containsExactly("index-rocksdb", "index-rocksdb.unreadable-1");
    }

    @Test
    void anIndexDirectoryRocksDbRefusesIsMovedAsideWithItsFilesAndRebuilt() throws Exception {
        Map<BlobRef, byte[]> blobs = filledStore(32);
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8); // no newline: RocksDB calls it corrupt
        Files.write(index().resolve("CURRENT"), garbage);
        Map<String, byte[]> before = contents(index());

        assertEveryBlobReadsBack(blobs, 1);

        // RocksDB's failed open rotates its own info log; every other file keeps its bytes
        Map<String, byte[]> after = contents(aside(1));
        assertThat(after.keySet()).containsAll(before.keySet());
        for (Map.Entry<String, byte[]> e : before.entrySet()) {
            if (!e.getKey().startsWith("LOG")) {
                assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
        assertThat(after.get("CURRENT")).isEqualTo(garbage);
        assertThat(storeEntries()).containsExactly("index-rocksdb", "index-rocksdb.unreadable-1");
    }

    @Test
    void aSymbolicLinkIsMovedAsideAndItsTargetLeftAlone() throws Exception {
        Map<BlobRef, byte[]> blobs = filledStore(33);
        deleteRecursively(index());
        Path target = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.write(target.resolve("keep"), new byte[] {1, 2, 3});
        Files.createSymbolicLink(index(), target);

        assertEveryBlobReadsBack(blobs, 1);

        assertThat(Files.isSymbolicLink(aside(1))).isTrue();
        assertThat(Files.readSymbolicLink(aside(1))).isEqualTo(target);
        assertThat(Files.isDirectory(index(), LinkOption.NOFOLLOW_LINKS)).isTrue();
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("keep");
        }
    }

    @Test
    void aSecondUnreadableIndexTakesTheNextFreeName() throws Exception {
        Map<BlobRef, byte[]> blobs = filledStore(34);
        deleteRecursively(index());
        Files.write(index(), new byte[] {1});
        assertEveryBlobReadsBack(blobs, 1);
        deleteRecursively(index());
        Files.write(index(), new byte[] {2});

        assertEveryBlobReadsBack(blobs, 1);

        assertThat(Files.readAllBytes(aside(1))).containsExactly(1);
        assertThat(Files.readAllBytes(aside(2))).containsExactly(2);
        assertThat(storeEntries()).containsExactly("index-rocksdb", "index-rocksdb.unreadable-1",
                "index-rocksdb.unreadable-2");
    }

    @Test
    void aHealthyIndexIsNeverMovedAside() throws Exception {
        Map<BlobRef, byte[]> blobs = filledStore(35);
        assertEveryBlobReadsBack(blobs, 0);
        assertThat(storeEntries()).containsExactly("index-rocksdb");
    }

    @Test
    void aNewStoreInDirectoriesThatDoNotExistYetIsCreatedAndOpens() throws Exception {
        Path nested = tmp.resolve("a").resolve("b").resolve("store");
        BlobRef ref;
        try (BlobStore store = BlobStore.builder(nested).open()) {
            ref = store.put(new byte[] {4, 5, 6});
        }
        assertThat(tmp.resolve("a").resolve("b")).isDirectory();
        try (BlobStore store = BlobStore.builder(nested).open()) {
            assertThat(store.get(ref)).containsExactly(4, 5, 6);
            assertThat(store.stats().indexRebuilds()).isZero();
        }
    }
}
