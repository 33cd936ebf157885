package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.PackInspector;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code rm}, {@code compact} and what {@code stat} says about them, run as a script would run them. */
class DeleteCliTest {
    /** The seed of the random blobs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    static final long PACK = 65_536;
    static final int ENTRY_HEADER = 38;
    /** ceil(PACK / 10): the Reed-Solomon data shard of a sealed pack. */
    static final long SHARD = (PACK + 9) / 10;

    @TempDir
    Path tmp;

    Path store() {
        return tmp.resolve("store");
    }

    /** Blobs by hash, in the order they were put. */
    Map<String, byte[]> blobs = new LinkedHashMap<>();

    /** Puts 16 random blobs of about 9,000 bytes: blobs-00000 and -00001 are sealed, -00002 is active. */
    void fill() {
        Random rnd = new Random(SEED.seed(16));
        try (BlobStore s = BlobStore.builder(store()).maxPackSize(PACK).open()) {
            for (int i = 0; i < 16; i++) {
                byte[] b = new byte[9_000 + i];
                rnd.nextBytes(b);
                s.put(b);
                blobs.put(CliTest.hex(CliTest.blake2b256(b)), b);
            }
        }
        assertThat(store().resolve("blobs-00002")).as("two packs filled").exists();
    }

    /** @return the hashes {@code ls} places in pack {@code pack}, in hash order */
    List<String> inPack(int pack) {
        List<String> out = new ArrayList<>();
        for (String line : Cli.in(store()).run("ls").lines()) {
            String[] f = line.split(" ");
            if (Integer.parseInt(f[2]) == pack) {
                out.add(f[0]);
            }
        }
        return out;
    }

    /** @return the blocks the pack files take on disk, in bytes */
    long packsOnDisk() throws IOException {
        try (Stream<Path> s = Files.list(store())) {
            return allocated(s.filter(p -> p.getFileName().toString().startsWith("blobs-")).toList());
        }
    }

    static long allocated(Path p) {
        return allocated(List.of(p));
    }

    static long allocated(List<Path> files) {
        DiskUsage.Measure m = DiskUsage.of(files);
        // file sizes cannot show it: a compacted pack keeps its length, as a hole
        Assumptions.assumeTrue(m.allocated(), "du tells the allocated blocks");
        return m.bytes();
    }

    /** @return the command line that deletes {@code hashes} */
    static String[] rm(List<String> hashes) {
        List<String> args = new ArrayList<>(List.of("rm"));
        args.addAll(hashes);
        return args.toArray(String[]::new);
    }

