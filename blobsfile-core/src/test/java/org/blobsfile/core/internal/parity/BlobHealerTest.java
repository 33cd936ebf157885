package org.blobsfile.core.internal.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.blobsfile.core.internal.hash.Blake2b;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Healing single entries in memory from the other shards, as the read path does. */
class BlobHealerTest {
    /** The seed of the random cases: -Dblobsfile.seed=N replays them, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    static Predicate<byte[]> hashesTo(String hex) {
        byte[] want = HexFormat.of().parseHex(hex);
        return b -> Arrays.equals(Blake2b.hash(b, 0, b.length), want);
    }

    @ParameterizedTest
    @CsvSource({
        "corrupt-1shard, b65d02226f869e3932315160fb1b3802cc59ad1732eb3f36cefd59b69858d328",
        "corrupt-2shards, 33a888d4fbdf33d1a0503808d25ffb8aaaaa03c49e8275fa0dff1345e9509966",
        "corrupt-2shards, 7e16c3434b6bc3e7ba476e8b666c554bde98e1a16ea765841a4da59a8c9db79e"})
    void healsTheDamagedGoldenBlobs(String name, String hash) throws IOException {
        Path pack = Golden.copyStore(name, tmp).resolve("blobs-00000");
        Golden.Row row = Golden.manifest("sealed").stream().filter(r -> r.hash().equals(hash)).findFirst().orElseThrow();
        Map<String, byte[]> blobs = Golden.blobsByHash("sealed");
        long payload = row.offset() + EntryHeader.LENGTH;
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            byte[] asStored = new byte[(int) row.storedSize()];
            PositionalIo.readFully(ch, payload, asStored, 0, asStored.length);
            assertThat(hashesTo(hash).test(asStored)).isFalse();
            byte[] healed = new BlobHealer(PackGeometry.of(Golden.maxPackSize("sealed"))).heal(ch, payload, (int) row.storedSize(), hashesTo(hash));
            assertThat(healed).isEqualTo(blobs.get(hash));
        }
    }

    @Test
    void returnsNullWhenNothingIsGood() throws IOException {
        Path pack = Golden.copyStore("corrupt-1shard", tmp).resolve("blobs-00000");
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            int[] tries = {0};
            byte[] healed = new BlobHealer(PackGeometry.of(Golden.maxPackSize("sealed"))).heal(ch, 302_682 + 38, 94_526, b -> {
                tries[0]++;
                return false;
            });
            assertThat(healed).isNull();
            // the payload lies in shard 3 alone: that shard, then it with each of the 11 others
            assertThat(tries[0]).isEqualTo(1 + 11);
        }
    }

    @Test
    void anUnsealedPackHasNothingToHealFrom() throws IOException {
        Path pack = Golden.copyStore("sealed", tmp).resolve("blobs-00002");
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            assertThat(new BlobHealer(PackGeometry.of(Golden.maxPackSize("sealed"))).heal(ch, 102, 100, b -> true)).isNull();
        }
    }

    /** Every payload that one or two damaged shards spoiled is healed, whichever shards they are. */
    @Test
    void randomDamageIsHealedPerBlob() throws Exception {
        List<Path> pool = PackRepairerTest.writeStores(tmp.resolve("stores"));
        long max = PackRepairerTest.MAX;
        BlobHealer healer = new BlobHealer(PackGeometry.of(max));
        int healed = 0;
        for (int i = 0; i < PackRepairerTest.cases(30); i++) {
            long seed = PackRepairerTest.baseSeed(SEED) + 5000 + i;
            Random rnd = new Random(seed);
            Path pack = tmp.resolve("case-" + i);
            Path src = pool.get(rnd.nextInt(pool.size()));
            // plain packs only: the predicate here hashes the payload itself
            if (src.getParent().getFileName().toString().equals("snappy")) {
                src = pool.get(0);
            }
            Files.copy(src, pack);
            byte[] original = Files.readAllBytes(pack);
            List<Integer> shards = PackRepairerTest.pickShards(rnd, 1 + rnd.nextInt(2), 12);
            String what = PackRepairerTest.damage(rnd, pack, shards);
            byte[] damaged = Files.readAllBytes(pack);
            List<PackScanner.Entry> entries = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(src, StandardOpenOption.READ)) {
                new PackScanner(src, ch, ch.size(), PackGeometry.of(max)).scan(PackFormat.HEADER_SIZE, (e, s) -> entries.add(e));
            }
            try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
                for (PackScanner.Entry e : entries) {
                    int from = (int) e.payloadOffset();
                    int to = (int) e.end();
                    if (Arrays.equals(original, from, to, damaged, from, to)) {
                        continue;
                    }
                    byte[] want = Arrays.copyOfRange(original, from, to);
                    byte[] hash = e.hash();
                    byte[] got = healer.heal(ch, from, to - from, b -> Arrays.equals(Blake2b.hash(b, 0, b.length), hash));
                    assertThat(got).as("seed %d: %s, entry at %d", seed, what, e.offset()).isEqualTo(want);
                    healed++;
                }
            }
        }
        assertThat(healed).isGreaterThan(5);
    }
}
