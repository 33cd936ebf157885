package org.blobsfile.core.internal.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.testing.Golden;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.core.testing.V1CheckTest;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Repair of sealed packs: the golden damaged cases, then many randomly damaged packs written by
 * the store. The random cases are reproducible: every assertion names its seed, and
 * {@code -Dblobsfile.seed=N} replays a run ({@code -Dblobsfile.cases=N} runs N times as many).
 */
class PackRepairerTest {
    /** The seed of the random cases: -Dblobsfile.seed=N replays them, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    /** A pack size that is not a multiple of 10, so the last data shard has implicit zeros. */
    static final long MAX = 100_003;

    @TempDir
    static Path stores;
    @TempDir
    Path tmp;

    /** Sealed packs written by the store: plain ones, and Snappy ones with compressed entries. */
    static List<Path> sealedPacks = new ArrayList<>();

    @BeforeAll
    static void writeStores() throws IOException {
        sealedPacks = writeStores(stores);
    }

    /** Writes the stores into {@code stores} and returns their sealed packs. */
    static List<Path> writeStores(Path stores) throws IOException {
        List<Path> sealedPacks = new ArrayList<>();
        Random rnd = new Random(42);
        for (String codec : List.of("none", "snappy")) {
            Path dir = stores.resolve(codec);
            try (BlobStore store = BlobStore.builder(dir).maxPackSize(MAX).codec(codec).open()) {
                store.put(new byte[0]);
                for (int i = 0; i < 70; i++) {
                    int kind = rnd.nextInt(20);
                    int n = kind < 10 ? rnd.nextInt(3000) : kind < 17 ? 3000 + rnd.nextInt(22_000) : 25_000 + rnd.nextInt(70_000);
                    store.put(i % 2 == 0 ? StoreTestSupport.random(rnd, n) : StoreTestSupport.text(rnd, n));
                }
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    if (PackFormat.packNumber(p.getFileName().toString()) >= 0 && Files.size(p) == PackGeometry.of(MAX).sealedSize()) {
                        sealedPacks.add(p);
                    }
                }
            }
        }
        assertThat(sealedPacks).hasSizeGreaterThan(8);
        return sealedPacks;
    }

    static PackVerifier verifier(long max) {
        return new PackVerifier(PackGeometry.of(max), CodecRegistry.discovered());
    }

    static PackVerifier.PackCheck check(long max, Path pack) throws IOException {
        return verifier(max).check(pack, 0, Files.size(pack), n -> { });
    }

    static PackRepairer.Outcome repair(long max, Path pack) throws IOException {
        return new PackRepairer(PackGeometry.of(max), CodecRegistry.discovered()).repair(pack, check(max, pack), n -> { });
    }

    // ---- golden cases ------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"corrupt-1shard, 3", "corrupt-2shards, 1 6", "corrupt-parity, 11"})
    void goldenDamageIsRepairedToTheOriginalBytes(String name, String shards) throws Exception {
        Path dir = Golden.copyStore(name, tmp);
        Path pack = dir.resolve("blobs-00000");
        long max = Golden.maxPackSize("sealed");
        PackRepairer.Outcome o = repair(max, pack);
        assertThat(o.status()).as(o.reason()).isEqualTo(PackRepairer.Status.REPAIRED);
        assertThat(o.rebuiltShards()).containsExactly(Arrays.stream(shards.split(" ")).map(Integer::valueOf).toArray(Integer[]::new));
        assertThat(Golden.sha256(pack)).isEqualTo(Golden.sums(name, "original.sha256").get("blobs-00000"));
        assertThat(check(max, pack).isClean()).isTrue();
        assertThat(dir.resolve("blobs-00000.repair")).doesNotExist();
        v1check(dir, max);
    }

    @Test
    void aCleanPackIsHealthyAndUntouched() throws IOException {
        Path dir = Golden.copyStore("sealed", tmp);
        Path pack = dir.resolve("blobs-00001");
        long modified = Files.getLastModifiedTime(pack).toMillis();
        PackRepairer.Outcome o = repair(Golden.maxPackSize("sealed"), pack);
        assertThat(o.status()).isEqualTo(PackRepairer.Status.HEALTHY);
        assertThat(o.rebuiltShards()).isEmpty();
        assertThat(Files.getLastModifiedTime(pack).toMillis()).isEqualTo(modified);
    }

    @Test
    void anUnsealedPackCannotBeRepaired() throws IOException {
        Path dir = Golden.copyStore("plain", tmp);
        Path pack = dir.resolve("blobs-00000");
        flip(pack, 5000, (byte) 0x55);
        byte[] before = Files.readAllBytes(pack);
        PackRepairer.Outcome o = repair(Golden.maxPackSize("plain"), pack);
        assertThat(o.status()).isEqualTo(PackRepairer.Status.UNRECOVERABLE);
        assertThat(o.reason()).contains("not sealed");
        assertThat(o.damagedBlobs()).hasSize(1);
        assertThat(Files.readAllBytes(pack)).isEqualTo(before);
    }

    /** Damage that was there before sealing is consistent with the parity: nothing to rebuild from. */
    @Test
    void damageThatPredatesTheParityIsUnrecoverable() throws IOException {
        Path dir = Golden.copyStore("sealed", tmp);
        Path pack = dir.resolve("blobs-00000");
        long max = Golden.maxPackSize("sealed");
        flip(pack, 400_000, (byte) 0x01);
        new Sealer(PackGeometry.of(max)).seal(pack);
        byte[] before = Files.readAllBytes(pack);
        PackRepairer.Outcome o = repair(max, pack);
        assertThat(o.status()).isEqualTo(PackRepairer.Status.UNRECOVERABLE);
        assertThat(o.reason()).contains("predates");
        assertThat(o.damagedBlobs()).hasSize(1);
        assertThat(Files.readAllBytes(pack)).isEqualTo(before);
    }

    /** A truncated parity entry on intact data is rebuilt to the whole sealed file. */
    @Test
    void truncatedParityIsRecomputed() throws IOException {
        Path dir = Golden.copyStore("sealed-odd", tmp);
        Path pack = dir.resolve("blobs-00000");
        long max = Golden.maxPackSize("sealed-odd");
        String sha = Golden.sha256(pack);
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.truncate(PackGeometry.of(max).parityOffset(1) + 1000);
        }
        PackVerifier.PackCheck c = check(max, pack);
        assertThat(c.damage()).isNotEmpty();
        assertThat(c.bytesRead()).isEqualTo(Files.size(pack));
        PackRepairer.Outcome o = repair(max, pack);
        assertThat(o.status()).as(o.reason()).isEqualTo(PackRepairer.Status.REPAIRED);
        assertThat(o.rebuiltShards()).containsExactly(11);
        assertThat(Golden.sha256(pack)).isEqualTo(sha);
    }

    // ---- random damage -----------------------------------------------------------------------

    static long baseSeed(RandomSeed seeds) {
        return seeds.seed(20_240_611L);
    }

    static int cases(int dflt) {
        return Cases.scaled(dflt);
    }

    /** One or two damaged shards (data or parity, anywhere in them): always repaired to the exact bytes. */
    @Test
    void randomDamageToOneOrTwoShardsIsRepairedExactly() throws Exception {
        List<Path> repaired = new ArrayList<>();
        for (int i = 0; i < cases(40); i++) {
            long seed = baseSeed(SEED) + i;
            Random rnd = new Random(seed);
            Path dir = tmp.resolve("case-" + i);
            Files.createDirectories(dir);
            Path pack = dir.resolve("blobs-00000");
            Files.copy(sealedPacks.get(rnd.nextInt(sealedPacks.size())), pack);
            byte[] original = Files.readAllBytes(pack);
            int count = 1 + rnd.nextInt(2);
            List<Integer> shards = pickShards(rnd, count, 12);
            String what = damage(rnd, pack, shards);
            String as = "seed " + seed + ": " + what;

            PackVerifier.PackCheck c = check(MAX, pack);
            assertThat(c.damage()).as(as).isNotEmpty();
            PackRepairer.Outcome o = new PackRepairer(PackGeometry.of(MAX), CodecRegistry.discovered()).repair(pack, c, n -> { });
            assertThat(o.status()).as(as + "; " + o.reason()).isEqualTo(PackRepairer.Status.REPAIRED);
            assertThat(Files.readAllBytes(pack)).as(as).isEqualTo(original);
            assertThat(o.rebuiltShards()).as(as).containsAll(shards.stream().filter(s -> s < 10).toList());
            assertThat(o.rebuiltShards()).as(as).hasSizeLessThanOrEqualTo(2);
            assertThat(check(MAX, pack).isClean()).as(as).isTrue();
            assertThat(dir.resolve("blobs-00000.repair")).doesNotExist();
            repaired.add(pack);
        }
        // the independent checker accepts them: one directory of dense pack numbers
        Path all = tmp.resolve("repaired");
        Files.createDirectories(all);
        for (int n = 0; n < repaired.size(); n++) {
            Files.copy(repaired.get(n), PackFormat.path(all, n));
        }
        Files.write(PackFormat.path(all, repaired.size()), PackFormat.header());
        v1check(all, MAX);
    }

    /**
     * A repair beside other maintenance: when the pack is replaced (a compaction renames an empty
     * pack over it) after the repair read it, the verified copy is never put in place, so the
     * replacement and the space it gave back stay. The same repair with the pack left alone
     * goes in place.
     */
    @Test
    void aRepairBesideMaintenanceNeverUndoesAReplacementMadeMeanwhile() throws Exception {
        Random rnd = SEED.random();
        java.util.concurrent.locks.ReentrantLock replacing = new java.util.concurrent.locks.ReentrantLock();
        for (boolean replacedMeanwhile : new boolean[] {true, false}) {
            Path dir = Files.createDirectories(tmp.resolve("replaced-" + replacedMeanwhile));
            Path pack = dir.resolve("blobs-00000");
            Files.copy(sealedPacks.get(rnd.nextInt(sealedPacks.size())), pack);
            byte[] original = Files.readAllBytes(pack);
            damage(rnd, pack, List.of(rnd.nextInt(10)));
            PackVerifier.PackCheck c = check(MAX, pack);
            byte[] replacement = new byte[original.length];
            rnd.nextBytes(replacement);
            // the compaction lands between the copy's last check and its rename
            PackRepairer.Placement guarded = PackRepairer.unlessReplaced(replacing);
            PackRepairer.Placement racing = (copy, p, readFrom) -> {
                if (replacedMeanwhile) {
                    Path other = Files.write(dir.resolve("other"), replacement);
                    replacing.lock();
                    try {
                        Files.move(other, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        replacing.unlock();
                    }
                }
                guarded.place(copy, p, readFrom);
            };
            java.util.function.LongConsumer midway = n -> { };
            PackRepairer repairer = new PackRepairer(PackGeometry.of(MAX), CodecRegistry.discovered(), racing);

            if (replacedMeanwhile) {
                assertThatThrownBy(() -> repairer.repair(pack, c, midway)).isInstanceOf(PackRepairer.PackReplacedException.class);
                assertThat(Files.readAllBytes(pack)).as("the replacement stays").isEqualTo(replacement);
            } else {
                assertThat(repairer.repair(pack, c, midway).status()).isEqualTo(PackRepairer.Status.REPAIRED);
                assertThat(Files.readAllBytes(pack)).isEqualTo(original);
            }
            assertThat(dir.resolve("blobs-00000" + PackRepairer.TEMP_SUFFIX)).doesNotExist();
        }
    }

    /** Three damaged data shards are beyond two parity shards: unrecoverable, and the pack is left as it was. */
    @Test
    void randomDamageToThreeDataShardsIsUnrecoverable() throws Exception {
        for (int i = 0; i < cases(40) / 5; i++) {
            long seed = baseSeed(SEED) + 1000 + i;
            Random rnd = new Random(seed);
            Path dir = tmp.resolve("case-" + i);
            Files.createDirectories(dir);
            Path pack = dir.resolve("blobs-00000");
            Files.copy(sealedPacks.get(rnd.nextInt(sealedPacks.size())), pack);
            String what = damage(rnd, pack, pickShards(rnd, 3, 10));
            String as = "seed " + seed + ": " + what;
            byte[] damaged = Files.readAllBytes(pack);

            PackRepairer.Outcome o = repair(MAX, pack);
            assertThat(o.status()).as(as + "; " + o.reason()).isEqualTo(PackRepairer.Status.UNRECOVERABLE);
            assertThat(o.rebuiltShards()).isEmpty();
            assertThat(Files.readAllBytes(pack)).as(as).isEqualTo(damaged);
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.map(p -> p.getFileName().toString())).as(as).containsExactly("blobs-00000");
            }
        }
    }

    static List<Integer> pickShards(Random rnd, int count, int of) {
        TreeSet<Integer> out = new TreeSet<>();
        while (out.size() < count) {
            out.add(rnd.nextInt(of));
        }
        return new ArrayList<>(out);
    }

    /**
     * XORs a random range of each given shard with random nonzero bytes, so every damaged byte
     * really changes. Ranges start anywhere in the shard, or on purpose at the places with
     * structure: the pack header, an entry header field, the EOF entry, the padding, a parity header.
     *
     * @return what was damaged, for assertion messages
     */
    static String damage(Random rnd, Path pack, List<Integer> shards) throws IOException {
        long shard = PackGeometry.of(MAX).shardSize();
        List<Long> marks = structure(pack);
        StringBuilder what = new StringBuilder("damaged " + pack.getFileName());
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int s : shards) {
                long from;
                long to;
                if (s < 10) {
                    from = s * shard;
                    to = Math.min(MAX, from + shard);
                } else {
                    from = PackGeometry.of(MAX).parityOffset(s - 10);
                    to = from + EntryHeader.LENGTH + shard;
                }
                long lo = from;
                long hi = to;
                List<Long> inside = marks.stream().filter(m -> m >= lo && m < hi).toList();
                long start = switch (rnd.nextInt(4)) {
                    case 0 -> inside.isEmpty() ? from : inside.get(rnd.nextInt(inside.size())) + rnd.nextInt(EntryHeader.LENGTH);
                    case 1 -> rnd.nextBoolean() ? from + rnd.nextInt(16) : to - 1 - rnd.nextInt(16);
                    default -> from + rnd.nextLong(to - from);
                };
                start = Math.min(Math.max(start, from), to - 1);
                int len = switch (rnd.nextInt(3)) {
                    case 0 -> 1 + rnd.nextInt(8);
                    case 1 -> 1 + rnd.nextInt(300);
                    default -> 1 + rnd.nextInt(6000);
                };
                len = (int) Math.min(len, to - start);
                byte[] b = new byte[len];
                PositionalIo.readFully(ch, start, b, 0, len);
                for (int i = 0; i < len; i++) {
                    b[i] ^= (byte) (1 + rnd.nextInt(255));
                }
                PositionalIo.writeFully(ch, start, java.nio.ByteBuffer.wrap(b));
                what.append(" shard ").append(s).append(" [").append(start).append(", ").append(start + len).append(')');
            }
        }
        return what.toString();
    }

    /** @return the offsets where structure lies: pack header, entry headers, EOF entry, padding, parity headers */
    static List<Long> structure(Path pack) throws IOException {
        List<Long> out = new ArrayList<>();
        out.add(0L);
        out.add(26L);
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            List<Long> entries = new ArrayList<>();
            PackScanner.Result r = new PackScanner(pack, ch, ch.size(), PackGeometry.of(MAX)).scan(PackFormat.HEADER_SIZE,
                    (e, s) -> entries.add(e.offset()));
            out.addAll(entries);
            out.add(r.eof().offset());
            out.add(r.eof().payloadOffset());
            for (PackScanner.Entry p : r.parity()) {
                out.add(p.offset());
            }
        }
        return out;
    }

    static void flip(Path pack, long at, byte x) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            byte[] b = new byte[1];
            PositionalIo.readFully(ch, at, b, 0, 1);
            b[0] ^= x;
            PositionalIo.writeFully(ch, at, java.nio.ByteBuffer.wrap(b));
        }
    }

    /** Runs the independent v1 checker on {@code dir} when this machine has it. */
    static void v1check(Path dir, long max) throws Exception {
        String p = System.getProperty("blobsfile.v1check");
        if (p == null || !Files.isExecutable(Path.of(p))) {
            return;
        }
        String[] r = V1CheckTest.run(dir, "--max-pack-size", Long.toString(max));
        assertThat(r[0]).as("v1check on " + dir + ":\n" + r[1]).isEqualTo("0");
    }
}
