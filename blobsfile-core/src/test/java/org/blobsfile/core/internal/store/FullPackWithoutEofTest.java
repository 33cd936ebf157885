package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.StoreConfigurationException;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.testing.Golden;
import org.blobsfile.tck.V1Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pack the Go writer filled to the last byte has no EOF entry and no parity: it is closed and
 * unprotected. The store infers no pack size from it, accepts the matching pack size, never
 * appends to it or seals it, and verify does not call it damage.
 */
class FullPackWithoutEofTest {
    private static final long MAX = 10_000;

    @TempDir
    Path tmp;

    private final Random rnd = new Random(14);
    private final List<byte[]> blobs = new ArrayList<>();

    /** The bytes of a plain blob entry holding {@code blob}. */
    private static byte[] entry(byte[] blob) {
        byte[] h = new EntryHeader(Blake2b.hash(blob, 0, blob.length), PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE,
                blob.length).encode();
        byte[] out = new byte[h.length + blob.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(blob, 0, out, h.length, blob.length);
        return out;
    }

    private byte[] blob(int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        blobs.add(b);
        return b;
    }

    /** Writes a pack of plain entries holding blobs of the given sizes. */
    private Path pack(Path dir, int n, int... sizes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PackFormat.header());
        for (int s : sizes) {
            out.write(entry(blob(s)));
        }
        Path p = PackFormat.path(dir, n);
        Files.write(p, out.toByteArray());
        return p;
    }

    /** blobs-00000 holds two blobs, the second filling it to exactly {@link #MAX} bytes without EOF entry. */
    private Path fullPack(Path dir) throws Exception {
        Files.createDirectories(dir);
        int last = (int) (MAX - PackFormat.HEADER_SIZE - EntryHeader.LENGTH - 100 - EntryHeader.LENGTH);
        Path p = pack(dir, 0, 100, last);
        assertThat(Files.size(p)).isEqualTo(MAX);
        return p;
    }

    private static void record(Path dir, long max) throws Exception {
        Files.writeString(dir.resolve(StoreConfig.FILE_NAME), "format=1\nmax-pack-size=" + max + "\n");
    }

    private void assertAllRead(BlobStore store) {
        for (byte[] b : blobs) {
            assertThat(store.get(BlobRef.of(Blake2b.hash(b, 0, b.length)))).isEqualTo(b);
        }
    }

    private static void assertClean(BlobStore store) {
        VerifyReport r = store.verify();
        assertThat(r.damage()).isEmpty();
        assertThat(r.isClean()).isTrue();
    }

