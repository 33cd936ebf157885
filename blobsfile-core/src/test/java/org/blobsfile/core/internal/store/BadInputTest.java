package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.small;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobTooLargeException;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.HashMismatchException;
import org.blobsfile.api.PluginException;
import org.blobsfile.api.Range;
import org.blobsfile.api.StoreClosedException;
import org.blobsfile.api.StoreConfigurationException;
import org.blobsfile.api.StoreLockedException;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gets one clear error, and everything stored before it still reads. */
class BadInputTest {
    @TempDir
    Path tmp;

    private final Random rnd = new Random(42);

    /** Stores some blobs in a closed store at {@code tmp}, spanning several packs. */
    private List<byte[]> seed() {
        List<byte[]> blobs = new ArrayList<>();
        try (BlobStore store = small(tmp).open()) {
            for (int i = 0; i < 40; i++) {
                byte[] b = random(rnd, 1 + rnd.nextInt(10000));
                blobs.add(b);
                store.put(b);
            }
        }
        return blobs;
    }

    private static void assertAllReadable(BlobStore store, List<byte[]> blobs) {
        for (byte[] b : blobs) {
            assertThat(store.get(BlobRef.of(Blake2b.hash(b, 0, b.length)))).isEqualTo(b);
        }
    }

    @Test
    void aHashMismatchStoresNothing() {
        List<byte[]> blobs = seed();
        try (BlobStore store = small(tmp).open()) {
            byte[] data = "the real bytes".getBytes();
            BlobRef wrong = BlobRef.of(Blake2b.hash(new byte[] {1}, 0, 1));
            long before = store.stats().bytesWritten();
            assertThatThrownBy(() -> store.put(wrong, data)).isInstanceOf(HashMismatchException.class)
                    .hasMessageContaining(wrong.hex());
            assertThat(store.exists(wrong)).isFalse();
            assertThat(store.exists(BlobRef.of(Blake2b.hash(data, 0, data.length)))).isFalse();
            assertThat(store.stats().bytesWritten()).isEqualTo(before);
            assertAllReadable(store, blobs);
        }
    }

