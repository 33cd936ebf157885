package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.small;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store's own maintenance never destroys a readable blob: a damaged header costs at most its
 * own entry at open, reindex, verify and quarantine, and bytes cut at open are saved first.
 */
class DamageToleranceTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    /** A header field to damage. */
    enum Field {
        SIZE_SMALLER, SIZE_LARGER, SIZE_HUGE, FLAG, CODEC;

        void damage(Path pack, long entry, EntryHeader h) throws Exception {
            switch (this) {
                case SIZE_SMALLER -> writeSize(pack, entry, h.size() - 7);
                case SIZE_LARGER -> writeSize(pack, entry, h.size() + 3000);
                case SIZE_HUGE -> writeSize(pack, entry, 0xFFFF_FFF0L);
                case FLAG -> write(pack, entry + EntryHeader.FLAG, (byte) (h.flag() ^ 0x40));
                case CODEC -> write(pack, entry + EntryHeader.CODEC, (byte) (h.codecId() ^ 0x03));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void openWithoutIndexKeepsEveryBlobOfAnActivePackWithADamagedHeader(Field field) throws Exception {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        try (BlobStore store = small(tmp).codec("snappy").maxPackSize(1 << 20).open()) {
            for (int i = 0; i < 12; i++) {
                byte[] b = i % 2 == 0 ? text(rnd, 500 + rnd.nextInt(2000)) : random(rnd, 500 + rnd.nextInt(2000));
                blobs.put(store.put(b), b);
            }
        }
        Path pack = tmp.resolve("blobs-00000");
        long lengthBefore = Files.size(pack);
        List<BlobInfo> infos = infos(tmp, 1 << 20);
        BlobInfo victim = infos.get(4);
        field.damage(pack, victim.offset(), header(pack, victim.offset()));
        StoreTestSupport.deleteIndex(tmp);

        try (BlobStore store = small(tmp).codec("snappy").maxPackSize(1 << 20).open()) {
            assertThat(Files.size(pack)).as("nothing is cut off the pack").isEqualTo(lengthBefore);
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(store.get(e.getKey())).as("blob %s", e.getKey()).isEqualTo(e.getValue());
            }
            VerifyReport v = store.verify();
            assertThat(v.isClean()).as("%s %s", victim, v).isFalse();
            assertThat(v.damage()).anyMatch(d -> d.offset() == victim.offset());
            byte[] more = random(rnd, 1000);
            BlobRef ref = store.put(more);
            assertThat(store.get(ref)).isEqualTo(more);
        }
        try (BlobStore store = small(tmp).codec("snappy").maxPackSize(1 << 20).open()) {
            assertThat(store.enumerate().count()).isEqualTo(blobs.size() + 1);
        }
    }

    @Test
    void aTornTailIsSavedToLostAndFoundBeforeItIsCut() throws Exception {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        try (BlobStore store = small(tmp).maxPackSize(1 << 20).open()) {
            for (int i = 0; i < 5; i++) {
                byte[] b = random(rnd, 1000);
                blobs.put(store.put(b), b);
            }
        }
        Path pack = tmp.resolve("blobs-00000");
        long end = Files.size(pack);
        byte[] torn = new byte[EntryHeader.LENGTH + 300];
        byte[] payload = random(rnd, 2000);
        new EntryHeader(new byte[32], PackFormat.FLAG_BLOB, 0, payload.length).encode(torn, 0);
        rnd.nextBytes(new byte[0]);
        System.arraycopy(payload, 0, torn, EntryHeader.LENGTH, 300);
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(torn));
        }
        StoreTestSupport.deleteIndex(tmp);
        try (BlobStore store = small(tmp).maxPackSize(1 << 20).open()) {
            assertThat(Files.size(pack)).isEqualTo(end);
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
        Path saved = tmp.resolve(LostAndFound.DIR).resolve("blobs-00000." + end);
        assertThat(Files.readAllBytes(saved)).isEqualTo(torn);
        String note = Files.readString(saved.resolveSibling(saved.getFileName() + ".txt"), StandardCharsets.UTF_8);
        assertThat(note).contains("pack=blobs-00000", "offset=" + end, "length=" + torn.length);
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void reindexFindsEveryBlobOfASealedPackWithADamagedHeader(Field field) throws Exception {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = fillSealed(rnd, 3);
        Path pack = tmp.resolve("blobs-00001");
        BlobInfo victim = infos(tmp, PACK).stream().filter(i -> i.pack() == 1).toList().get(3);
        field.damage(pack, victim.offset(), header(pack, victim.offset()));
        try (BlobStore store = small(tmp).codec("snappy").open()) {
            store.rebuildIndex();
            assertThat(store.enumerate().map(BlobInfo::ref)).containsExactlyInAnyOrderElementsOf(blobs.keySet());
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
            VerifyReport v = store.verify();
            assertThat(v.damage()).anyMatch(d -> d.offset() == victim.offset() && victim.ref().equals(d.blob()));
            RepairReport r = store.repair();
            assertThat(r.repaired()).hasSize(1);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void quarantineSalvagesEveryIntactBlobAfterADamagedHeader() throws Exception {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = fillSealed(rnd, 3);
        Path pack = tmp.resolve("blobs-00001");
        PackGeometry g = PackGeometry.of(PACK);
        List<BlobInfo> inPack = infos(tmp, PACK).stream().filter(i -> i.pack() == 1).toList();
        // three shards damaged is beyond parity: a size field, a codec byte, and one blob's payload
        BlobInfo sized = inPack.get(1);
        BlobInfo coded = inPack.stream().filter(i -> i.codecId() != 0
                && g.dataShardOf(i.offset()) > g.dataShardOf(sized.offset() + 200)).findFirst().orElseThrow();
        BlobInfo broken = inPack.stream().filter(i -> g.dataShardOf(i.offset()) > g.dataShardOf(coded.offset() + 2000)
                && g.dataShardOf(i.offset() + 100) == g.dataShardOf(i.offset())).findFirst().orElseThrow();
        Field.SIZE_SMALLER.damage(pack, sized.offset(), header(pack, sized.offset()));
        Field.CODEC.damage(pack, coded.offset(), header(pack, coded.offset()));
        write(pack, broken.offset() + EntryHeader.LENGTH + 40, (byte) 0x5a);
        write(pack, broken.offset() + EntryHeader.LENGTH + 41, (byte) 0xa5);
        try (BlobStore store = small(tmp).codec("snappy").open()) {
            RepairReport r = store.repair();
            assertThat(r.quarantined()).hasSize(1);
            // the damaged payload lies in one shard: the pack cannot be rebuilt whole, but the blob
            // heals unless the other two damaged shards are damaged at the same offsets in their shards
            assertThat(r.lost()).isSubsetOf(broken.ref());
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                if (!r.lost().contains(e.getKey())) {
                    assertThat(store.get(e.getKey())).as("blob %s", e.getKey()).isEqualTo(e.getValue());
                }
            }
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void aDamagedCodecLengthPrefixNeitherStopsOpenNorLosesTheBlob() throws Exception {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = fillSealed(rnd, 3);
        BlobInfo victim = infos(tmp, PACK).stream().filter(i -> i.pack() == 0 && i.codecId() != 0).findFirst().orElseThrow();
        // snappy's block starts with the blob length as a varint: make it claim far more
        write(tmp.resolve("blobs-00000"), victim.offset() + EntryHeader.LENGTH, (byte) 0xff);
        write(tmp.resolve("blobs-00000"), victim.offset() + EntryHeader.LENGTH + 1, (byte) 0xff);
        StoreTestSupport.deleteIndex(tmp);
        try (BlobStore store = small(tmp).codec("snappy").open()) {
            assertThat(store.get(victim.ref())).isEqualTo(blobs.get(victim.ref()));
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
            }
            store.repair();
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void aHealingReadRebuildsTheIndexedPlaceWhateverTheHeaderSays(Field field) throws Exception {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = fillSealed(rnd, 2);
        Path pack = tmp.resolve("blobs-00000");
        BlobInfo victim = infos(tmp, PACK).stream().filter(i -> i.pack() == 0 && i.storedSize() > 100).toList().get(2);
        field.damage(pack, victim.offset(), header(pack, victim.offset()));
        write(pack, victim.offset() + EntryHeader.LENGTH + 50, (byte) ~blobs.get(victim.ref())[0]);
        write(pack, victim.offset() + EntryHeader.LENGTH + 51, (byte) 0x33);
        try (BlobStore store = small(tmp).codec("snappy").open()) {
            assertThat(store.get(victim.ref())).isEqualTo(blobs.get(victim.ref()));
            assertThat(store.stats().healedReads()).isEqualTo(1);
        }
    }

    @Test
    void openNeverSealsAgainAPackWhoseParityHeaderIsDamaged() throws Exception {
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = fillSealed(rnd, 2);
        Path pack = tmp.resolve("blobs-00000");
        byte[] original = Files.readAllBytes(pack);
        BlobInfo victim = infos(tmp, PACK).stream().filter(i -> i.pack() == 0).toList().get(1);
        // a parity header zeroed, and a payload byte in the data: two shards, within what parity repairs
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[EntryHeader.LENGTH]), PACK);
        }
        write(pack, victim.offset() + EntryHeader.LENGTH + 5, (byte) ~original[(int) victim.offset() + EntryHeader.LENGTH + 5]);
        byte[] damaged = Files.readAllBytes(pack);
        try (BlobStore store = small(tmp).codec("snappy").open()) {
            assertThat(Files.readAllBytes(pack)).as("open keeps the damaged pack as it is").isEqualTo(damaged);
            assertThat(store.get(victim.ref())).isEqualTo(blobs.get(victim.ref()));
            // the healing read queued a repair of the pack; this one finds it repaired, or does it
            assertThat(store.repair().isComplete()).isTrue();
        }
        assertThat(Files.readAllBytes(pack)).as("repair restores the pack byte for byte").isEqualTo(original);
    }

    /** Puts blobs until {@code sealed} packs are sealed; half of them compressible. */
    private Map<BlobRef, byte[]> fillSealed(Random rnd, int sealed) throws Exception {
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        try (BlobStore store = small(tmp).codec("snappy").open()) {
            while (store.sealedPacks().size() < sealed) {
                byte[] b = rnd.nextBoolean() ? text(rnd, 300 + rnd.nextInt(2500)) : random(rnd, 300 + rnd.nextInt(2500));
                blobs.put(store.put(b), b);
            }
        }
        return blobs;
    }

    /** @return every blob's place, in pack and offset order, read from a store opened on {@code dir} */
    private static List<BlobInfo> infos(Path dir, long packSize) {
        try (BlobStore store = small(dir).codec("snappy").maxPackSize(packSize).open();
             Stream<BlobInfo> s = store.enumerate()) {
            return s.sorted(Comparator.comparingInt(BlobInfo::pack).thenComparingLong(BlobInfo::offset)).toList();
        }
    }

    private static EntryHeader header(Path pack, long offset) throws Exception {
        byte[] h = new byte[EntryHeader.LENGTH];
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(h), offset);
        }
        return EntryHeader.decode(h, 0);
    }

    private static void writeSize(Path pack, long entry, long size) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) size).flip();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.write(b, entry + EntryHeader.SIZE);
        }
    }

    private static void write(Path pack, long at, byte value) throws Exception {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {value}), at);
        }
    }
}
