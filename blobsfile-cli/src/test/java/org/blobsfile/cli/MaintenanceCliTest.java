package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.PackInspector;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify}, {@code repair} and {@code import}: exit codes, text and JSON. */
class MaintenanceCliTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    static final long PACK = 65_536;
    /** ceil(PACK / 10): the Reed-Solomon data shard of a sealed pack. */
    static final long SHARD = (PACK + 9) / 10;
    static final int ENTRY_HEADER = 38;

    @TempDir
    Path tmp;

    Path store() {
        return tmp.resolve("store");
    }

    /** Fills a bit more than two packs with 9,000-byte random blobs, so blobs-00000 and -00001 are sealed. */
    List<byte[]> fill() {
        List<byte[]> blobs = new ArrayList<>();
        Random rnd = new Random(SEED.seed(42));
        try (BlobStore s = BlobStore.builder(store()).maxPackSize(PACK).open()) {
            for (int i = 0; i < 16; i++) {
                byte[] b = new byte[9_000 + i];
                rnd.nextBytes(b);
                s.put(b);
                blobs.add(b);
            }
        }
        try (BlobStore s = BlobStore.builder(store()).open()) {
            assertThat(s.sealedPacks()).as("sealed packs").hasSizeGreaterThanOrEqualTo(2);
        }
        return blobs;
    }

    /** A byte in the middle of a blob's payload, and that blob. */
    record Hit(long offset, String blob) {
    }

    /** @return a payload byte of pack 0 near the middle of data shard {@code shard} */
    Hit payloadByteIn(int shard) {
        long target = shard * SHARD + SHARD / 2;
        for (PackInspector.Entry e : PackInspector.inspect(store().resolve("blobs-00000")).entries()) {
            long start = e.offset() + ENTRY_HEADER;
            long end = start + e.storedSize();
            if (e.kind().equals("blob") && e.offset() <= target && target < end) {
                return new Hit(Math.max(target, start + 1), e.hash());
            }
        }
        throw new AssertionError("no blob covers offset " + target);
    }

    @Test
    void reindexKeepsABlobWhoseCodecByteIsDamagedWhereItVerifies() throws IOException {
        // compressible blobs in lz4; one entry's codec byte turned into snappy's, which a walk of a
        // sealed pack records unchecked while the index had the blob where it verifies
        Random rnd = new Random(SEED.seed(7));
        List<byte[]> blobs = new ArrayList<>();
        try (BlobStore s = BlobStore.builder(store()).maxPackSize(PACK).codec("lz4").open()) {
            for (int i = 0; i < 100; i++) {
                byte[] b = new byte[3000]; // half random, half zeros: compressed to about half
                rnd.nextBytes(b);
                java.util.Arrays.fill(b, 1500, b.length, (byte) 0);
                s.put(b);
                blobs.add(b);
            }
            assertThat(s.sealedPacks()).as("sealed packs").contains(store().resolve("blobs-00000"));
        }
        PackInspector.Entry hit = PackInspector.inspect(store().resolve("blobs-00000")).entries().stream()
                .filter(e -> e.kind().equals("blob") && e.codecId() != 0).findFirst().orElseThrow();
        try (var ch = java.nio.channels.FileChannel.open(store().resolve("blobs-00000"),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), hit.offset() + 33); // the codec id byte
        }
        assertThat(Cli.in(store()).run("get", hit.hash()).code()).as("readable before").isZero();
        Cli.Result reindex = Cli.in(store()).run("reindex");
        assertThat(reindex.code()).as(reindex.toString()).isZero();
        Cli.Result get = Cli.in(store()).run("get", hit.hash());
        assertThat(get.code()).as(get.toString()).isZero();
        assertThat(blobs).anySatisfy(b -> assertThat(b).isEqualTo(get.stdout()));
    }

    @Test
    void verifyOfAHealthyStoreExitsZero() {
        fill();
        Cli.Result text = Cli.in(store()).run("verify");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.lines()).hasSize(1);
        assertThat(text.out()).matches("verified \\d+ packs \\(.+\\), 16 blobs: clean\n");

        Cli.Result json = Cli.in(store()).run("verify", "--json");
        assertThat(json.code()).as(json.toString()).isZero();
        Map<String, Object> r = MiniJson.object(json.out());
        assertThat(r).containsEntry("clean", true).containsEntry("blobs", 16L).containsEntry("damage", List.of());
        assertThat((Long) r.get("packs")).isGreaterThanOrEqualTo(3L);
        assertThat((Long) r.get("bytes_read")).isGreaterThan(2 * PACK);
    }

    @Test
    void boundedVerifyRunsGoOnWhereTheLastStoppedAndStatShowsTheOldestVerification() {
        fill();
        long packs = CliTest.number(Cli.in(store()).run("stat", "--json").out(), "packs");
        Cli.Result stat = Cli.in(store()).run("stat");
        assertThat(stat.out()).containsPattern("(?m)^oldest verification\\s+" + (packs - 1) + " packs never verified$"); // the active pack aside
        for (int i = 0; i < packs; i++) {
            Cli.Result one = Cli.in(store()).run("verify", "--max-duration", "0ms", "--rate", "50");
            assertThat(one.code()).as(one.toString()).isZero();
            assertThat(one.out()).as("at least one pack, and no more in no time").startsWith("verified 1 packs (");
            assertThat(one.stderr()).doesNotContain("not recorded");
        }
        Cli.Result json = Cli.in(store()).run("stat", "--json");
        assertThat(CliTest.number(json.out(), "unverified_packs")).isZero();
        long oldest = CliTest.number(json.out(), "oldest_verification");
        assertThat(oldest).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
        assertThat(Cli.in(store()).run("stat").out()).containsPattern("(?m)^oldest verification\\s+\\d{4}-\\d\\d-\\d\\dT");
        Cli.Result none = Cli.in(store()).run("verify", "--older-than", "1h");
        assertThat(none.code()).as(none.toString()).isZero();
        assertThat(none.out()).startsWith("verified 0 packs (");
        Cli.Result all = Cli.in(store()).run("verify", "--older-than", "0s", "--json");
        assertThat(all.code()).as(all.toString()).isZero();
        assertThat(MiniJson.object(all.out())).containsEntry("packs", packs).containsEntry("recorded", true);
    }

    @Test
    void badDurationsAndRatesAreUsageErrorsInOneSentence() {
        fill();
        for (String[] args : new String[][] {{"--max-duration", "5x"}, {"--max-duration", "1.5h"}, {"--older-than", "-1d"},
            {"--older-than", "7"}, {"--rate", "fast"}}) {
            Cli.Result r = Cli.in(store()).run("verify", args[0], args[1]);
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr().strip().lines()).as(r.toString()).hasSize(1);
            assertThat(r.stderr()).contains(args[0]).contains(args[1]).doesNotContain("\tat ");
        }
    }

    @Test
    void verifyReportsTheDamagedPackOffsetAndBlobAndExitsThree() throws IOException {
        fill();
        Hit hit = payloadByteIn(3);
        CliTest.flipByte(store().resolve("blobs-00000"), hit.offset());

        Cli.Result json = Cli.in(store()).run("verify", "--json");
        assertThat(json.code()).as(json.toString()).isEqualTo(3);
        Map<String, Object> r = MiniJson.object(json.out());
        assertThat(r).containsEntry("clean", false).containsEntry("directory", store().toAbsolutePath().toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> damage = (List<Map<String, Object>>) r.get("damage");
        assertThat(damage).isNotEmpty();
        Map<String, Object> d = damage.stream().filter(x -> hit.blob().equals(x.get("blob"))).findFirst()
                .orElseThrow(() -> new AssertionError("no finding names blob " + hit.blob() + ": " + json.out()));
        assertThat(d).containsEntry("pack", "blobs-00000")
                .containsEntry("path", store().resolve("blobs-00000").toAbsolutePath().toString());
        long offset = (Long) d.get("offset");
        // the finding may point at the entry or at the byte itself; either lies in this blob's entry
        assertThat(offset).isBetween(hit.offset() - 9_100, hit.offset());
        assertThat((Long) d.get("shard")).isBetween(offset / SHARD, hit.offset() / SHARD);
        assertThat((String) d.get("what")).isNotBlank();

        Cli.Result text = Cli.in(store()).run("verify");
        assertThat(text.code()).isEqualTo(3);
        assertThat(text.lines()).anyMatch(l -> l.startsWith("blobs-00000  offset ") && l.contains("blob " + hit.blob()));
        assertThat(text.lines().get(text.lines().size() - 1)).contains("problem").contains("run 'blobsfile repair'");
    }

    @Test
    void verifyReportsAnIndexThatDiffersFromThePacksExitsThreeAndReindexClearsIt() throws IOException {
        fill();
        // another store's blobs-00000: a valid sealed pack, but not the one the index describes
        Path other = tmp.resolve("other");
        Random rnd = new Random(SEED.seed(43));
        try (BlobStore s = BlobStore.builder(other).maxPackSize(PACK).open()) {
            for (int i = 0; i < 16; i++) {
                byte[] b = new byte[8_000 + i];
                rnd.nextBytes(b);
                s.put(b);
            }
        }
        Files.copy(other.resolve("blobs-00000"), store().resolve("blobs-00000"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> inOther = new ArrayList<>();
        for (PackInspector.Entry e : PackInspector.inspect(store().resolve("blobs-00000")).entries()) {
            if (e.kind().equals("blob")) {
                inOther.add(e.hash());
            }
        }

        Cli.Result text = Cli.in(store()).run("verify");
        assertThat(text.code()).as(text.toString()).isEqualTo(3);
        assertThat(text.lines()).anyMatch(l -> l.startsWith("index  blobs-00000  offset ") && l.contains("missing"));
        assertThat(text.lines()).anyMatch(l -> l.startsWith("index  blobs-00000  offset ") && l.contains("stale"));
        assertThat(text.lines().get(text.lines().size() - 1)).contains("the index differs from the packs")
                .contains("run 'blobsfile reindex'").doesNotContain("repair");

        Cli.Result json = Cli.in(store()).run("verify", "--json");
        assertThat(json.code()).isEqualTo(3);
        Map<String, Object> r = MiniJson.object(json.out());
        assertThat(r).containsEntry("clean", false).containsEntry("damage", List.of()).containsEntry("warnings", List.of());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> index = (List<Map<String, Object>>) r.get("index");
        assertThat(index).filteredOn(f -> "missing".equals(f.get("kind"))).extracting(f -> (String) f.get("blob"))
                .containsExactlyInAnyOrderElementsOf(inOther);
        assertThat(index).filteredOn(f -> "stale".equals(f.get("kind"))).isNotEmpty()
                .allMatch(f -> "blobs-00000".equals(f.get("pack")) && (Long) f.get("offset") >= 64);

        assertThat(Cli.in(store()).run("reindex").code()).isZero();
        // the blobs of the replaced pack are gone: the rebuild named them in a note that verify
        // reports until it is removed
        Cli.Result after = Cli.in(store()).run("verify");
        assertThat(after.code()).as(after.toString()).isEqualTo(3);
        assertThat(after.toString()).contains("lost+found", "no pack any more");
        try (var notes = Files.list(store().resolve("lost+found"))) {
            for (Path note : notes.toList()) {
                Files.delete(note);
            }
        }
        assertThat(Cli.in(store()).run("verify").code()).isZero();
        assertThat(Cli.in(store()).run("get", inOther.get(0)).code()).isZero();
    }

    @Test
    void repairFixesOneDamagedShardAndExitsZero() throws IOException {
        List<byte[]> blobs = fill();
        Hit hit = payloadByteIn(4);
        CliTest.flipByte(store().resolve("blobs-00000"), hit.offset());

        Cli.Result json = Cli.in(store()).run("repair", "--json");
        assertThat(json.code()).as(json.toString()).isZero();
        Map<String, Object> r = MiniJson.object(json.out());
        assertThat(r).containsEntry("complete", true).containsEntry("quarantined", List.of())
                .containsEntry("lost", List.of()).containsEntry("remaining", List.of());
        assertThat(r.get("repaired")).isEqualTo(List.of(store().resolve("blobs-00000").toAbsolutePath().toString()));
        assertThat((List<?>) r.get("damage")).isNotEmpty();

        assertThat(Cli.in(store()).run("verify").code()).isZero();
        for (byte[] b : blobs) {
            String hash = CliTest.hex(CliTest.blake2b256(b));
            assertThat(Cli.in(store()).run("get", hash).stdout()).isEqualTo(b);
        }
        Cli.Result again = Cli.in(store()).run("repair");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("repair: nothing to repair, every pack is intact\n");
    }

    @Test
    void threeDamagedShardsQuarantineThePackAndExitThree() throws IOException {
        fill();
        List<Hit> hits = List.of(payloadByteIn(1), payloadByteIn(4), payloadByteIn(7));
        for (Hit h : hits) {
            CliTest.flipByte(store().resolve("blobs-00000"), h.offset());
        }

        Cli.Result json = Cli.in(store()).run("repair", "--json");
        assertThat(json.code()).as(json.toString()).isEqualTo(3);
        Map<String, Object> r = MiniJson.object(json.out());
        Path quarantined = store().resolve("quarantine").resolve("blobs-00000");
        assertThat(r).containsEntry("complete", false).containsEntry("repaired", List.of())
                .containsEntry("quarantined", List.of(quarantined.toAbsolutePath().toString()));
        @SuppressWarnings("unchecked")
        List<Object> lostBlobs = (List<Object>) r.get("lost");
        assertThat(lostBlobs).containsExactlyInAnyOrderElementsOf(hits.stream().map(Hit::blob).toList());
        assertThat(quarantined).exists();
        assertThat(store().resolve("quarantine").resolve("blobs-00000.txt")).content(StandardCharsets.UTF_8)
                .contains("lost=" + hits.get(0).blob());

        Cli.Result lost = Cli.in(store()).run("get", hits.get(0).blob());
        assertThat(lost.code()).as(lost.toString()).isEqualTo(2);
        assertThat(lost.stderr()).contains("lost").contains("quarantine");
        // what was not damaged was copied out before the pack was moved aside
        assertThat(Cli.in(store()).run("ls").lines()).hasSize(16 - 3);
        assertThat(Cli.in(store()).run("verify").code()).isZero();

        Cli.Result text = Cli.in(store()).run("stat", "--json");
        assertThat(CliTest.number(text.out(), "quarantined_packs")).isEqualTo(1);
    }

    @Test
    void repairTextNamesWhatItDid() throws IOException {
        fill();
        CliTest.flipByte(store().resolve("blobs-00001"), 64 + ENTRY_HEADER + 10);
        Cli.Result r = Cli.in(store()).run("repair");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.lines()).first().asString().startsWith("repaired     blobs-00001");
        assertThat(r.lines()).last().asString().startsWith("repair: found ").endsWith("the store is intact");
    }

    // ---- import

    Path tree() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("b/deeper"));
        Files.createDirectories(src.resolve("a"));
        Files.write(src.resolve("z.txt"), "zeta".getBytes(StandardCharsets.US_ASCII));
        Files.write(src.resolve("a/one.txt"), "one".getBytes(StandardCharsets.US_ASCII));
        Files.write(src.resolve("b/deeper/copy-of-one"), "one".getBytes(StandardCharsets.US_ASCII));
        Files.write(src.resolve("b/empty"), new byte[0]);
        Files.write(src.resolve("b/random.bin"), CliTest.random(100_003, 9));
        Files.write(src.resolve("A-upper"), "abc".getBytes(StandardCharsets.US_ASCII));
        Files.createSymbolicLink(src.resolve("link-to-z"), src.resolve("z.txt"));
        return src;
    }

    @Test
    void importStoresEveryRegularFileInSortedOrderAndCountsDuplicates() throws IOException {
        Path src = tree();
        Cli.Result r = Cli.in(store()).run("import", "--list", src.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> lines = r.lines();
        assertThat(lines.subList(0, 6)).extracting(l -> l.substring(66))
                .containsExactly("A-upper", "a/one.txt", "b/deeper/copy-of-one", "b/empty", "b/random.bin", "z.txt");
        assertThat(lines.get(0)).isEqualTo(CliTest.ABC + "  A-upper");
        assertThat(lines.get(3)).isEqualTo(CliTest.EMPTY + "  b/empty");
        assertThat(lines.get(6)).matches("imported 6 files \\(.+\\) from " + java.util.regex.Pattern.quote(src.toString())
                + " in \\d+\\.\\d s: 5 new blobs, 1 duplicates, .+ stored");
        assertThat(lines).hasSize(7);

        Cli.Result again = Cli.in(store()).run("import", "--json", src.toString());
        assertThat(again.code()).as(again.toString()).isZero();
        Map<String, Object> s = MiniJson.object(again.out());
        assertThat(s).containsEntry("files", 6L).containsEntry("bytes", 4L + 3 + 3 + 0 + 100_003 + 3)
                .containsEntry("new_blobs", 0L).containsEntry("deduped", 6L).containsEntry("stored_bytes", 0L);
        assertThat(Cli.in(store()).run("ls").lines()).hasSize(5);
    }

    @Test
    void importJsonCountsStoredBytesFromTheStore() throws IOException {
        Path src = tree();
        Cli.Result r = Cli.in(store()).run("--codec", "snappy", "import", "--json", src.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        Map<String, Object> s = MiniJson.object(r.out());
        assertThat(s).containsEntry("files", 6L).containsEntry("new_blobs", 5L).containsEntry("deduped", 1L);
        Cli.Result stat = Cli.in(store()).run("stat", "--json");
        assertThat(s.get("stored_bytes")).isEqualTo(CliTest.number(stat.out(), "stored_bytes"));
        assertThat((Long) s.get("millis")).isNotNegative();
    }

    @Test
    void importSkipsAStoreInsideTheDirectory() throws IOException {
        Path src = tree();
        Path inner = src.resolve("the-store");
        assertThat(Cli.in(inner).run("import", src.toString()).code()).isZero();
        Cli.Result again = Cli.in(inner).run("import", "--json", src.toString());
        assertThat(MiniJson.object(again.out())).containsEntry("files", 6L).containsEntry("new_blobs", 0L);
    }

    @Test
    void importOfAMissingDirectoryExitsTwoAndOfAFileExitsOne() throws IOException {
        Cli.Result missing = Cli.in(store()).run("import", tmp.resolve("nope").toString());
        assertThat(missing.code()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.stderr()).contains("does not exist");
        Path f = Files.write(tmp.resolve("f"), new byte[1]);
        assertThat(Cli.in(store()).run("import", f.toString()).code()).isEqualTo(1);
        assertThat(store()).doesNotExist();
    }

    @Test
    void importOfAFileLargerThanAPackNamesTheFile() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("big"), new byte[5000]);
        Cli.Result r = Cli.in(store()).run("--pack-size", "4096", "import", src.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains(src.resolve("big").toString()).contains("5000 bytes");
    }

    @Test
    void progressGoesToStandardErrorOnlyAndCanBeSwitchedOff() throws IOException {
        Path src = tree();
        Cli.Result bar = Cli.in(store()).env(BlobsFileCommand.PROGRESS_VARIABLE, "bar").run("import", src.toString());
        assertThat(bar.code()).isZero();
        assertThat(bar.out()).startsWith("imported 6 files").doesNotContain("\r");

        Cli.Result none = Cli.in(store()).env(BlobsFileCommand.PROGRESS_VARIABLE, "none").run("reindex");
        assertThat(none.code()).isZero();
        assertThat(none.stderr()).isEmpty();
        Cli.Result plain = Cli.in(store()).run("reindex");
        assertThat(plain.stderr()).startsWith("reindex: rebuilding the index of " + store());

        Cli.Result bad = Cli.in(store()).env(BlobsFileCommand.PROGRESS_VARIABLE, "fancy").run("verify");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.stderr()).contains(BlobsFileCommand.PROGRESS_VARIABLE);
    }

    @Test
    void verifyAndRepairRefuseAMissingStore() {
        assertThat(Cli.in(store()).run("verify").code()).isEqualTo(1);
        assertThat(Cli.in(store()).run("repair").code()).isEqualTo(1);
        assertThat(store()).doesNotExist();
    }

    @Test
    void verifyReportsAnActivePackThatIsASymlinkAndNeverWritesThroughIt() throws Exception {
        fill();
        int last = 0;
        while (Files.exists(store().resolve(String.format("blobs-%05d", last + 1)))) {
            last++;
        }
        String name = String.format("blobs-%05d", last);
        Path sealed = store().resolve("blobs-00000");
        byte[] before = Files.readAllBytes(sealed);
        Files.delete(store().resolve(name));
        Files.createSymbolicLink(store().resolve(name), Path.of("blobs-00000"));

        Cli.Result text = Cli.in(store()).run("verify");
        assertThat(text.code()).as(text.toString()).isEqualTo(3);
        assertThat(text.lines()).filteredOn(l -> l.contains(name)).singleElement().asString()
                .contains("not a regular file", "symlink to blobs-00000");
        assertThat(text.stderr()).doesNotContain("Exception");

        Cli.Result repair = Cli.in(store()).run("repair");
        assertThat(repair.code()).as(repair.toString()).isEqualTo(3);
        assertThat(Files.isSymbolicLink(store().resolve(name))).isTrue();
        assertThat(Files.readAllBytes(sealed)).isEqualTo(before);
    }
}