    @Test
    void malformedHexIsNamed() {
        assertThatThrownBy(() -> BlobRef.parse("abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits").hasMessageContaining("3 characters");
        assertThatThrownBy(() -> BlobRef.parse("z".repeat(64))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'z' at position 0");
        assertThatThrownBy(() -> Range.prefix("xyz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBlobOverTheLimitIsRejectedAndOneAtTheLimitFits() {
        List<byte[]> blobs = seed();
        long max = 64 * 1024;
        long limit = max - 64 - 2 * 38;
        try (BlobStore store = small(tmp).open()) {
            assertThatThrownBy(() -> store.put(new byte[(int) limit + 1])).isInstanceOf(BlobTooLargeException.class)
                    .hasMessageContaining(Long.toString(limit));
            byte[] biggest = random(rnd, (int) limit);
            assertThat(store.get(store.put(biggest))).isEqualTo(biggest);
            assertAllReadable(store, blobs);
        }
    }

    @Test
    void anAbsentBlobIsNotFound() {
        try (BlobStore store = small(tmp).open()) {
            BlobRef absent = BlobRef.parse("00".repeat(32));
            assertThatThrownBy(() -> store.get(absent)).isInstanceOf(BlobNotFoundException.class)
                    .hasMessage("blob " + absent + " not found");
            assertThatThrownBy(() -> store.size(absent)).isInstanceOf(BlobNotFoundException.class);
            assertThat(store.exists(absent)).isFalse();
        }
    }

    @Test
    void aForeignFileNamedLikeAPackIsDamageNeverWrittenAndTheStoreServes() throws Exception {
        List<byte[]> blobs = seed();
        int packs = packCount();
        Path foreign = tmp.resolve(PackFormat.fileName(packs));
        String notes = "this is somebody's notes file, not a pack";
        Files.writeString(foreign, notes);
        try (BlobStore store = small(tmp).open()) {
            assertAllReadable(store, blobs);
            assertThat(store.verify().damage()).anyMatch(d -> d.pack().equals(foreign.toAbsolutePath())
                    || d.pack().getFileName().equals(foreign.getFileName()));
            BlobRef more = store.put(random(new Random(1), 500));
            assertThat(store.enumerate().filter(i -> i.ref().equals(more)).findFirst().orElseThrow().pack())
                    .isGreaterThan(packs);
        }
        assertThat(Files.readString(foreign)).isEqualTo(notes);
        try (BlobStore store = small(tmp).open()) {
            assertAllReadable(store, blobs);
        }
        assertThat(Files.readString(foreign)).isEqualTo(notes);
    }

    @Test
    void anEmptyOrTruncatedClosedPackIsDamageVerifyReports() throws Exception {
        seed();
        Path first = tmp.resolve(PackFormat.fileName(0));
        byte[] original = Files.readAllBytes(first);
        for (byte[] damaged : new byte[][] {new byte[0], java.util.Arrays.copyOf(original, 30)}) {
            Files.write(first, damaged);
            try (BlobStore store = small(tmp).open()) {
                assertThat(store.verify().damage()).anyMatch(d -> d.pack().getFileName().equals(first.getFileName())
                        && d.offset() <= 30);
                assertThat(store.enumerate().filter(i -> i.pack() > 0).peek(i -> store.get(i.ref())).count()).isPositive();
            }
            assertThat(Files.readAllBytes(first)).isEqualTo(damaged);
        }
        Files.write(first, original);
        try (BlobStore store = small(tmp).open()) {
            assertThat(store.enumerate().count()).isEqualTo(40);
        }
    }

    @Test
    void aPackCutShortIsReportedAsCorruptOnRead() throws Exception {
        List<byte[]> blobs = seed();
        Path first = tmp.resolve(PackFormat.fileName(0));
        byte[] original = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(original, original.length / 2));
        try (BlobStore store = small(tmp).open()) {
            int ok = 0;
            int corrupt = 0;
            for (byte[] b : blobs) {
                BlobRef ref = BlobRef.of(Blake2b.hash(b, 0, b.length));
                try {
                    assertThat(store.get(ref)).isEqualTo(b);
                    ok++;
                } catch (CorruptPackException e) {
                    assertThat(e.path()).isEqualTo(first);
                    corrupt++;
                }
            }
            assertThat(corrupt).isPositive();
            assertThat(ok).isPositive();
        }
    }

    @Test
    void aMissingPackIsDamageThatVerifyReportsWhileTheRestServes() throws Exception {
        seed();
        assertThat(packCount()).isGreaterThan(2);
        Path second = tmp.resolve(PackFormat.fileName(1));
        Path aside = tmp.resolve("aside");
        Files.move(second, aside);
        for (boolean withIndex : new boolean[] {true, false}) {
            if (!withIndex) {
                BlobStoreTest.deleteRecursively(tmp.resolve("index-rocksdb"));
            }
            try (BlobStore store = small(tmp).open()) {
                VerifyReport v = store.verify();
                assertThat(v.damage()).anyMatch(d -> d.pack().getFileName().toString().equals("blobs-00001")
                        && d.what().contains("missing"));
                long readable = store.enumerate().filter(i -> i.pack() != 1).peek(i -> store.get(i.ref())).count();
                assertThat(readable).isPositive();
                assertThat(Files.exists(second)).as("a missing pack is never created").isFalse();
            }
        }
        Files.move(aside, second);
        try (BlobStore store = small(tmp).open()) {
            store.rebuildIndex();
        }
        try (BlobStore store = small(tmp).open()) {
            assertThat(store.enumerate().count()).isEqualTo(40);
        }
    }

    @Test
    void anEntryWithAnUnknownCodecIdIsUnsupportedNotCorrupt() throws Exception {
        List<byte[]> blobs = seed();
        byte[] blob = "written by a codec this store does not have".getBytes();
        byte[] hash = Blake2b.hash(blob, 0, blob.length);
        appendRawEntry(hash, PackFormat.FLAG_COMPRESSED, 200, new byte[] {9, 9, 9});
        try (BlobStore store = small(tmp).open()) {
            BlobRef ref = BlobRef.of(hash);
            assertThat(store.exists(ref)).isTrue();
            assertThatThrownBy(() -> store.get(ref)).isInstanceOf(UnsupportedCodecException.class)
                    .hasMessageContaining("unsupported codec id 200");
            assertThatThrownBy(() -> store.size(ref)).isInstanceOf(UnsupportedCodecException.class);
            assertAllReadable(store, blobs);
            byte[] later = random(rnd, 100);
            assertThat(store.get(store.put(later))).isEqualTo(later);
        }
        try (BlobStore store = small(tmp).open()) {
            store.rebuildIndex();
            assertThatThrownBy(() -> store.get(BlobRef.of(hash))).isInstanceOf(UnsupportedCodecException.class);
        }
    }

    @Test
    void aKnownCodecIdWithoutItsModuleNamesTheArtifact() {
        assertThatThrownBy(() -> CodecRegistry.discovered().forId(4)).isInstanceOf(UnsupportedCodecException.class)
                .hasMessage("unsupported codec id 4 (lz4): add org.blobsfile:codec-lz4");
    }

    @Test
    void anUnknownCodecOrIndexNameListsWhatIsAvailable() {
        assertThatThrownBy(() -> small(tmp).codec("lz4").open()).isInstanceOf(PluginException.class)
                .hasMessageContaining("codec 'lz4' not found").hasMessageContaining("none")
                .hasMessageContaining("snappy").hasMessageContaining("org.blobsfile:codec-lz4");
        assertThatThrownBy(() -> small(tmp).index("h2").open()).isInstanceOf(PluginException.class)
                .hasMessageContaining("index 'h2' not found").hasMessageContaining("rocksdb")
                .hasMessageContaining("org.blobsfile:index-h2");
    }

    @Test
    void everyCallOnAClosedStoreFails() {
        BlobStore store = small(tmp).open();
        BlobRef ref = store.put(new byte[] {1, 2, 3});
        store.close();
        store.close(); // twice is fine
        assertThatThrownBy(() -> store.get(ref)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.put(new byte[] {4})).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.put(ref, new byte[] {1, 2, 3})).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.putAll(List.of(new byte[] {5}))).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.exists(ref)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.size(ref)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.enumerate()).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(store::stats).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(store::sealedPacks).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(store::rebuildIndex).isInstanceOf(StoreClosedException.class);
        try (BlobStore again = small(tmp).open()) {
            assertThat(again.get(ref)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsLocked() {
        try (BlobStore store = small(tmp).open()) {
            assertThatThrownBy(() -> small(tmp).open()).isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining(tmp.toAbsolutePath().toString());
            assertThat(store.put(new byte[] {7})).isNotNull();
        }
        try (BlobStore store = small(tmp).open()) {
            assertThat(store.enumerate().count()).isEqualTo(1);
        }
    }

    @Test
    void aContradictingPackSizeIsRefused() {
        seed();
        assertThatThrownBy(() -> BlobStore.builder(tmp).maxPackSize(128 * 1024).open())
                .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("65536").hasMessageContaining("131072");
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            assertThat(store.stats().maxPackSize()).isEqualTo(65536);
        }
    }

    @Test
    void aDirectoryThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThatThrownBy(() -> BlobStore.builder(file).open()).isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("not a directory");
    }

    @Test
    void aTornTailOfTheActivePackIsCutAtOpen() throws Exception {
        List<byte[]> blobs = seed();
        Path active = tmp.resolve(PackFormat.fileName(packCount() - 1));
        long good = Files.size(active);
        byte[] blob = random(rnd, 3000);
        byte[] hash = Blake2b.hash(blob, 0, blob.length);
        // half an entry: header and part of the payload, as a crash mid-write leaves it
        appendRawEntry(hash, PackFormat.FLAG_BLOB, 0, blob);
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE)) {
            ch.truncate(good + 38 + 1000);
        }
        try (BlobStore store = small(tmp).open()) {
            assertThat(store.stats().truncatedBytes()).isEqualTo(38 + 1000);
            assertThat(Files.size(active)).isEqualTo(good);
            assertThat(store.exists(BlobRef.of(hash))).isFalse();
            assertAllReadable(store, blobs);
            assertThat(store.get(store.put(blob))).isEqualTo(blob);
        }
    }

    @Test
    void entriesAfterTheCheckpointAreIndexedAtOpen() throws Exception {
        List<byte[]> blobs = seed();
        byte[] blob = random(rnd, 700);
        byte[] hash = Blake2b.hash(blob, 0, blob.length);
        appendRawEntry(hash, PackFormat.FLAG_BLOB, 0, blob); // written, never indexed
        try (BlobStore store = small(tmp).open()) {
            assertThat(store.stats().recoveredEntries()).isEqualTo(1);
            assertThat(store.stats().indexRebuilds()).isZero();
            assertThat(store.get(BlobRef.of(hash))).isEqualTo(blob);
            assertThat(store.stats().blobs()).isEqualTo(41);
            assertAllReadable(store, blobs);
        }
    }

    private int packCount() throws Exception {
        try (var s = Files.list(tmp)) {
            return (int) s.filter(p -> PackFormat.packNumber(p.getFileName().toString()) >= 0).count();
        }
    }

    /** Appends an entry to the active pack behind the store's back. */
    private void appendRawEntry(byte[] hash, int flag, int codecId, byte[] payload) throws Exception {
        Path active = tmp.resolve(PackFormat.fileName(packCount() - 1));
        byte[] h = new EntryHeader(hash, flag, codecId, payload.length).encode();
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(new ByteBuffer[] {ByteBuffer.wrap(h), ByteBuffer.wrap(payload)});
        }
    }
}
