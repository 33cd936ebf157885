package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.blobsfile.tck.V1Check;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A store closed, or killed, when its last pack has room for its EOF entry but for no other
 * entry: the pack stays the one puts go to, so the next put closes it with its EOF entry and
 * seals it, rather than leaving it short of the pack size, without parity, for good.
 */
class NoRoomLeftTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {EntryHeader.LENGTH, EntryHeader.LENGTH + 1, 57, 2 * EntryHeader.LENGTH - 1})
    void aLastPackWithNoRoomForAnotherEntryIsClosedAndSealedByTheNextPut(int left) throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("left-" + left);
        Path first = PackFormat.path(dir, 0);
        byte[] filling = StoreTestSupport.random(rnd, (int) (PACK - PackFormat.HEADER_SIZE - EntryHeader.LENGTH - left));
        BlobRef filled;
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(PACK).open()) {
            filled = store.put(filling);
        }
        assertThat(Files.size(first)).as("the pack as the close left it").isEqualTo(PACK - left);
        byte[] next = StoreTestSupport.random(rnd, 100);
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(PACK).open()) {
            BlobRef put = store.put(next);
            store.verify(); // returns once the packs filled are sealed
            assertThat(store.sealedPacks()).contains(first);
            assertThat(store.get(filled)).isEqualTo(filling);
            assertThat(store.get(put)).isEqualTo(next);
        }
        V1Check.assertStrictPass(dir, PACK);
    }
}
