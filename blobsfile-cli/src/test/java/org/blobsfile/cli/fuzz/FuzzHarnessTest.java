package org.blobsfile.cli.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The fuzzer's own parts: reproducible damage, the shard map, and the judgement of what is intact. */
class FuzzHarnessTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    static final StoreShape SHAPE = new StoreShape("none", "h2", 6_007);

    @TempDir
    static Path tmp;
    static StoreTemplate template;

    @BeforeAll
    static void pristine() {
        template = StoreTemplate.build(SHAPE, tmp.resolve("template"), 7);
    }

    @Test
    void aPristineStoreHasSeveralSealedPacksAndEveryBlobIntact() throws IOException {
        assertThat(template.sealed).hasSizeGreaterThanOrEqualTo(3);
        assertThat(template.blobs).containsKey(BlobRef.parse(
                "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")); // the empty blob
        Path copy = tmp.resolve("pristine-copy");
        template.copyTo(copy, false);
        PhysicalState state = PhysicalState.read(copy, template);
        assertThat(template.blobs.keySet()).allMatch(state::intactInPlace).allMatch(state::reachable);
        assertThat(state.repairableSealedPack()).isNull();
    }

    @Test
    void aCompactedStoreHasDeletedBlobsEmptySealedPacksAndADeletionLog() throws IOException {
        StoreShape shape = new StoreShape("snappy", "rocksdb", 9_221, true);
        StoreTemplate compacted = StoreTemplate.build(shape, tmp.resolve("compacted"), 11);
        assertThat(compacted.deleted).isNotEmpty().doesNotContainKeys(compacted.blobs.keySet().toArray(BlobRef[]::new));
        assertThat(compacted.sealed).anyMatch(n -> compacted.entries.get(n).stream().noneMatch(e -> e.kind().equals("blob")));
        for (boolean withIndex : new boolean[] {true, false}) {
            Path copy = tmp.resolve("compacted-copy-" + withIndex);
            compacted.copyTo(copy, withIndex);
            assertThat(copy.resolve("deletions.log")).isRegularFile();
            PhysicalState state = PhysicalState.read(copy, compacted);
            assertThat(compacted.blobs.keySet()).allMatch(state::intactInPlace);
            assertThat(compacted.deleted.keySet()).noneMatch(state::deadEntryMovedLater);
            try (BlobStore store = BlobStore.builder(copy).codec(shape.codec()).index(shape.index()).open()) {
                assertThat(compacted.deleted.keySet()).noneMatch(store::exists);
                assertThat(compacted.blobs.keySet()).allMatch(store::exists);
            }
        }
    }

    @Test
    void aCaseNumberReplaysTheSameDamage() throws IOException {
        long seed = SEED.seed();
        List<StoreShape> shapes = List.of(SHAPE);
        for (int n = 0; n < 40; n++) {
            FuzzCase c = FuzzCase.of(seed, n, shapes);
            assertThat(FuzzCase.of(seed, n, shapes)).isEqualTo(c);
            Path a = tmp.resolve("replay-" + n + "-a");
            Path b = tmp.resolve("replay-" + n + "-b");
            String first = damage(c, a);
            String second = damage(c, b);
            assertThat(second).as(c.toString()).isEqualTo(first);
            for (String pack : template.packNames()) {
                Path pa = a.resolve(pack);
                Path pb = b.resolve(pack);
                if (Files.isRegularFile(pa) && Files.isRegularFile(pb)) {
                    assertThat(Files.readAllBytes(pb)).as(c + ": " + pack).isEqualTo(Files.readAllBytes(pa));
                } else {
                    assertThat(Files.isRegularFile(pb)).as(c + ": " + pack).isEqualTo(Files.isRegularFile(pa));
                }
            }
        }
    }

    private static String damage(FuzzCase c, Path dir) throws IOException {
        template.copyTo(dir, c.withIndex());
        Random rnd = c.damageRandom();
        String pack = c.sealed() ? template.sealed.get(rnd.nextInt(template.sealed.size())) : template.active;
        return c.kind().apply(new DamageKind.Target(dir, template, pack, rnd));
    }

    @Test
    void shardsCoverTheDataAreaInTenthsThenTheTwoParityEntries() {
        int shard = Shards.shardSize(6_007);
        assertThat(shard).isEqualTo(601);
        assertThat(Shards.of(6_007, 0)).isZero();
        assertThat(Shards.of(6_007, 600)).isZero();
        assertThat(Shards.of(6_007, 601)).isEqualTo(1);
        assertThat(Shards.of(6_007, 6_006)).isEqualTo(9);
        assertThat(Shards.of(6_007, 6_007)).isEqualTo(10);
        assertThat(Shards.of(6_007, 6_007 + 38 + 600)).isEqualTo(10);
        assertThat(Shards.of(6_007, 6_007 + 38 + 601)).isEqualTo(11);
        assertThat(Shards.of(6_007, 100_000)).isEqualTo(11);
    }

    @Test
    void damageToTwoShardsIsRepairableAndToThreeIsNot() throws IOException {
        Random rnd = SEED.random();
        String pack = template.sealed.get(0);
        Path two = tmp.resolve("two-shards");
        template.copyTo(two, true);
        DamageKind.Target t2 = new DamageKind.Target(two, template, pack, rnd);
        t2.damageShards(2);
        assertThat(PhysicalState.read(two, template).repairableSealedPack()).isEqualTo(pack);

        Path three = tmp.resolve("three-shards");
        template.copyTo(three, true);
        new DamageKind.Target(three, template, pack, rnd).damageShards(3);
        assertThat(PhysicalState.read(three, template).repairableSealedPack()).isNull();
    }

    @Test
    void aDamagedHeaderMakesItsBlobNeitherIntactNorTheNextOnesReachable() throws IOException {
        String pack = template.sealed.get(1);
        List<StoreTemplate.Entry> blobs = template.entries.get(pack).stream()
                .filter(e -> e.kind().equals("blob")).toList();
        assertThat(blobs).hasSizeGreaterThanOrEqualTo(2);
        StoreTemplate.Entry first = blobs.get(0);
        Path dir = tmp.resolve("size-field");
        template.copyTo(dir, true);
        new DamageKind.Target(dir, template, pack, new Random(1)).write(first.offset() + 34, new byte[] {1, 2, 3, 4});
        PhysicalState state = PhysicalState.read(dir, template);
        BlobRef damaged = BlobRef.parse(first.hash());
        BlobRef next = BlobRef.parse(blobs.get(1).hash());
        assertThat(state.intactInPlace(damaged)).isFalse();
        assertThat(state.intactInPlace(next)).isTrue();
        assertThat(state.reachable(next)).isFalse();
        assertThat(state.repairableSealedPack()).isEqualTo(pack);
    }
}
