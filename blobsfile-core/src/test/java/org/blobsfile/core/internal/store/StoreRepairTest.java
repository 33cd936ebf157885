package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.parity.PackRepairer;
import org.blobsfile.core.testing.Golden;
import org.blobsfile.tck.RandomSeed;
import org.blobsfile.tck.V1Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verify, repair, quarantine and self-healing reads through the store's own API. */
class StoreRepairTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    private static String original(String name) {
        return Golden.sums(name, "original.sha256").get("blobs-00000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"corrupt-1shard", "corrupt-2shards", "corrupt-parity"})
    void verifyFindsTheGoldenDamageAndRepairRestoresTheOriginalPack(String name) throws Exception {
        Path dir = Golden.copyStore(name, tmp.resolve(name));
        try (BlobStore store = BlobStore.builder(dir).open()) {
            VerifyReport v = store.verify();
            assertThat(v.isClean()).isFalse();
            assertThat(v.damage()).allMatch(d -> d.pack().getFileName().toString().equals("blobs-00000"));
            for (Golden.Damage d : Golden.damage(name)) {
                if (!d.blob().isEmpty() && !d.blob().equals("-")) {
                    assertThat(v.damage()).extracting(Damage::blob).contains(BlobRef.parse(d.blob()));
                }
            }
            RepairReport r = store.repair();
            assertThat(r.repaired()).containsExactly(dir.toAbsolutePath().resolve("blobs-00000"));
            assertThat(r.quarantined()).isEmpty();
            assertThat(r.isComplete()).isTrue();
            assertThat(Golden.sha256(dir.resolve("blobs-00000"))).isEqualTo(original(name));
            assertThat(store.verify().isClean()).isTrue();
            assertThat(store.stats().repairs()).isEqualTo(1);
            for (Golden.Row row : Golden.manifest(name)) {
                assertThat(store.get(BlobRef.parse(row.hash()))).hasSize((int) row.size());
            }
        }
    }

    @Test
    void aGetOfDamagedBlobsIsHealedFromParityAndThePackRepairedBehindIt() throws Exception {
        Path dir = Golden.copyStore("corrupt-2shards", tmp.resolve("heal"));
        Map<String, byte[]> blobs = Golden.blobsByHash("sealed");
        try (BlobStore store = BlobStore.builder(dir).open()) {
            for (Golden.Damage d : Golden.damage("corrupt-2shards")) {
                BlobRef ref = BlobRef.parse(d.blob());
                assertThat(store.get(ref)).isEqualTo(blobs.get(d.blob()));
            }
            // the first heal queues the repair; the second get heals too, or reads the repaired
            // pack when that repair was quicker
            assertThat(store.stats().healedReads()).isBetween(1L, 2L);
        } // close waits for the background repair
        assertThat(Golden.sha256(dir.resolve("blobs-00000"))).isEqualTo(original("corrupt-2shards"));
    }

    /** A store of sealed packs with a pack size that is not a multiple of 10. */
    private Map<BlobRef, byte[]> sealedStore(Path dir) {
        Map<BlobRef, byte[]> all = new LinkedHashMap<>();
        Random rnd = new Random(SEED.seed(77));
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(100_003).open()) {
            for (int i = 0; i < 120; i++) {
                byte[] b = random(rnd, 200 + rnd.nextInt(4000));
                all.put(store.put(b), b);
            }
            assertThat(store.sealedPacks()).isNotEmpty(); // (sealing may still be running: close waits)
        }
        return all;
    }

