package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blobsfile.api.BlobStore;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    /** BLAKE2b-256 of "abc", the well-known test vector. */
    static final String ABC = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
    /** BLAKE2b-256 of the empty input. */
    static final String EMPTY = "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8";
    static final String ABSENT = "00".repeat(32);

    @TempDir
    Path tmp;

    Path store() {
        return tmp.resolve("store");
    }

    Path file(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ---- help and usage, no store needed

    @ParameterizedTest
    @ValueSource(strings = {"put", "get", "has", "ls", "stat", "import", "verify", "repair", "inspect", "plugins",
            "reindex", "rm", "compact", "archive", "evict", "restore", "demo"})
    void everyCommandHasHelp(String command) {
        Cli.Result r = Cli.in(null).run(command, "--help");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Usage: blobsfile " + command + " ");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void topLevelHelpListsCommandsAndExitCodes() {
        Cli.Result r = Cli.in(null).run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("put", "import", "verify", "repair", "rm", "compact", "archive", "restore", "inspect",
                "demo", "--archive=URI", "Exit codes:", "BLOBSFILE_DIR", "BLOBSFILE_PROGRESS");
    }

    @Test
    void aRunBuildsTheModelOfTheCommandItNamesAndOfNoOther() {
        BlobsFileCommand c = new BlobsFileCommand(InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), Map.of());
        // the first "stat" is the value of --dir
        assertThat(c.commandLine(new String[] {"--dir", "stat", "stat"}).getSubcommands()).containsOnlyKeys("stat");
        assertThat(c.commandLine(new String[] {"--pack-size=5", "--debug", "ls", "--limit", "3"}).getSubcommands())
                .containsOnlyKeys("ls");
        // no command, or one it does not know: every command, for the usage and the error
        assertThat(c.commandLine(new String[] {"--help"}).getSubcommands()).hasSize(BlobsFileCommand.SUBCOMMANDS.size());
        assertThat(c.commandLine(new String[] {"frobnicate"}).getSubcommands())
                .hasSize(BlobsFileCommand.SUBCOMMANDS.size());
    }

    @Test
    void versionNamesTheProgram() {
        Cli.Result r = Cli.in(null).run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("blobsfile ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"frobnicate", "get", "put", "has not-a-hash", "ls --limit many", "--pack-size lots stat",
            "inspect", "get " + ABC + " extra"})
    void usageErrorsExitOneWithOneLineOnStderr(String line) {
        Cli.Result r = Cli.in(store()).run(line.split(" "));
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip().lines()).hasSize(1);
        assertThat(r.stderr()).startsWith("blobsfile").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "h2"})
    void lsOnAStoreWhoseIndexPathIsARegularFileListsEveryBlobAndAPutMovesItAside(String index) throws IOException {
        String[] args = {"--index", index, "put", file("a", "abc".getBytes(StandardCharsets.UTF_8)).toString(),
                file("b", random(5000, 1)).toString()};
        assertThat(Cli.in(store()).run(args).code()).isZero();
        Path indexPath = store().resolve("index-" + index);
        deleteTree(indexPath);
        byte[] bytes = "in the way".getBytes(StandardCharsets.UTF_8);
        Files.write(indexPath, bytes);

        Cli.Result r = Cli.in(store()).run("--index", index, "ls");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.lines()).hasSize(2).anyMatch(l -> l.startsWith(ABC + " 3 "));
        assertThat(r.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
        // ls opens the store read-only: the index is built in memory and the file stays where it is
        assertThat(Files.readAllBytes(indexPath)).isEqualTo(bytes);

        Cli.Result put = Cli.in(store()).run("--index", index, "put", file("c", random(100, 3)).toString());

        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(Files.readAllBytes(store().resolve("index-" + index + ".unreadable-1"))).isEqualTo(bytes);
        assertThat(indexPath).isDirectory();
        assertThat(Cli.in(store()).run("--index", index, "ls").lines()).hasSize(3);
    }

    @Test
    void anH2IndexFileThatCannotBeReadIsMovedAsideAndRebuilt() throws IOException {
        assertThat(Cli.in(store()).run("--index", "h2", "put", file("a", "abc".getBytes(StandardCharsets.UTF_8))
                .toString()).code()).isZero();
        byte[] garbage = random(10_000, 2);
        Files.write(store().resolve("index-h2").resolve("index.mv.db"), garbage);

        Cli.Result r = Cli.in(store()).run("--index", "h2", "ls");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.lines()).containsExactly(ABC + " 3 0");
        assertThat(r.stderr()).doesNotContain("\tat ");
        assertThat(Files.readAllBytes(store().resolve("index-h2").resolve("index.mv.db"))).isEqualTo(garbage);

        Cli.Result reindex = Cli.in(store()).run("--index", "h2", "reindex");

        assertThat(reindex.code()).as(reindex.toString()).isZero();
        assertThat(reindex.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(Files.readAllBytes(store().resolve("index-h2.unreadable-1").resolve("index.mv.db")))
                .isEqualTo(garbage);
        assertThat(Cli.in(store()).run("--index", "h2", "ls").lines()).containsExactly(ABC + " 3 0");
    }

    @Test
    void switchingIndexesBuildsTheOtherFromThePacksAndMovesNothingAside() throws IOException {
        assertThat(Cli.in(store()).run("--index", "rocksdb", "put", file("a", "abc".getBytes(StandardCharsets.UTF_8))
                .toString()).code()).isZero();

        Cli.Result r = Cli.in(store()).run("--index", "h2", "ls");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.lines()).containsExactly(ABC + " 3 0");
        assertThat(store().resolve("index-h2")).as("ls is read-only: the index is built in memory").doesNotExist();
        assertThat(Cli.in(store()).run("--index", "h2", "put", file("b", random(10, 4)).toString()).code()).isZero();
        assertThat(store().resolve("index-rocksdb")).isDirectory();
        assertThat(store().resolve("index-h2")).isDirectory();
        try (java.util.stream.Stream<Path> s = Files.list(store())) {
            assertThat(s.map(q -> q.getFileName().toString())).noneMatch(n -> n.contains(".unreadable-"));
        }
        assertThat(Cli.in(store()).run("--index", "rocksdb", "ls").lines()).hasSize(2).contains(ABC + " 3 0");
    }

    static void deleteTree(Path p) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ls", "stat", "has " + ABC, "get " + ABC, "reindex"})
    void readingCommandsRefuseAMissingStore(String line) {
        Cli.Result r = Cli.in(store()).run(line.split(" "));
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("no store at " + store()).contains("does not exist");
        assertThat(store()).doesNotExist();
    }

    @Test
    void aFileGivenAsDirectoryIsAUsageError() throws IOException {
        Path notDir = file("plain-file", new byte[] {1});
        Cli.Result r = Cli.in(notDir).run("put", notDir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("is not a directory");
    }

    @Test
    void aMissingInputFileExitsTwoAndStoresNothing() throws IOException {
        Path a = file("a", "abc".getBytes(StandardCharsets.US_ASCII));
        Cli.Result r = Cli.in(store()).run("put", a.toString(), tmp.resolve("missing").toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("input file " + tmp.resolve("missing") + " does not exist");
        assertThat(r.stdout()).isEmpty();
        assertThat(store()).doesNotExist();
    }

    @Test
    void pluginsListsTheBuiltInCodecAndTheInstalledPlugins() {
        Cli.Result r = Cli.in(null).run("plugins");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+0\\s+none\\s+\\(built in\\)"));
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+1\\s+snappy\\s+\\S+codec-snappy\\S*"));
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+rocksdb\\s+\\S+index-rocksdb\\S*"));
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+2\\s+zstd\\s+\\S+codec-zstd\\S*"));
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+4\\s+lz4\\s+\\S+codec-lz4\\S*"));
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+h2\\s+\\S+index-h2\\S*"));
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+file\\s+\\S+blobsfile-core"));
        assertThat(r.lines()).anyMatch(l -> l.matches("\\s+s3\\s+\\S+archive-s3"));
    }

    // ---- a store

    @Test
    void putPrintsHashAndNamePerInputInArgumentOrder() throws IOException {
        Path a = file("a.txt", "abc".getBytes(StandardCharsets.US_ASCII));
        Path e = file("empty", new byte[0]);
        Cli.Result r = Cli.in(store()).stdin("abc".getBytes(StandardCharsets.US_ASCII))
                .run("put", e.toString(), "-", a.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.lines()).containsExactly(EMPTY + "  " + e, ABC + "  -", ABC + "  " + a);
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void getWritesTheExactBytesToStdoutOrAFile() throws IOException {
        byte[] data = random(70_001, 1);
        Path f = file("blob.bin", data);
        String hash = Cli.in(store()).run("put", f.toString()).out().substring(0, 64);

        Cli.Result r = Cli.in(store()).run("get", hash);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo(data);

        Path o = tmp.resolve("out.bin");
        Cli.Result toFile = Cli.in(store()).run("get", hash.toUpperCase(), "-o", o.toString());
        assertThat(toFile.code()).as(toFile.toString()).isZero();
        assertThat(toFile.stdout()).isEmpty();
        assertThat(Files.readAllBytes(o)).isEqualTo(data);
        assertThat(tmp).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void getAndHasOfAnAbsentBlobExitTwo() throws IOException {
        Cli.in(store()).run("put", file("a", "abc".getBytes(StandardCharsets.US_ASCII)).toString());

        Cli.Result get = Cli.in(store()).run("get", ABSENT);
        assertThat(get.code()).as(get.toString()).isEqualTo(2);
        assertThat(get.stdout()).isEmpty();
        assertThat(get.stderr()).contains(ABSENT).contains("not found");

        assertThat(Cli.in(store()).run("has", ABSENT).code()).isEqualTo(2);
        Cli.Result has = Cli.in(store()).run("has", ABC);
        assertThat(has.code()).isZero();
        assertThat(has.stdout()).isEmpty();
    }

    @Test
    void lsIsOrderedAndHonoursPrefixAndLimit() throws IOException {
        String[] args = new String[21];
        args[0] = "put";
        for (int i = 1; i <= 20; i++) {
            args[i] = file("f" + i, random(100 + i, i)).toString();
        }
        assertThat(Cli.in(store()).run(args).code()).isZero();

        Cli.Result all = Cli.in(store()).run("ls");
        assertThat(all.code()).as(all.toString()).isZero();
        List<String> lines = all.lines();
        assertThat(lines).hasSize(20).isSorted();
        assertThat(lines).allMatch(l -> l.matches("[0-9a-f]{64} \\d+ 0"));
        assertThat(lines).anyMatch(l -> l.split(" ")[1].equals("101"));

        assertThat(Cli.in(store()).run("ls", "--limit", "3").lines()).isEqualTo(lines.subList(0, 3));
        String prefix = lines.get(7).substring(0, 3);
        List<String> expected = lines.stream().filter(l -> l.startsWith(prefix)).toList();
        assertThat(Cli.in(store()).run("ls", "--prefix", prefix.toUpperCase()).lines()).isEqualTo(expected);
        assertThat(Cli.in(store()).run("ls", "--prefix", "xyz").code()).isEqualTo(1);
    }

    @Test
    void statShowsTextAndParsableJson() throws IOException {
        Cli.in(store()).run("--codec", "snappy", "put", file("a", new byte[5000]).toString(),
                file("b", "abc".getBytes(StandardCharsets.US_ASCII)).toString());

        Cli.Result text = Cli.in(store()).run("stat");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).containsPattern("(?m)^blobs\\s+2$").containsPattern("(?m)^index\\s+rocksdb$");

        Cli.Result json = Cli.in(store()).run("stat", "--json");
        assertThat(json.code()).as(json.toString()).isZero();
        String s = json.out().strip();
        assertThat(s).startsWith("{").endsWith("}").doesNotContain("\n");
        assertThat(number(s, "blobs")).isEqualTo(2);
        assertThat(number(s, "bytes")).isEqualTo(5003);
        assertThat(number(s, "packs")).isEqualTo(1);
        assertThat(s).contains("\"index\":\"rocksdb\"", "\"directory\":\"" + store().toAbsolutePath() + "\"");
    }

    @Test
    void statJsonHasAMemberForEveryStoreStatsComponent() throws IOException {
        Cli.in(store()).run("put", file("a", "abc".getBytes(StandardCharsets.US_ASCII)).toString());
        Cli.Result json = Cli.in(store()).run("stat", "--json");
        java.util.Map<String, Object> m = MiniJson.object(json.out());
        for (java.lang.reflect.Method c : org.blobsfile.api.StoreStats.class.getDeclaredMethods()) {
            int mods = c.getModifiers();
            if (!java.lang.reflect.Modifier.isPublic(mods) || java.lang.reflect.Modifier.isStatic(mods)
                    || c.getParameterCount() != 0 || c.getName().equals("hashCode") || c.getName().equals("toString")) {
                continue; // not one of the reported values
            }
            String key = c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
            assertThat(m).as("stat --json member for StoreStats.%s", c.getName()).containsKey(key);
        }
        assertThat(m).containsEntry("blobs", 1L).containsEntry("codec", "none").containsEntry("durability", "GROUP")
                .containsEntry("quarantined_packs", 0L).containsEntry("healed_reads", 0L).containsEntry("repairs", 0L);
        assertThat(Cli.in(store()).run("stat").out()).containsPattern("(?m)^repairs since open\\s+0$");
    }

    /** Reads one numeric member of a flat JSON object, failing when it is absent or repeated. */
    static long number(String json, String key) {
        Matcher m = Pattern.compile("[{,]\"" + Pattern.quote(key) + "\":(-?\\d+)[,}]").matcher(json);
        assertThat(m.find()).as("member %s in %s", key, json).isTrue();
        long v = Long.parseLong(m.group(1));
        assertThat(m.find()).as("member %s once", key).isFalse();
        return v;
    }

    @Test
    void theStoreDirectoryComesFromTheEnvironmentWhenNoOptionNamesIt() throws IOException {
        Cli.Result put = Cli.in(null).env(BlobsFileCommand.DIR_VARIABLE, store().toString())
                .run("put", file("a", "abc".getBytes(StandardCharsets.US_ASCII)).toString());
        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(Cli.in(store()).run("has", ABC).code()).isZero();
    }

    @Test
    void globalOptionsAlsoWorkAfterTheCommand() throws IOException {
        Path a = file("a", "abc".getBytes(StandardCharsets.US_ASCII));
        Cli.Result put = Cli.in(null).run("put", "--dir", store().toString(), a.toString());
        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(Cli.in(null).run("has", ABC, "--dir", store().toString()).code()).isZero();
    }

    @Test
    void inspectListsTheEntriesOfAPack() throws IOException {
        Cli.in(store()).run("put", file("a", "abc".getBytes(StandardCharsets.US_ASCII)).toString(),
                file("b", random(3000, 2)).toString());
        Cli.Result r = Cli.in(null).run("inspect", store().resolve("blobs-00000").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("(?m)^version\\s+1$").contains("problems: none");
        assertThat(r.lines()).anyMatch(l -> l.matches("64\\s+blob\\s+" + ABC + "\\s+1\\s+0\\s+none\\s+3\\s+3"));
        assertThat(r.lines()).anyMatch(l -> l.matches("105\\s+blob\\s+[0-9a-f]{64}\\s+1\\s+0\\s+none\\s+3000\\s+3000"));
    }

    @Test
    void inspectOfAMissingPackExitsTwoAndOfGarbageExitsThree() throws IOException {
        assertThat(Cli.in(null).run("inspect", tmp.resolve("nope").toString()).code()).isEqualTo(2);
        Cli.Result garbage = Cli.in(null).run("inspect", file("garbage", random(500, 3)).toString());
        assertThat(garbage.code()).as(garbage.toString()).isEqualTo(3);
        assertThat(garbage.out()).contains("problems: ");
    }

    @Test
    void reindexKeepsEveryBlob() throws IOException {
        Cli.in(store()).run("put", file("a", "abc".getBytes(StandardCharsets.US_ASCII)).toString(),
                file("b", random(10, 4)).toString(), file("c", new byte[0]).toString());
        Cli.Result r = Cli.in(store()).run("reindex");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains(": 3 blobs in 1 packs");
        assertThat(Cli.in(store()).run("ls").lines()).hasSize(3);
        assertThat(Cli.in(store()).run("get", ABC).out()).isEqualTo("abc");
    }

    @Test
    void aLockedStoreExitsFour() throws IOException {
        Path a = file("a", "abc".getBytes(StandardCharsets.US_ASCII));
        Cli.in(store()).run("put", a.toString());
        try (BlobStore held = BlobStore.builder(store()).open()) {
            Cli.Result r = Cli.in(store()).run("put", a.toString());
            assertThat(r.code()).as(r.toString()).isEqualTo(4);
            assertThat(r.stderr()).contains("locked").contains(store().toString()).doesNotContain("\tat ");
            assertThat(held.exists(org.blobsfile.api.BlobRef.parse(ABC))).isTrue();
        }
    }

    @Test
    void damagedBytesExitThreeAndAreNeverWritten() throws IOException {
        byte[] data = random(1000, 5);
        String hash = Cli.in(store()).run("put", file("d", data).toString()).out().substring(0, 64);
        flipByte(store().resolve("blobs-00000"), 64 + 38 + 500);

        Cli.Result r = Cli.in(store()).run("get", hash);
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip().lines()).hasSize(1);
        assertThat(r.stderr()).doesNotContain("\tat ");

        Cli.Result debug = Cli.in(store()).run("--debug", "get", hash);
        assertThat(debug.code()).isEqualTo(3);
        assertThat(debug.stderr()).contains("\tat org.blobsfile.");
    }

    /** @return the size on the one line that starts with {@code prefix}, in KiB */
    static long kib(List<String> lines, String prefix) {
        String line = lines.stream().filter(l -> l.startsWith(prefix)).reduce((a, b) -> {
            throw new AssertionError("two lines start with '" + prefix + "'");
        }).orElseThrow(() -> new AssertionError("no line starts with '" + prefix + "'"));
        Matcher m = Pattern.compile("^" + Pattern.quote(prefix) + "\\s*([0-9.]+) (B|KiB|MiB)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        double v = Double.parseDouble(m.group(1));
        return (long) (m.group(2).equals("MiB") ? v * 1024 : m.group(2).equals("KiB") ? v : v / 1024);
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A));
            b.rewind();
            ch.write(b, offset);
        }
    }

    @Test
    void aBlobOfAnUnknownCodecNeedsInterventionNotRepair() throws IOException {
        // a pack as a newer writer would make it: one blob compressed by codec id 200
        byte[] blob = "written by a codec this program does not have".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = "opaque payload".getBytes(StandardCharsets.US_ASCII);
        byte[] hash = blake2b256(blob);
        ByteBuffer pack = ByteBuffer.allocate(64 + 38 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        pack.put(new byte[] {0, 'B', 'l', 'o', 'b', 's'}).putInt(1).position(64);
        pack.put(hash).put((byte) 2).put((byte) 200).putInt(payload.length).put(payload);
        Files.createDirectories(store());
        Files.write(store().resolve("blobs-00000"), pack.array());

        Cli.Result r = Cli.in(store()).run("get", hex(hash));
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).contains("unsupported codec id 200");
        assertThat(r.stdout()).isEmpty();

        Cli.Result inspect = Cli.in(null).run("inspect", store().resolve("blobs-00000").toString());
        assertThat(inspect.lines()).anyMatch(l -> l.matches("64\\s+blob\\s+" + hex(hash) + "\\s+2\\s+200\\s+\\?\\s+14\\s+-1"));
    }

    static byte[] blake2b256(byte[] data) {
        Blake2bDigest d = new Blake2bDigest(256);
        d.update(data, 0, data.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    @Test
    void anUnknownCodecNameIsAUsageError() throws IOException {
        Cli.Result r = Cli.in(store()).run("--codec", "nosuchcodec", "put", file("a", new byte[1]).toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("nosuchcodec");
    }

    @Test
    void aPackSizeContradictingTheStoreIsAUsageError() throws IOException {
        Path a = file("a", new byte[10]);
        assertThat(Cli.in(store()).run("--pack-size", "100000", "put", a.toString()).code()).isZero();
        Cli.Result r = Cli.in(store()).run("--pack-size", "200000", "put", a.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("100000");
    }

    @Test
    void aBlobLargerThanAPackIsAUsageError() throws IOException {
        Cli.Result r = Cli.in(store()).run("--pack-size", "4096", "put", file("big", new byte[5000]).toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("5000");
    }

    // ---- the tour

    @Test
    void theDemoRunsEndToEnd() throws IOException {
        Cli.Result r = Cli.in(null).run("demo", "--in", tmp.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("all 52 files read back identical", "52 files, 46 distinct blobs",
                ": 46 new blobs, 6 duplicates,",
                "blobs before: 46, after: 46  (unchanged: the packs alone describe the store)",
                "problems: none", "(the verify command exits with code 3 here)",
                "every blob of the copy reads back identical.", "The store is kept at:");
        try (var dirs = Files.list(tmp)) {
            Path root = dirs.filter(p -> p.getFileName().toString().startsWith("blobsfile-demo-")).findFirst().orElseThrow();
            Path demo = root.resolve("store");
            assertThat(demo.resolve("blobs-00001")).as("the 1 MiB packs rolled over").exists();
            assertThat(r.out()).contains("  " + demo + "\n");
            Cli.Result stat = Cli.in(demo).run("stat", "--json");
            // the 14 random files were deleted and their packs compacted
            assertThat(number(stat.out(), "blobs")).isEqualTo(46 - 14);
            assertThat(number(stat.out(), "compactions")).isPositive();
            assertThat(number(stat.out(), "deleted_blobs")).isZero();
            // the tour reports exactly the seals the store made before its statistics, however many
            // that is (compaction seals more afterwards)
            long sealedLines = r.lines().stream().filter(l -> l.matches("  blobs-\\d{5} sealed: \\d+ blobs.*")).count();
            Matcher packs = Pattern.compile("(?m)^  packs\\s+\\d+ \\((\\d+) sealed\\)$").matcher(r.out());
            assertThat(packs.find()).as("the statistics of step 10").isTrue();
            assertThat(sealedLines).isEqualTo(Long.parseLong(packs.group(1))).isPositive();
            assertThat(number(stat.out(), "sealed_packs")).isGreaterThanOrEqualTo(sealedLines);

            // the original is clean, the copy was damaged and is clean again
            List<String> verified = r.lines().stream().filter(l -> l.startsWith("  verified ")).toList();
            assertThat(verified).hasSize(4);
            assertThat(verified.get(0)).endsWith(": clean");
            assertThat(verified.get(1)).contains("problem").contains("run 'blobsfile repair'");
            assertThat(verified.get(2)).endsWith(": clean");
            assertThat(verified.get(3)).endsWith(", 32 blobs: clean");
            assertThat(r.lines()).anyMatch(l -> l.matches("  blobs-0000[01]  offset \\d+  shard \\d  blob [0-9a-f]{64}  .+"));
            assertThat(r.lines()).anyMatch(l -> l.startsWith("  repaired     blobs-0000"));
            assertThat(Cli.in(demo).run("verify").code()).isZero();
            assertThat(Cli.in(root.resolve("damaged-copy")).run("verify").code()).isZero();

            // the deletion and compaction steps: the pack files take visibly less disk afterwards
            assertThat(r.out()).contains("17. Delete the 14 random files (rm)", "all 32 kept blobs read back identical",
                    "the 14 deleted ones stay absent");
            assertThat(r.lines()).anyMatch(l -> l.matches("  rewritten  blobs-\\d{5}"));
            assertThat(r.lines()).anyMatch(l -> l.startsWith("  compact: rewrote ") && l.contains("garbage left:"));
            if (r.out().contains("measured as allocated blocks")) {
                long before = kib(r.lines(), "  before ");
                long after = kib(r.lines(), "  after ");
                assertThat(after).as("KiB of the packs after compaction").isLessThan(before * 3 / 4);
            }
            Cli.Result copy = Cli.in(root.resolve("damaged-copy")).run("stat", "--json");
            assertThat(number(copy.out(), "blobs")).isEqualTo(46);

            // the archive step: a file: archive inside the demo's directory, and a store restored from it
            String archive = "file:" + root.resolve("archive");
            assertThat(r.lines()).anyMatch(l -> l.matches("  archive: \\d+ packs archived in " + Pattern.quote(archive)
                    + ": \\d+ uploaded now.*, \\d+ there already"));
            assertThat(r.lines()).anyMatch(l -> l.matches("    packs/blobs-\\d{5}\\.[0-9a-f]{16}|    manifests/.+\\.manifest"
                    + "|    deletions/deletions\\.log\\.\\d+"));
            Matcher restored = Pattern.compile("(?m)^  restore: (\\d+) packs and (\\d+) blobs \\(.+\\) restored from "
                    + Pattern.quote(archive) + "$").matcher(r.out());
            assertThat(restored.find()).as("the restore line of step 21").isTrue();
            assertThat(r.out()).containsPattern("from the restored store: \\d+ bytes, identical; so are all "
                    + restored.group(2) + " blobs of the sealed packs\\.");
            Path back = root.resolve("restored");
            Cli.Result restoredStat = Cli.in(back).run("stat", "--json");
            assertThat(number(restoredStat.out(), "blobs")).isEqualTo(Long.parseLong(restored.group(2))).isPositive();
            assertThat(number(restoredStat.out(), "sealed_packs")).isEqualTo(Long.parseLong(restored.group(1)));
            assertThat(Cli.in(back).run("verify").code()).isZero();
        }
    }
}
