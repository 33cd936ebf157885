package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.testing.Golden;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seal interrupted at any point is finished at the next open: a pack cut anywhere between the
 * end of its data area and the end of its parity gets exactly the parity it should have.
 */
class SealResumeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(longs = {1_000_000, 1_000_001, 1_000_038, 1_050_000, 1_100_038, 1_100_076, 1_150_000, 1_200_075})
    void anInterruptedSealIsRedoneAtOpen(long cutAt) throws Exception {
        Path dir = Golden.copyStore("sealed", tmp.resolve("s"));
        try (FileChannel ch = FileChannel.open(dir.resolve("blobs-00001"), StandardOpenOption.WRITE)) {
            ch.truncate(cutAt);
        }
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(1_000_000).open()) {
            assertThat(store.stats().packs()).isEqualTo(3);
        } // close waits for the resumed seal
        assertThat(Golden.sha256(dir.resolve("blobs-00001"))).isEqualTo(Golden.sums("sealed", "packs.sha256").get("blobs-00001"));
        assertThat(Golden.sha256(dir.resolve("blobs-00000"))).isEqualTo(Golden.sums("sealed", "packs.sha256").get("blobs-00000"));
    }
}
