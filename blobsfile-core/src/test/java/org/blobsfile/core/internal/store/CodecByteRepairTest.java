package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.RepairReport;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.testing.Golden;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A codec byte damaged to name a codec that is not present hides the entry from every hash check,
 * so only the parity says something is wrong. Repair must rebuild the data from the intact parity,
 * not recompute the parity over the damage and seal it in (the blob would then be unreadable for
 * good, with "repaired" reported).
 */
class CodecByteRepairTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 100_003;

    @TempDir
    Path tmp;

    @Test
    void repairRestoresACodecByteThatNamesAMissingCodec() throws Exception {
        Random rnd = new Random(SEED.seed(23));
        Map<BlobRef, byte[]> all = new LinkedHashMap<>();
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(PACK).codec("snappy").open()) {
            while (store.sealedPacks().isEmpty()) {
                byte[] b = text(rnd, 1000 + rnd.nextInt(6000));
                all.put(store.put(b), b);
            }
        }
        Path pack0 = tmp.resolve("blobs-00000");
        String original = Golden.sha256(pack0);
        List<PackScanner.Entry> compressed = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(pack0, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            new PackScanner(pack0, ch, ch.size(), PackGeometry.of(PACK)).scan(PackFormat.HEADER_SIZE, (e, s) -> {
                if (e.codecId() != PackFormat.CODEC_NONE) {
                    compressed.add(e);
                }
            });
            PackScanner.Entry hit = compressed.get(compressed.size() / 2);
            PositionalIo.writeFully(ch, hit.offset() + EntryHeader.CODEC, ByteBuffer.wrap(new byte[] {(byte) 0xC8}));
        }
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            assertThat(store.verify().isClean()).as("the parity no longer matches").isFalse();
            RepairReport r = store.repair();
            assertThat(r.repaired()).containsExactly(pack0.toAbsolutePath());
            assertThat(Golden.sha256(pack0)).as("the pack as it was sealed").isEqualTo(original);
            for (Map.Entry<BlobRef, byte[]> e : all.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(store.verify().isClean()).isTrue();
        }
    }
}