    private static void smash(Path pack, long offset, int length) throws Exception {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            byte[] junk = new byte[length];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            PositionalIo.writeFully(ch, offset, ByteBuffer.wrap(junk));
        }
    }

    @Test
    void aPackBeyondRepairIsQuarantinedAndEveryIntactBlobStillServes() throws Exception {
        Path dir = tmp.resolve("q");
        Map<BlobRef, byte[]> all = sealedStore(dir);
        Path pack0 = dir.resolve("blobs-00000");
        long shard = PackGeometry.of(100_003).shardSize();
        for (int s : new int[] {2, 5, 8}) { // three damaged data shards: more than two parity shards can rebuild
            smash(pack0, s * shard + 1000, 64);
        }
        List<BlobRef> damaged = new ArrayList<>();
        try (BlobStore store = BlobStore.builder(dir).open()) {
            for (Damage d : store.verify().damage()) {
                if (d.blob() != null && !damaged.contains(d.blob())) {
                    damaged.add(d.blob());
                }
            }
            assertThat(damaged).isNotEmpty();
            assertThatThrownBy(() -> store.get(damaged.get(0))).isInstanceOf(CorruptPackException.class);
            RepairReport r = store.repair();
            assertThat(r.quarantined()).containsExactly(dir.toAbsolutePath().resolve("quarantine").resolve("blobs-00000"));
            assertThat(r.lost()).containsExactlyInAnyOrderElementsOf(damaged);
            assertThat(r.isComplete()).isFalse();
            for (var e : all.entrySet()) {
                if (damaged.contains(e.getKey())) {
                    assertThatThrownBy(() -> store.get(e.getKey())).isInstanceOf(BlobNotFoundException.class)
                            .hasMessageContaining("blobs-00000").hasMessageContaining("quarantine");
                    assertThat(store.exists(e.getKey())).isFalse();
                } else {
                    assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
            assertThat(store.verify().isClean()).as("the tombstone is a valid empty sealed pack").isTrue();
            assertThat(store.stats().quarantinedPacks()).isEqualTo(1);
            assertThat(store.stats().blobs()).isEqualTo(all.size() - damaged.size());
        }
        assertThat(dir.resolve("quarantine").resolve("blobs-00000.txt")).exists();
        try (BlobStore store = BlobStore.builder(dir).open()) {
            store.rebuildIndex();
            assertThat(store.enumerate().count()).isEqualTo(all.size() - damaged.size());
            assertThatThrownBy(() -> store.get(damaged.get(0))).isInstanceOf(BlobNotFoundException.class)
                    .hasMessageContaining("quarantine");
        }
        V1Check.assertStrictPass(dir, 100_003);
    }

    @Test
    void aCrashMidQuarantineLeavesAGapThatTheNextOpenCloses() throws Exception {
        Path dir = tmp.resolve("gap");
        Map<BlobRef, byte[]> all = sealedStore(dir);
        Files.createDirectories(dir.resolve("quarantine"));
        Files.move(dir.resolve("blobs-00001"), dir.resolve("quarantine").resolve("blobs-00001"));
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(Files.size(dir.resolve("blobs-00001"))).isEqualTo(PackGeometry.of(100_003).sealedSize());
            assertThat(store.verify().isClean()).isTrue();
            long readable = all.keySet().stream().filter(store::exists).count();
            assertThat(readable).isLessThan(all.size()).isPositive();
        }
    }

    @Test
    void verifyCountsEveryByteOfEveryPack() throws Exception {
        Path dir = tmp.resolve("count");
        sealedStore(dir);
        long total = 0;
        try (var s = Files.list(dir)) {
            for (Path p : s.filter(p -> PackFormat.packNumber(p.getFileName().toString()) >= 0).toList()) {
                total += Files.size(p);
            }
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            long[] last = {0, 0};
            VerifyReport v = store.verify((done, all) -> {
                assertThat(done).isGreaterThanOrEqualTo(last[0]);
                last[0] = done;
                last[1] = all;
            });
            assertThat(v.isClean()).isTrue();
            assertThat(v.bytesRead()).isEqualTo(total);
            assertThat(last[0]).isEqualTo(total);
            assertThat(last[1]).isEqualTo(total);
            assertThat(v.blobs()).isEqualTo(120);
        }
    }

    @Test
    void damageInTheActivePackIsReportedAndLeftForItsOtherBlobs() throws Exception {
        Path dir = tmp.resolve("active");
        byte[] a = "first blob in the active pack".getBytes();
        byte[] b = "second blob in the active pack".getBytes();
        try (BlobStore store = BlobStore.builder(dir).open()) {
            store.put(a);
            store.put(b);
        }
        byte[] file = Files.readAllBytes(dir.resolve("blobs-00000"));
        int at = indexOf(file, a);
        file[at] ^= 1;
        Files.write(dir.resolve("blobs-00000"), file);
        try (BlobStore store = BlobStore.builder(dir).open()) {
            RepairReport r = store.repair();
            assertThat(r.remaining()).hasSize(1);
            assertThat(r.isComplete()).isFalse();
            assertThat(store.get(BlobRef.of(Blake2b.hash(b, 0, b.length)))).isEqualTo(b);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + HexFormat.of().formatHex(needle));
    }

    @Test
    void openRemovesTheReplacementOfARepairThatDidNotFinish() throws Exception {
        BlobRef ref;
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            ref = store.put("kept".getBytes());
        }
        Path pack = tmp.resolve(PackFormat.fileName(0));
        byte[] before = Files.readAllBytes(pack);
        Path leftover = tmp.resolve(PackFormat.fileName(0) + PackRepairer.TEMP_SUFFIX);
        Files.write(leftover, new byte[4096]);
        try (BlobStore store = BlobStore.builder(tmp).open()) {
            assertThat(leftover).doesNotExist();
            assertThat(store.get(ref)).isEqualTo("kept".getBytes());
        }
        assertThat(Files.readAllBytes(pack)).isEqualTo(before);
    }
}
