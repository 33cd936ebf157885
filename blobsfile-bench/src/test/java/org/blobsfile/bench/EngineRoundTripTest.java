package org.blobsfile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every adapter stores, reads back and still holds its blobs after a reopen. Small and fast. */
class EngineRoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"blobsfile", "blobsfile:snappy:sync_each", "blobsfile:zstd:none:h2", "blobsfile:lz4:group:rocksdb",
        "file-per-blob", "rocksdb-blobdb", "h2-mvstore"})
    void roundTripsAndSurvivesReopen(String name) throws IOException {
        // sizes around the counter width and a few that are not multiples of anything round
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(new byte[0]);
        blobs.add(new byte[] {42});
        BlobSource a = new BlobSource(513, 1);
        blobs.add(a.next().clone());
        blobs.add(a.next().clone());
        blobs.add(new BlobSource(70_001, 2).next().clone());

        List<byte[]> keys = new ArrayList<>();
        try (Engine e = Engines.create(name)) {
            e.open(dir);
            for (byte[] b : blobs) {
                byte[] key = e.put(b);
                assertThat(key).isEqualTo(blake2b256(b));
                keys.add(key);
            }
            assertThat(e.put(blobs.get(2))).as("a second put of the same blob").isEqualTo(keys.get(2));
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(e.get(keys.get(i))).isEqualTo(blobs.get(i));
            }
        }
        try (Engine e = Engines.create(name)) {
            e.open(dir);
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(e.get(keys.get(i))).as("blob %d after reopen", i).isEqualTo(blobs.get(i));
            }
            assertThat(e.get(blake2b256(new byte[] {1, 2, 3}))).as("a blob never stored").isNull();
        }
    }

    /** Every codec, durability and index the module carries opens, stores and reads back under its own name. */
    @ParameterizedTest
    @MethodSource("storeConfigurations")
    void createsOurStoreWithEachCodecDurabilityAndIndex(String codec, String durability, String index) throws IOException {
        String name = "blobsfile:" + codec + ":" + durability + ":" + index;
        byte[] blob = new BlobSource(4000, 3).next();
        try (Engine e = Engines.create(name)) {
            String expected = name.equals("blobsfile:none:group:rocksdb") ? "blobsfile"
                    : index.equals("rocksdb") ? "blobsfile:" + codec + ":" + durability : name;
            assertThat(e.name()).isEqualTo(expected);
            assertThat(Engines.create(e.name()).name()).as("the name creates the same engine").isEqualTo(expected);
            e.open(dir);
            assertThat(e.get(e.put(blob))).isEqualTo(blob);
        }
    }

    static Stream<Arguments> storeConfigurations() {
        return Engines.CODECS.stream().flatMap(c -> Stream.of("sync_each", "group", "none")
                .flatMap(d -> Engines.INDEXES.stream().map(i -> Arguments.of(c, d, i))));
    }

    @Test
    void h2MapSurvivesReopenWithLargeBlobsAndKeepsNoCallerArray() throws IOException {
        byte[] big = new BlobSource(4 << 20, 9).next();
        byte[] copy = big.clone();
        byte[] key;
        try (Engine e = Engines.create(Engines.H2_MVSTORE)) {
            e.open(dir);
            key = e.put(big);
            big[0]++; // the caller reuses its array, as the benchmarks' blob sources do
            byte[] back = e.get(key);
            assertThat(back).isEqualTo(copy);
            back[1]++;
            assertThat(e.get(key)).as("a returned array is the caller's own").isEqualTo(copy);
        }
        assertThat(dir.resolve(H2BlobMapEngine.FILE_NAME)).isRegularFile();
        try (Engine e = Engines.create(Engines.H2_MVSTORE)) {
            e.open(dir);
            assertThat(e.get(key)).isEqualTo(copy);
        }
    }

    @Test
    void filePerBlobFansOutByHashAndLeavesNoTemporaryFiles() throws IOException {
        byte[] blob = {1, 2, 3};
        String hex = Hashing.hex(blake2b256(blob));
        try (Engine e = new FilePerBlobEngine()) {
            e.open(dir);
            e.put(blob);
            e.put(blob);
        }
        assertThat(dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex)).hasBinaryContent(blob);
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).hasSize(1);
        }
    }

    @Test
    void blobSourceMakesDistinctBlobsOfOneSize() {
        BlobSource s = new BlobSource(100, 7);
        byte[] first = s.next().clone();
        byte[] second = s.next().clone();
        assertThat(first).hasSize(100).isNotEqualTo(second);
        assertThat(new BlobSource(100, 7).next()).isEqualTo(first);
        assertThat(new BlobSource(3, 7).next()).hasSize(3);
    }

    @Test
    void numberedStreamsNeverMakeTheSameBlob() {
        byte[] a = new BlobSource(16, 7, 0).next().clone();
        byte[] b = new BlobSource(16, 7, 1).next().clone();
        assertThat(a).isNotEqualTo(b);
        assertThat(java.util.Arrays.copyOf(a, 8)).isEqualTo(java.util.Arrays.copyOf(b, 8));
        assertThatThrownBy(() -> new BlobSource(15, 7, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownEngineNamesTheKnownOnes() {
        assertThatThrownBy(() -> Engines.create("leveldb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file-per-blob").hasMessageContaining("rocksdb-blobdb").hasMessageContaining("h2-mvstore");
        for (String bad : List.of("blobsfile:brotli", "blobsfile:none:sometimes", "blobsfile:none:group:leveldb",
                "blobsfile:none:group:h2:extra")) {
            assertThatThrownBy(() -> Engines.create(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Engines.create("blobsfile").name()).isEqualTo("blobsfile");
        assertThat(Engines.create("blobsfile:snappy:none").name()).isEqualTo("blobsfile:snappy:none");
    }

    /** Computed here, independently of the code under test. */
    private static byte[] blake2b256(byte[] data) {
        Blake2bDigest d = new Blake2bDigest(256);
        d.update(data, 0, data.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }
}