    private static String recorded(Path dir) throws Exception {
        return Files.readString(dir.resolve(StoreConfig.FILE_NAME), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, MAX})
    void aFullPackWithoutEofIsClosedAndLeftAlone(long option) throws Exception {
        Path dir = tmp.resolve("s");
        Path full = fullPack(dir);
        Path active = pack(dir, 1, 500, 40);
        record(dir, MAX);
        String sum = Golden.sha256(full);
        long activeLength = Files.size(active);
        BlobStoreOptions.Builder b = BlobStore.builder(dir);
        if (option > 0) {
            b = b.maxPackSize(option);
        }
        try (BlobStore store = b.open()) {
            assertThat(store.stats().packs()).isEqualTo(2);
            assertAllRead(store);
            assertClean(store);
            assertThat(store.verify().warnings()).as("a note, not damage")
                    .containsExactly("blobs-00000: closed without EOF entry (filled to the last byte by another v1"
                            + " writer): no parity, unprotected");
            BlobRef put = store.put(blob(300));
            byte[] next = new byte[EntryHeader.LENGTH];
            try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "r")) {
                f.seek(activeLength);
                f.readFully(next);
            }
            assertThat(EntryHeader.decode(next, 0).hash()).as("the put goes to the active pack").isEqualTo(put.bytes());
            assertThat(store.stats().packs()).isEqualTo(2);
            for (int i = 0; i < 30; i++) { // enough to fill and seal blobs-00001 and more
                store.put(blob(900));
            }
            assertThat(store.stats().packs()).isGreaterThan(3);
        } // close waits for the seals
        assertThat(Golden.sha256(full)).as("blobs-00000 unchanged").isEqualTo(sum);
        assertThat(Files.size(active)).as("blobs-00001 sealed").isEqualTo(PackGeometry.of(MAX).sealedSize());
        try (BlobStore store = b.open()) {
            assertAllRead(store);
            assertClean(store);
            assertThat(store.sealedPacks()).doesNotContain(full).contains(active);
        }
        assertThat(Golden.sha256(full)).as("blobs-00000 unchanged after a reopen").isEqualTo(sum);
        assertThat(recorded(dir)).contains("max-pack-size=" + MAX);
        V1Check.assertStrictPass(dir, MAX);
    }

    @ParameterizedTest
    @ValueSource(longs = {8_270, 9_000, 12_000})
    void aWrongPackSizeIsRefused(long wrong) throws Exception {
        Path dir = tmp.resolve("s");
        Path full = fullPack(dir);
        pack(dir, 1, 500);
        record(dir, MAX);
        String sum = Golden.sha256(full);
        assertThatThrownBy(() -> BlobStore.builder(dir).maxPackSize(wrong).open().close())
                .isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("pack size " + MAX)
                .hasMessageContaining("not " + wrong);
        assertThat(Golden.sha256(full)).isEqualTo(sum);
    }

    @Test
    void aLoneFullPackWithoutPropertiesTakesTheOptionsSize() throws Exception {
        Path dir = tmp.resolve("s");
        Path full = fullPack(dir);
        String sum = Golden.sha256(full);
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(MAX).open()) {
            assertAllRead(store);
            assertClean(store);
            store.put(blob(10));
            assertThat(Files.exists(PackFormat.path(dir, 1))).as("the next put starts a new pack").isTrue();
            assertThat(store.stats().packs()).isEqualTo(2);
            assertAllRead(store);
            assertClean(store);
        }
        assertThat(recorded(dir)).contains("max-pack-size=" + MAX);
        assertThat(Golden.sha256(full)).isEqualTo(sum);
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertAllRead(store);
            assertClean(store);
        }
        assertThat(Golden.sha256(full)).isEqualTo(sum);
        V1Check.assertStrictPass(dir, MAX);
    }

    @Test
    void thePackSizeIsInferredFromAnEofEntryNotFromAFullPacksLength() throws Exception {
        Path donor = tmp.resolve("donor");
        List<byte[]> donated = new ArrayList<>();
        try (BlobStore store = BlobStore.builder(donor).maxPackSize(MAX).open()) {
            while (store.stats().packs() < 2) {
                byte[] d = new byte[700];
                rnd.nextBytes(d);
                store.put(d);
                donated.add(d);
            }
        }
        Path dir = tmp.resolve("s");
        Path full = fullPack(dir);
        // 10000 bytes is also the sealed length of packs of 8270 bytes: a guess from lengths would take that
        assertThat(PackGeometry.of(8_270).sealedSize()).isEqualTo(MAX);
        Files.copy(PackFormat.path(donor, 0), PackFormat.path(dir, 1));
        pack(dir, 2, 123);
        String sum = Golden.sha256(full);
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(recorded(dir)).contains("max-pack-size=" + MAX);
            assertAllRead(store);
            assertClean(store);
            assertThat(store.sealedPacks()).containsExactly(PackFormat.path(dir, 1));
            store.put(blob(77));
        }
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(MAX).open()) {
            assertAllRead(store);
            for (byte[] d : donated.subList(0, 5)) {
                assertThat(store.get(BlobRef.of(Blake2b.hash(d, 0, d.length)))).isEqualTo(d);
            }
            assertClean(store);
        }
        assertThat(Golden.sha256(full)).isEqualTo(sum);
        V1Check.assertStrictPass(dir, MAX);
    }
}
