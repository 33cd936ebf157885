package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The read commands open the store read-only: they work in a directory nobody may write to and
 * on a full disk, and leave every file as it was. Background failures are one line on standard
 * error, with a stack trace only under {@code --debug}. The full disk is the file size limit of
 * a child JVM ({@code ulimit -f}): every write that would grow a file fails, as on a full disk,
 * with no privilege needed.
 */
class ReadOnlyCliTest {
    private static final int PACK_SIZE = 65_536;

    @TempDir
    Path tmp;

    private Path store() {
        return tmp.resolve("store");
    }

    /** Puts blobs over a few 64 KiB packs (some sealed) through the CLI; returns them by hash. */
    private Map<String, byte[]> filled(String index) throws IOException {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        Random rnd = new Random(11);
        List<String> args = new ArrayList<>(List.of("--index", index, "--pack-size", Integer.toString(PACK_SIZE), "put"));
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[1 + rnd.nextInt(15_000)];
            rnd.nextBytes(b);
            args.add(Files.write(tmp.resolve("f" + i), b).toString());
        }
        Cli.Result r = Cli.in(store()).run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isZero();
        for (int i = 0; i < r.lines().size(); i++) {
            blobs.put(r.lines().get(i).split(" ")[0], Files.readAllBytes(tmp.resolve("f" + i)));
        }
        assertThat(store().resolve("blobs-00002")).exists();
        return blobs;
    }

    /**
     * Every path under the store with the size and SHA-256 of each file, but the verify ledger:
     * the one file {@code verify} appends to when the directory lets it.
     */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(store())) {
            s.filter(p -> !p.getFileName().toString().equals("verify.ledger")).forEach(p -> {
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

    /** Runs the read commands in this JVM and checks their output and exit codes. */
    private void assertReadCommandsWork(String index, Map<String, byte[]> blobs) throws IOException {
        Cli cli = Cli.in(store());
        for (Map.Entry<String, byte[]> e : blobs.entrySet().stream().limit(3).toList()) {
            Cli.Result get = cli.run("--index", index, "get", e.getKey());
            assertThat(get.code()).as(get.toString()).isZero();
            assertThat(get.stdout()).isEqualTo(e.getValue());
        }
        String first = blobs.keySet().iterator().next();
        assertThat(cli.run("--index", index, "has", first).code()).isZero();
        Cli.Result absent = cli.run("--index", index, "has", CliTest.ABSENT);
        assertThat(absent.code()).as(absent.toString()).isEqualTo(2);
        Cli.Result ls = cli.run("--index", index, "ls");
        assertThat(ls.code()).as(ls.toString()).isZero();
        assertThat(ls.lines()).hasSize(blobs.size());
        Cli.Result stat = cli.run("--index", index, "stat");
        assertThat(stat.code()).as(stat.toString()).isZero();
        assertThat(stat.out()).contains(Integer.toString(blobs.size()));
        Cli.Result verify = cli.run("--index", index, "verify");
        assertThat(verify.code()).as(verify.toString()).isZero();
        Cli.Result inspect = cli.run("inspect", store().resolve("blobs-00000").toString());
        assertThat(inspect.code()).as(inspect.toString()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "h2"})
    void readCommandsWorkInADirectoryNobodyMayWriteAndChangeNothing(String index) throws IOException {
        Map<String, byte[]> blobs = filled(index);
        Map<String, String> before = snapshot();
        Map<Path, Set<PosixFilePermission>> was = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(store())) {
            for (Path p : s.toList()) {
                was.put(p, Files.getPosixFilePermissions(p));
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x"
                        : "r--r--r--"));
            }
        }
        try {
            assertReadCommandsWork(index, blobs);
        } finally {
            for (Map.Entry<Path, Set<PosixFilePermission>> e : was.entrySet()) {
                Files.setPosixFilePermissions(e.getKey(), e.getValue());
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    /**
     * Another process holds the store for writing and goes on writing: the read commands work
     * beside it and see every blob it had made durable, a read-only store in this JVM keeps
     * serving while it writes more, and a second writer is still refused with exit 4.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "h2"})
    void readCommandsWorkBesideAProcessThatWrites(String index) throws Exception {
        Map<String, byte[]> blobs = filled(index);
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                WriterChild.class.getName(), store().toString(), index, Integer.toString(PACK_SIZE))
                .redirectError(tmp.resolve("writer.err").toFile()).start();
        java.io.BufferedReader said = new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8));
        java.io.Writer ask = new java.io.OutputStreamWriter(writer.getOutputStream(), StandardCharsets.UTF_8);
        Map<String, Integer> written = new LinkedHashMap<>();
        try {
            assertThat(said.readLine()).as("the writer opened the store").isEqualTo("open");
            written.putAll(put(ask, said, 10));
            Cli cli = Cli.in(store());

            Cli.Result ls = cli.run("--index", index, "ls");
            assertThat(ls.code()).as(ls.toString()).isZero();
            assertThat(ls.lines().stream().map(l -> l.split(" ")[0]).toList())
                    .containsExactlyInAnyOrderElementsOf(union(blobs.keySet(), written.keySet()));
            assertThat(ls.stderr().strip().lines()).as(ls.toString()).hasSizeLessThanOrEqualTo(1);
            assertThat(ls.stderr()).doesNotContain("\tat ");
            for (String hash : blobs.keySet().stream().limit(3).toList()) {
                Cli.Result get = cli.run("--index", index, "get", hash);
                assertThat(get.code()).as(get.toString()).isZero();
                assertThat(get.stdout()).isEqualTo(blobs.get(hash));
            }
            Map.Entry<String, Integer> recent = written.entrySet().iterator().next();
            Cli.Result get = cli.run("--index", index, "get", recent.getKey());
            assertThat(get.code()).as(get.toString()).isZero();
            assertThat(get.stdout()).hasSize(recent.getValue());
            assertThat(cli.run("--index", index, "has", recent.getKey()).code()).isZero();
            Cli.Result stat = cli.run("--index", index, "stat", "--json");
            assertThat(stat.code()).as(stat.toString()).isZero();
            assertThat(stat.out()).contains("\"blobs\":" + (blobs.size() + written.size()) + ",");
            Cli.Result verify = cli.run("--index", index, "verify");
            assertThat(verify.code()).as(verify.toString()).isZero();
            assertThat(cli.run("inspect", store().resolve("blobs-00000").toString()).code()).isZero();

            Cli.Result second = cli.run("--index", index, "put", Files.write(tmp.resolve("x"), new byte[] {1}).toString());
            assertThat(second.code()).as(second.toString()).isEqualTo(4);
            assertThat(second.stderr().strip().lines()).as(second.toString()).hasSize(1);

            try (org.blobsfile.api.BlobStore reader = org.blobsfile.api.BlobStore.builder(store()).index(index).readOnly()
                    .open()) {
                Map<String, Integer> more = put(ask, said, 5);
                for (Map.Entry<String, Integer> e : written.entrySet()) {
                    assertThat(reader.get(org.blobsfile.api.BlobRef.parse(e.getKey()))).hasSize(e.getValue());
                }
                written.putAll(more);
            }
        } finally {
            ask.close();
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("the writer closes at the end of its input").isTrue();
        }
        assertThat(writer.exitValue()).as(Files.readString(tmp.resolve("writer.err"))).isZero();
        Cli.Result ls = Cli.in(store()).run("--index", index, "ls");
        assertThat(ls.lines()).hasSize(blobs.size() + written.size());
    }

    /** Asks the writer for {@code count} more blobs; returns their hashes and sizes once durable. */
    private static Map<String, Integer> put(java.io.Writer ask, java.io.BufferedReader said, int count) throws IOException {
        ask.write(count + "\n");
        ask.flush();
        Map<String, Integer> written = new LinkedHashMap<>();
        for (String line = said.readLine(); !"done".equals(line); line = said.readLine()) {
            assertThat(line).as("the writer's output").isNotNull();
            String[] f = line.split(" ");
            written.put(f[0], Integer.parseInt(f[1]));
        }
        assertThat(written).hasSize(count);
        return written;
    }

    private static List<String> union(Set<String> a, Set<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The h2 index opens read-only without writing, so a full disk does not stop it. */
    @Test
    void lsGetAndVerifyWorkOnAFullDisk() throws Exception {
        String index = "h2";
        Map<String, byte[]> blobs = filled(index);
        Map<String, String> before = snapshot();
        Map.Entry<String, byte[]> some = blobs.entrySet().iterator().next();

        Child ls = child(0, "--index", index, "ls");
        assertThat(ls.code()).as(ls.toString()).isZero();
        assertThat(ls.out().strip().lines().count()).isEqualTo(blobs.size());
        Child get = child(0, "--index", index, "get", some.getKey());
        assertThat(get.code()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(some.getValue());
        Child verify = child(0, "--index", index, "verify");
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("verified");
        assertThat(verify.err()).as("one line says the results were not recorded").contains("not recorded")
                .doesNotContain("\tat ");
        assertThat(store().resolve("verify.ledger")).as("not even an empty ledger is left").doesNotExist();

        assertThat(snapshot()).isEqualTo(before);
    }

    /**
     * RocksDB cannot even unpack its native library on a full disk: the index is then built in
     * memory from the packs, and {@code ls} lists every blob all the same.
     */
    @Test
    void lsWorksOnAFullDiskWhereRocksDbCannotLoad() throws Exception {
        Map<String, byte[]> blobs = filled("rocksdb");
        Map<String, String> before = snapshot();

        Child ls = child(0, "--index", "rocksdb", "ls");

        assertThat(ls.code()).as(ls.toString()).isZero();
        assertThat(ls.out().strip().lines().count()).isEqualTo(blobs.size());
        assertThat(ls.err()).doesNotContain("\tat ");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aSealThatFailsPrintsOneSentenceAndItsStackOnlyUnderDebug() throws Exception {
        // the limit lets a pack grow to its pack size but not take its parity: every seal fails
        String[] put = new String[7];
        put[0] = "--index";
        put[1] = "h2";
        put[2] = "--pack-size";
        put[3] = "262144";
        put[4] = "put";
        byte[][] blobs = {CliTest.random(100_000, 21), CliTest.random(100_000, 22), CliTest.random(100_000, 23)};
        Cli.Result first = Cli.in(store()).run("--index", "h2", "--pack-size", "262144", "put",
                Files.write(tmp.resolve("a"), blobs[0]).toString());
        assertThat(first.code()).as(first.toString()).isZero();
        put[5] = Files.write(tmp.resolve("b"), blobs[1]).toString();
        put[6] = Files.write(tmp.resolve("c"), blobs[2]).toString();

        Child quiet = child(256, put);

        assertThat(quiet.code()).as(quiet.toString()).isZero();
        assertThat(quiet.err()).doesNotContain("\tat ").doesNotContain("Exception");
        List<String> lines = quiet.err().strip().lines().toList();
        assertThat(lines).as(quiet.toString()).hasSize(1);
        assertThat(lines.get(0)).contains("sealing").contains("blobs-00000").contains("failed")
                .contains("sealed again at the next open");

        Child debug = child(256, "--debug", "--index", "h2", "reindex");
        assertThat(debug.err()).as(debug.toString()).contains("sealing").contains("\tat ");

        Cli.Result reseal = Cli.in(store()).run("--index", "h2", "reindex");
        assertThat(reseal.code()).as(reseal.toString()).isZero();
        Cli.Result verify = Cli.in(store()).run("--index", "h2", "verify");
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(Files.size(store().resolve("blobs-00000"))).isGreaterThan(262_144);
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

    /**
     * Runs the command in a child JVM whose files may not grow past {@code limitKib} KiB
     * ({@code ulimit -f}, 0: no file may grow at all, as on a full disk).
     */
    private Child child(int limitKib, String... args) throws IOException, InterruptedException {
        // native libraries that fail to unpack leave their empty files in the test's directory
        Path jvmTmp = Files.createDirectories(tmp.resolve("jvm-tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + jvmTmp,
                "-cp", System.getProperty("java.class.path"), BlobsFileCommand.class.getName(),
                "--dir", store().toString()));
        cmd.addAll(List.of(args));
        StringBuilder command = new StringBuilder("ulimit -f " + limitKib + " && exec");
        for (String a : cmd) {
            command.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        // pipes, not files: the limit applies to every file the child writes, its output's too
        Process p = new ProcessBuilder("bash", "-c", command.toString()).start();
        p.getOutputStream().close();
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
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
