package org.blobsfile.core.internal.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.Damage;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.testing.Golden;
import org.blobsfile.core.testing.RecordingChannel;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pack verifier against the golden corpus: clean packs, the documented damage, and every byte read. */
class PackVerifierTest {
    /** The seed of the random cases: -Dblobsfile.seed=N replays them, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    static PackVerifier verifier(String goldenCase) {
        return new PackVerifier(PackGeometry.of(Golden.maxPackSize(goldenCase)), CodecRegistry.discovered());
    }

    static PackVerifier.PackCheck check(PackVerifier v, Path pack) throws IOException {
        return v.check(pack, PackFormat.packNumber(pack.getFileName().toString()), Files.size(pack), n -> { });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sealed", "sealed-odd", "sealed-snappy", "plain", "snappy", "zstd-legacy"})
    void goldenPacksVerifyClean(String name) throws IOException {
        Path dir = Golden.copyStore(name, tmp.resolve(name));
        PackVerifier v = verifier(name);
        List<Golden.Row> rows = Golden.manifest(name);
        for (int n = 0; Files.exists(PackFormat.path(dir, n)); n++) {
            Path pack = PackFormat.path(dir, n);
            long[] progress = {0};
            PackVerifier.PackCheck c = v.check(pack, n, Files.size(pack), k -> progress[0] += k);
            int pn = n;
            long entries = rows.stream().filter(r -> r.pack() == pn).count();
            assertThat(c.damage()).as(pack.toString()).isEmpty();
            assertThat(c.bytesRead()).isEqualTo(Files.size(pack));
            assertThat(progress[0]).isEqualTo(Files.size(pack));
            assertThat(c.blobs() + c.unchecked()).isEqualTo(entries);
            assertThat(c.sealed()).isEqualTo(Files.size(pack) > Golden.maxPackSize(name));
        }
    }

    @Test
    void corrupt1ShardFindsTheBlobAndTheParityMismatch() throws IOException {
        Path dir = Golden.copyStore("corrupt-1shard", tmp);
        PackVerifier v = verifier("sealed");
        PackVerifier.PackCheck c = check(v, dir.resolve("blobs-00000"));
        assertThat(c.damage()).hasSize(2);
        assertBlobDamage(c.damage().get(0), 302_682, 3, "b65d02226f869e3932315160fb1b3802cc59ad1732eb3f36cefd59b69858d328");
        assertParityMismatch(c.damage().get(1));
        assertThat(c.evidence().dataRegions()).extracting(PackVerifier.Region::shards).containsExactly(1 << 3);
        assertThat(check(v, dir.resolve("blobs-00001")).damage()).isEmpty();
        assertThat(check(v, dir.resolve("blobs-00002")).damage()).isEmpty();
    }

    @Test
    void corrupt2ShardsFindsBothBlobs() throws IOException {
        Path dir = Golden.copyStore("corrupt-2shards", tmp);
        PackVerifier.PackCheck c = check(verifier("sealed"), dir.resolve("blobs-00000"));
        assertThat(c.damage()).hasSize(3);
        assertBlobDamage(c.damage().get(0), 2_644, 0, "33a888d4fbdf33d1a0503808d25ffb8aaaaa03c49e8275fa0dff1345e9509966");
        assertBlobDamage(c.damage().get(1), 583_499, 5, "7e16c3434b6bc3e7ba476e8b666c554bde98e1a16ea765841a4da59a8c9db79e");
        assertParityMismatch(c.damage().get(2));
        // the candidates: the shards each failing entry spans
        assertThat(c.evidence().dataRegions()).extracting(PackVerifier.Region::shards)
                .containsExactly(0b1111, 0b110_0000);
        assertThat(c.evidence().damagedBlobs()).hasSize(2);
    }

    @Test
    void corruptParityFindsTheParityEntry() throws IOException {
        Path dir = Golden.copyStore("corrupt-parity", tmp);
        PackVerifier.PackCheck c = check(verifier("sealed"), dir.resolve("blobs-00000"));
        assertThat(c.damage()).hasSize(2);
        Damage d = c.damage().stream().filter(x -> x.shard() == 11).findFirst().orElseThrow();
        assertThat(d.offset()).isEqualTo(1_100_038);
        assertThat(d.shard()).isEqualTo(11);
        assertThat(d.blob()).isNull();
        assertThat(d.what()).contains("hash does not match");
        assertParityMismatch(c.damage().stream().filter(x -> x.shard() == -1).findFirst().orElseThrow());
        assertThat(c.evidence().dataVerified()).isTrue();
        assertThat(c.evidence().erasedParity()).isEqualTo(0b10);
    }

    private static void assertBlobDamage(Damage d, long offset, int shard, String blob) {
        assertThat(d.offset()).as(d.toString()).isEqualTo(offset);
        assertThat(d.shard()).as(d.toString()).isEqualTo(shard);
        assertThat(d.blob()).isEqualTo(BlobRef.parse(blob));
        assertThat(d.what()).contains("hash mismatch");
    }

    private static void assertParityMismatch(Damage d) {
        assertThat(d.shard()).isEqualTo(-1);
        assertThat(d.blob()).isNull();
        assertThat(d.what()).contains("parity does not match the data");
    }

    /** A channel that records reads proves the verifier looks at every byte of the file. */
    @ParameterizedTest
    @ValueSource(strings = {"sealed", "sealed-odd", "sealed-snappy", "snappy"})
    void verifyReadsEveryByte(String name) throws IOException {
        Path dir = Golden.copyStore(name, tmp.resolve(name));
        for (int n = 0; Files.exists(PackFormat.path(dir, n)); n++) {
            Path pack = PackFormat.path(dir, n);
            long size = Files.size(pack);
            List<RecordingChannel> opened = new ArrayList<>();
            PackVerifier v = new PackVerifier(PackGeometry.of(Golden.maxPackSize(name)), CodecRegistry.discovered(), p -> {
                RecordingChannel c = new RecordingChannel(FileChannel.open(p, StandardOpenOption.READ));
                opened.add(c);
                return c;
            });
            PackVerifier.PackCheck c = v.check(pack, n, size, k -> { });
            assertThat(opened).hasSize(1);
            assertThat(opened.get(0).seen.cardinality()).as(pack.toString()).isEqualTo(size);
            assertThat(opened.get(0).seen.nextClearBit(0)).isEqualTo(size);
            assertThat(c.bytesRead()).isEqualTo(size);
        }
    }

