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
import org.junit.jupiter.params.provider.ValueSource;

/** Every adapter stores, reads back and still holds its blobs after a reopen. Small and fast. */
class EngineRoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"blobsfile", "blobsfile:snappy:sync_each", "file-per-blob", "rocksdb-blobdb"})
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
                .hasMessageContaining("file-per-blob").hasMessageContaining("rocksdb-blobdb");
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