    /** Every blob not in {@code deleted} reads back identical; every one in it is absent. */
    void assertKeptAndDeleted(List<String> deleted) {
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            Cli.Result get = Cli.in(store()).run("get", e.getKey());
            if (deleted.contains(e.getKey())) {
                assertThat(get.code()).as("get of deleted %s: %s", e.getKey(), get).isEqualTo(2);
                assertThat(get.stdout()).isEmpty();
            } else {
                assertThat(get.code()).as("get of kept %s: %s", e.getKey(), get).isZero();
                assertThat(get.stdout()).isEqualTo(e.getValue());
            }
        }
    }

    // ---- rm

    @Test
    void rmSaysPerArgumentInOrderWhetherEachBlobWasDeletedAndExitsTwoWhenOneWasAbsent() {
        fill();
        List<String> hashes = new ArrayList<>(blobs.keySet());
        String a = hashes.get(0);
        String b = hashes.get(5);
        Cli.Result r = Cli.in(store()).run("rm", b, CliTest.ABSENT, a.toUpperCase(java.util.Locale.ROOT), b);
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.lines()).containsExactly(b + " deleted", CliTest.ABSENT + " absent", a + " deleted", b + " deleted");
        assertThat(r.stderr()).isEmpty();

        assertThat(Cli.in(store()).run("has", a).code()).isEqualTo(2);
        assertThat(Cli.in(store()).run("ls").lines()).hasSize(14).noneMatch(l -> l.startsWith(a) || l.startsWith(b));

        Cli.Result again = Cli.in(store()).run("rm", a);
        assertThat(again.code()).as(again.toString()).isEqualTo(2);
        assertThat(again.out()).isEqualTo(a + " absent\n");

        String c = hashes.get(9);
        Cli.Result all = Cli.in(store()).run("rm", c);
        assertThat(all.code()).as(all.toString()).isZero();
        assertThat(all.out()).isEqualTo(c + " deleted\n");
        assertKeptAndDeleted(List.of(a, b, c));
    }

    @Test
    void aBlobDeletedAndPutAgainIsStoredAgain() throws IOException {
        fill();
        String a = blobs.keySet().iterator().next();
        assertThat(Cli.in(store()).run("rm", a).code()).isZero();
        Path f = Files.write(tmp.resolve("again"), blobs.get(a));
        Cli.Result put = Cli.in(store()).run("put", f.toString());
        assertThat(put.out()).startsWith(a);
        Cli.Result get = Cli.in(store()).run("get", a);
        assertThat(get.code()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(blobs.get(a));
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "0123", "zz" + "00" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"})
    void aMalformedHashIsAUsageErrorAndNothingIsDeleted(String bad) {
        fill();
        String a = blobs.keySet().iterator().next();
        Cli.Result r = Cli.in(store()).run("rm", a, bad);
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip().lines()).hasSize(1);
        assertThat(r.stderr()).startsWith("blobsfile rm: ").contains("64 hex digits", "nothing was deleted")
                .doesNotContain("\tat ");
        assertThat(Cli.in(store()).run("has", a).code()).isZero();
        assertThat(Cli.in(store()).run("ls").lines()).hasSize(16);
    }

    @Test
    void rmWithoutHashesIsAUsageErrorAndRmOfAMissingStoreCreatesNone() {
        Cli.Result none = Cli.in(store()).run("rm");
        assertThat(none.code()).as(none.toString()).isEqualTo(1);
        Cli.Result missing = Cli.in(store()).run("rm", CliTest.ABC);
        assertThat(missing.code()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no store at");
        assertThat(store()).doesNotExist();
    }

    // ---- stat

    @Test
    void statShowsDeletedBlobsGarbagePerPackCompactionsAndBytesReclaimed() {
        fill();
        List<String> zero = inPack(0);
        List<String> one = inPack(1);
        assertThat(Cli.in(store()).run("rm", zero.get(0), zero.get(1), one.get(0)).code()).isZero();

        Map<String, Object> s = MiniJson.object(Cli.in(store()).run("stat", "--json").out());
        assertThat(s).containsEntry("blobs", 13L).containsEntry("deleted_blobs", 3L).containsEntry("compactions", 0L)
                .containsEntry("reclaimed_bytes", 0L);
        @SuppressWarnings("unchecked")
        Map<String, Object> perPack = (Map<String, Object>) s.get("garbage_by_pack");
        assertThat(perPack).containsOnlyKeys("blobs-00000", "blobs-00001");
        long entry0 = ENTRY_HEADER + blobs.get(zero.get(0)).length;
        long entry1 = ENTRY_HEADER + blobs.get(zero.get(1)).length;
        long entry2 = ENTRY_HEADER + blobs.get(one.get(0)).length;
        assertThat(perPack).containsEntry("blobs-00000", entry0 + entry1).containsEntry("blobs-00001", entry2);
        assertThat(s).containsEntry("garbage_bytes", entry0 + entry1 + entry2);

        Cli.Result text = Cli.in(store()).run("stat");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).containsPattern("(?m)^deleted blobs\\s+3 \\(their bytes wait for compact\\)$")
                .containsPattern("(?m)^garbage\\s+" + (entry0 + entry1 + entry2) + " \\(.+ in packs blobs-00000 \\d+%,"
                        + " blobs-00001 \\d+%\\)$")
                .containsPattern("(?m)^compactions\\s+0 packs rewritten, 0 bytes reclaimed$");

        Cli.Result compact = Cli.in(store()).run("compact");
        assertThat(compact.code()).as(compact.toString()).isZero();
        Map<String, Object> after = MiniJson.object(Cli.in(store()).run("stat", "--json").out());
        assertThat(after).containsEntry("blobs", 13L).containsEntry("compactions", 1L)
                .containsEntry("reclaimed_bytes", entry0 + entry1).containsEntry("deleted_blobs", 1L)
                .containsEntry("garbage_bytes", entry2).containsEntry("garbage_by_pack", Map.of("blobs-00001", entry2));
        assertThat(Cli.in(store()).run("stat").out())
                .containsPattern("(?m)^compactions\\s+1 packs rewritten, " + (entry0 + entry1) + " bytes reclaimed \\(.+\\)$");
    }

    // ---- compact

    @Test
    void compactRewritesThePacksWithGarbageGivesBackTheSpaceAndKeepsEveryOtherBlob() throws IOException {
        fill();
        List<String> zero = inPack(0);
        List<String> deleted = List.of(zero.get(0), zero.get(2), zero.get(4));
        assertThat(Cli.in(store()).run(rm(deleted)).code()).isZero();
        long before = packsOnDisk();
        long pack0Before = allocated(store().resolve("blobs-00000"));

        Cli.Result r = Cli.in(store()).env(BlobsFileCommand.PROGRESS_VARIABLE, "bar").run("compact");
        assertThat(r.code()).as(r.toString()).isZero();
        long dead = deleted.stream().mapToLong(h -> ENTRY_HEADER + blobs.get(h).length).sum();
        long live = zero.stream().filter(h -> !deleted.contains(h)).mapToLong(h -> ENTRY_HEADER + blobs.get(h).length).sum();
        assertThat(r.lines()).containsExactly("rewritten  blobs-00000",
                "compact: rewrote 1 of 1 pack with 25% garbage or more: moved " + (zero.size() - 3) + " live blobs ("
                        + Sizes.human(live) + "), reclaimed " + Sizes.human(dead) + " (" + dead + " bytes); garbage left: none");
        assertThat(r.out()).doesNotContain("\r");

        // the pack is an empty sealed pack now: a few KiB where its blobs took most of 64 KiB
        assertThat(allocated(store().resolve("blobs-00000"))).isLessThan(pack0Before / 2);
        assertThat(PackInspector.inspect(store().resolve("blobs-00000")).entries())
                .noneMatch(e -> e.kind().equals("blob"));
        assertThat(packsOnDisk()).as("the packs' disk space, before %d", before).isLessThan(before - dead / 2);
        assertKeptAndDeleted(deleted);
        Cli.Result verify = Cli.in(store()).run("verify");
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(Cli.in(store()).run("ls").lines()).hasSize(13);

        Cli.Result again = Cli.in(store()).run("compact");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("compact: no sealed pack has 25% garbage or more, nothing to do; garbage left: none\n");
    }

    @Test
    void compactJsonIsOneObjectAndHonoursTheThresholdAndTheRate() {
        fill();
        List<String> zero = inPack(0);
        List<String> one = inPack(1);
        // one blob of seven in each sealed pack: about 14% garbage, below the default threshold
        List<String> deleted = List.of(zero.get(1), one.get(1));
        assertThat(Cli.in(store()).run(rm(deleted)).code()).isZero();

        Cli.Result below = Cli.in(store()).run("compact", "--json");
        assertThat(below.code()).as(below.toString()).isZero();
        Map<String, Object> nothing = MiniJson.object(below.out());
        assertThat(nothing).containsEntry("rewritten", List.of()).containsEntry("blobs_moved", 0L)
                .containsEntry("bytes_reclaimed", 0L).containsEntry("skipped", List.of())
                .containsEntry("min_garbage_percent", 25L).containsEntry("bytes_per_second", 0L);
        @SuppressWarnings("unchecked")
        Map<String, Object> left = (Map<String, Object>) nothing.get("garbage_by_pack");
        assertThat(left).containsOnlyKeys("blobs-00000", "blobs-00001");

        Cli.Result json = Cli.in(store()).run("compact", "--min-garbage", "12.5%", "--rate", "2.5", "--json");
        assertThat(json.code()).as(json.toString()).isZero();
        assertThat(json.out()).endsWith("}\n").doesNotContain("\n{");
        Map<String, Object> r = MiniJson.object(json.out());
        long dead = deleted.stream().mapToLong(h -> ENTRY_HEADER + blobs.get(h).length).sum();
        assertThat(r).containsEntry("directory", store().toAbsolutePath().toString())
                .containsEntry("min_garbage_percent", 12.5).containsEntry("bytes_per_second", 2_500_000L)
                .containsEntry("rewritten", List.of("blobs-00000", "blobs-00001"))
                .containsEntry("blobs_moved", (long) zero.size() + one.size() - 2)
                .containsEntry("bytes_reclaimed", dead).containsEntry("skipped", List.of())
                .containsEntry("garbage_bytes", 0L).containsEntry("garbage_by_pack", Map.of());
        assertThat((Long) r.get("bytes_moved")).isGreaterThan(9_000L * (zero.size() + one.size() - 2));
        assertKeptAndDeleted(deleted);
        assertThat(Cli.in(store()).run("verify").code()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--min-garbage 101", "--min-garbage -1", "--min-garbage lots", "--min-garbage NaN",
            "--min-garbage 1e2", "--rate -2", "--rate fast", "--rate Infinity", "--rate 1e3",
            "--rate 99999999999999999999", "--frobnicate"})
    void badCompactOptionsAreUsageErrorsAndChangeNothing(String options) throws IOException {
        fill();
        String first = inPack(0).get(0);
        String second = inPack(0).get(1);
        assertThat(Cli.in(store()).run("rm", first, second).code()).isZero();
        byte[] pack0 = Files.readAllBytes(store().resolve("blobs-00000"));
        List<String> args = new ArrayList<>(List.of("compact"));
        args.addAll(List.of(options.split(" ")));
        Cli.Result r = Cli.in(store()).run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip().lines()).hasSize(1);
        assertThat(r.stderr()).startsWith("blobsfile").doesNotContain("\tat ");
        assertThat(Files.readAllBytes(store().resolve("blobs-00000"))).isEqualTo(pack0);
    }

    @Test
    void aPackWhoseLiveBlobsParityCannotRestoreIsSkippedWithItsReasonAndTheExitCodeIsThree() throws IOException {
        fill();
        List<String> zero = inPack(0);
        assertThat(Cli.in(store()).run("rm", zero.get(0), zero.get(1), zero.get(2)).code()).isZero();
        // a byte in each of three data shards: two more than parity can rebuild
        Path pack = store().resolve("blobs-00000");
        List<PackInspector.Entry> live = PackInspector.inspect(pack).entries().stream()
                .filter(e -> e.kind().equals("blob") && !zero.subList(0, 3).contains(e.hash())).toList();
        List<Long> shards = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        for (PackInspector.Entry e : live) {
            long at = e.offset() + ENTRY_HEADER + e.storedSize() / 2;
            if (!shards.contains(at / SHARD) && shards.size() < 3) {
                shards.add(at / SHARD);
                damaged.add(e.hash());
                CliTest.flipByte(pack, at);
            }
        }
        assertThat(shards).as("live blobs in three shards").hasSize(3);
        byte[] damagedPack = Files.readAllBytes(pack);

        Cli.Result text = Cli.in(store()).run("compact");
        assertThat(text.code()).as(text.toString()).isEqualTo(3);
        assertThat(text.lines()).anyMatch(l -> l.startsWith("skipped    blobs-00000  ") && l.contains("repair"));
        assertThat(text.lines().get(text.lines().size() - 1)).startsWith("compact: rewrote 0 of 1 pack ")
                .endsWith("1 pack skipped: run 'blobsfile repair', then compact again");
        assertThat(text.stderr()).doesNotContain("\tat ");
        assertThat(Files.readAllBytes(pack)).as("the damaged pack is left as it was").isEqualTo(damagedPack);

        Cli.Result json = Cli.in(store()).run("compact", "--json");
        assertThat(json.code()).as(json.toString()).isEqualTo(3);
        Map<String, Object> r = MiniJson.object(json.out());
        assertThat(r).containsEntry("rewritten", List.of());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> skipped = (List<Map<String, Object>>) r.get("skipped");
        assertThat(skipped).singleElement().satisfies(s -> {
            assertThat(s).containsEntry("pack", "blobs-00000");
            assertThat((String) s.get("reason")).isNotBlank();
        });
        // every blob that was not damaged is still there
        for (String h : blobs.keySet()) {
            if (!zero.subList(0, 3).contains(h) && !damaged.contains(h)) {
                Cli.Result get = Cli.in(store()).run("get", h);
                assertThat(get.code()).as(get.toString()).isZero();
                assertThat(get.stdout()).isEqualTo(blobs.get(h));
            }
        }
    }

    // ---- a store that cannot be written

    @Test
    void rmAndCompactOfAStoreAnotherProcessHoldsExitFourWithOneSentence() throws Exception {
        fill();
        String a = inPack(0).get(0);
        Path file = Files.write(tmp.resolve("first"), "held".getBytes(StandardCharsets.US_ASCII));
        // the child stores its file, prints its line, then holds the store while it waits for stdin
        Process holder = childJvm("--dir", store().toString(), "put", file.toString(), "-").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("the holder's first line").endsWith("  " + file);
            byte[] pack0 = Files.readAllBytes(store().resolve("blobs-00000"));

            for (String[] command : List.of(new String[] {"rm", a}, new String[] {"compact", "--min-garbage", "0"})) {
                Cli.Result r = Cli.in(store()).run(command);
                assertThat(r.code()).as(r.toString()).isEqualTo(4);
                assertThat(r.stdout()).isEmpty();
                assertThat(r.stderr().strip().lines()).hasSize(1);
                assertThat(r.stderr()).contains("locked", store().toString()).doesNotContain("\tat ");
            }
            assertThat(Files.readAllBytes(store().resolve("blobs-00000"))).isEqualTo(pack0);
            holder.getOutputStream().write("second".getBytes(StandardCharsets.US_ASCII));
            holder.getOutputStream().close();
            assertThat(out.readLine()).endsWith("  -");
        } finally {
            assertThat(holder.waitFor(120, TimeUnit.SECONDS)).as("the holder finishes").isTrue();
        }
        assertThat(holder.exitValue()).isZero();
        assertThat(Cli.in(store()).run("has", a).code()).isZero();
    }

    @Test
    void compactInADirectoryItMayNotWriteSaysSoAndLosesNothing() throws Exception {
        fill();
        List<String> zero = inPack(0);
        List<String> deleted = List.of(zero.get(0), zero.get(1), zero.get(2));
        assertThat(Cli.in(store()).run(rm(deleted)).code()).isZero();
        Map<String, String> before = snapshot();
        Map<Path, Set<PosixFilePermission>> was = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(store())) {
            for (Path p : s.toList()) {
                was.put(p, Files.getPosixFilePermissions(p));
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x"
                        : "r--r--r--"));
            }
        }
        Child r;
        try {
            r = run(childJvm("--dir", store().toString(), "compact"));
        } finally {
            for (Map.Entry<Path, Set<PosixFilePermission>> e : was.entrySet()) {
                Files.setPosixFilePermissions(e.getKey(), e.getValue());
            }
        }
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("blobsfile compact: ").contains(store().toString(), "not readable and writable")
                .doesNotContain("\tat ");
        assertThat(snapshot()).isEqualTo(before);
        assertKeptAndDeleted(deleted);

        Cli.Result writable = Cli.in(store()).run("compact");
        assertThat(writable.code()).as(writable.toString()).isZero();
        assertThat(writable.lines()).first().isEqualTo("rewritten  blobs-00000");
        assertKeptAndDeleted(deleted);
    }

    /** Every path under the store with the size and SHA-256 of each file. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(store())) {
            s.forEach(p -> {
                try {
                    out.put(store().relativize(p).toString(), Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                            : Files.size(p) + " " + HexFormat.of().formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return out;
    }

    /**
     * A child JVM running the command. Run as root, it gives up the capabilities that let root
     * write where the permissions say no one may, so that permissions mean the same for every user.
     */
    private ProcessBuilder childJvm(String... args) throws IOException {
        Path jvmTmp = Files.createDirectories(tmp.resolve("jvm-tmp"));
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            cmd.addAll(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + jvmTmp,
                "-cp", System.getProperty("java.class.path"), BlobsFileCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** @return whether this process runs as root: the temporary directory it made belongs to its user */
    private boolean isRoot() throws IOException {
        return ((Number) Files.getAttribute(tmp, "unix:uid")).intValue() == 0;
    }

    /** What a child JVM printed and how it exited. */
    record Child(int code, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + err;
        }
    }

    private static Child run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child finishes").isTrue();
        return new Child(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
    }
}