    /** The active pack is checked up to where its entries end, not beyond. */
    @Test
    void checksOnlyTheGivenLength() throws IOException {
        Path dir = Golden.copyStore("plain", tmp);
        Path pack = dir.resolve("blobs-00000");
        long size = Files.size(pack);
        Files.write(pack, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        PackVerifier.PackCheck c = verifier("plain").check(pack, 0, size, k -> { });
        assertThat(c.damage()).isEmpty();
        assertThat(c.bytesRead()).isEqualTo(size);
        assertThat(verifier("plain").check(pack, 0, size + 3, k -> { }).damage()).hasSize(1);
    }

    /**
     * Flips one byte at many places, covering every region of a sealed pack (header, entry
     * headers and payloads, EOF entry, padding, parity headers and payloads) and of an unsealed
     * one; the check must find every flip. Not the unsealed {@code snappy} pack: a flip in a
     * Snappy copy offset over periodic data can give another encoding of the same blob, which
     * only the parity of a sealed pack can tell from the original.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sealed-odd", "sealed-snappy", "plain"})
    void aFlippedByteAnywhereIsFound(String name) throws IOException {
        long seed = SEED.seed(7L);
        Random rnd = new Random(seed);
        Path dir = Golden.copyStore(name, tmp.resolve(name));
        Path pack = dir.resolve("blobs-00000");
        long max = Golden.maxPackSize(name);
        long size = Files.size(pack);
        // every field of every kind of structure, and random places in between
        long[] fields = {0, 31, 32, 33, 34, 35, 36, 37};
        TreeSet<Long> offsets = new TreeSet<>();
        for (long i = 0; i < 10; i++) {
            offsets.add(i);
        }
        for (int i = 0; i < 6; i++) {
            offsets.add(10L + rnd.nextInt(PackFormat.HEADER_SIZE - 10));
        }
        offsets.add(PackFormat.HEADER_SIZE - 1L);
        List<Golden.Row> rows = new ArrayList<>(Golden.manifest(name).stream().filter(r -> r.pack() == 0).toList());
        java.util.Collections.shuffle(rows, rnd);
        for (Golden.Row r : rows.subList(0, Math.min(8, rows.size()))) {
            for (long f : fields) {
                offsets.add(r.offset() + f);
            }
            if (r.storedSize() > 0) {
                offsets.add(r.offset() + EntryHeader.LENGTH + rnd.nextLong(r.storedSize()));
                offsets.add(r.offset() + EntryHeader.LENGTH + r.storedSize() - 1);
            }
        }
        if (size > max) {
            long eof = eofOffset(pack, max);
            for (long f : fields) {
                offsets.add(eof + f);
            }
            offsets.add(eof + EntryHeader.LENGTH);
            offsets.add(max - 1);
            for (int i = 0; i < 8; i++) {
                offsets.add(eof + EntryHeader.LENGTH + rnd.nextLong(max - eof - EntryHeader.LENGTH));
            }
            for (int k = 0; k < PackFormat.PARITY_SHARDS; k++) {
                long p = PackGeometry.of(max).parityOffset(k);
                for (long f : fields) {
                    offsets.add(p + f);
                }
                offsets.add(p + EntryHeader.LENGTH);
                offsets.add(p + EntryHeader.LENGTH + PackGeometry.of(max).shardSize() - 1);
                for (int i = 0; i < 8; i++) {
                    offsets.add(p + EntryHeader.LENGTH + rnd.nextLong(PackGeometry.of(max).shardSize()));
                }
            }
        }
        for (int i = 0; i < 30; i++) {
            offsets.add(rnd.nextLong(size));
        }
        PackVerifier v = verifier(name);
        assertThat(check(v, pack).damage()).isEmpty();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (long at : offsets) {
                byte[] b = new byte[1];
                PositionalIo.readFully(ch, at, b, 0, 1);
                byte old = b[0];
                b[0] ^= (byte) (1 + rnd.nextInt(255));
                PositionalIo.writeFully(ch, at, java.nio.ByteBuffer.wrap(b));
                PackVerifier.PackCheck c = check(v, pack);
                // a codec id turned into one nobody has is reported as unchecked, not as damage
                assertThat(!c.damage().isEmpty() || c.unchecked() > 0).as("flip at %d of %s (seed %d)", at, name, seed).isTrue();
                assertThat(c.bytesRead()).isEqualTo(size);
                b[0] = old;
                PositionalIo.writeFully(ch, at, java.nio.ByteBuffer.wrap(b));
            }
        }
        assertThat(check(v, pack).damage()).isEmpty();
    }

    /** @return the offset of the EOF entry of a sealed pack */
    static long eofOffset(Path pack, long max) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            return new PackScanner(pack, ch, ch.size(), PackGeometry.of(max)).scan(PackFormat.HEADER_SIZE, null).eof().offset();
        }
    }
}
