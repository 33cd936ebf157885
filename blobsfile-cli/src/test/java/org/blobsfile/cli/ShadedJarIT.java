package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded jar as a user does, one process per command: proves the merged service files,
 * the native libraries inside the jar, the exit codes as the shell sees them and a stdout that
 * holds nothing but the command's output.
 */
class ShadedJarIT {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    record Run(int code, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out() + "\n--- stderr\n" + stderr;
        }
    }

    static Path jar() {
        String p = System.getProperty("blobsfile.cli.jar");
        assertThat(p).as("system property blobsfile.cli.jar").isNotNull();
        assertThat(Path.of(p)).as("the shaded jar, built in the package phase").isRegularFile();
        return Path.of(p);
    }

    Run run(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "stdout", ".bin");
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove(BlobsFileCommand.DIR_VARIABLE);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("blobsfile " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }

    Run run(String... args) throws IOException, InterruptedException {
        return run(new byte[0], args);
    }

    @Test
    void putThenGetInSeparateProcesses() throws Exception {
        Path store = tmp.resolve("store");
        byte[] data = new byte[300_001];
        new Random(SEED.seed(7)).nextBytes(data);
        Path f = Files.write(tmp.resolve("data.bin"), data);

        Run put = run("--dir", store.toString(), "--codec", "snappy", "put", f.toString());
        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(put.out()).matches("[0-9a-f]{64}  " + java.util.regex.Pattern.quote(f.toString()) + "\n");
        String hash = put.out().substring(0, 64);

        Run get = run("--dir", store.toString(), "get", hash);
        assertThat(get.code()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(data);

        Run has = run("--dir", store.toString(), "has", "ff".repeat(32));
        assertThat(has.code()).isEqualTo(2);
    }

    @Test
    void putReadsStandardInput() throws Exception {
        Path store = tmp.resolve("store");
        Run put = run("abc".getBytes(StandardCharsets.US_ASCII), "--dir", store.toString(), "put", "-");
        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(put.out()).isEqualTo(CliTest.ABC + "  -\n");
    }

    @Test
    void statPrintsThePrometheusFormatThroughTheJar() throws Exception {
        Path store = tmp.resolve("media");
        Run put = run("abc".getBytes(StandardCharsets.US_ASCII), "--dir", store.toString(), "put", "-");
        assertThat(put.code()).as(put.toString()).isZero();
        Run stat = run("--dir", store.toString(), "stat", "--prometheus");
        assertThat(stat.code()).as(stat.toString()).isZero();
        assertThat(stat.out()).contains("# TYPE blobsfile_puts_total counter\n", "blobsfile_blobs{store=\"media\"} 1.0\n",
                "blobsfile_bytes{store=\"media\"} 3.0\n");
    }

    @Test
    void pluginsFoundThroughTheMergedServiceFiles() throws Exception {
        Run r = run("plugins");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("snappy", "rocksdb", "archive-s3");
    }

    @Test
    void inspectOfAPackWrittenByTheJar() throws Exception {
        Path store = tmp.resolve("store");
        List<String> args = new ArrayList<>(List.of("--dir", store.toString(), "--pack-size", "65536", "put"));
        Random rnd = new Random(SEED.seed(11));
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[20_000 + i];
            rnd.nextBytes(b);
            args.add(Files.write(tmp.resolve("f" + i), b).toString());
        }
        Run put = run(args.toArray(String[]::new));
        assertThat(put.code()).as(put.toString()).isZero();

        Run r = run("inspect", store.resolve("blobs-00000").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("version  1", "problems: none");
        assertThat(r.out().lines().filter(l -> l.matches("\\d+\\s+blob\\s.*"))).hasSize(3);
        assertThat(r.out().lines().filter(l -> l.matches("\\d+\\s+eof\\s.*"))).hasSize(1);
        // the closed pack shows parity exactly when the store counts it as sealed
        Run stat = run("--dir", store.toString(), "stat", "--json");
        boolean sealed = CliTest.number(stat.out(), "sealed_packs") > 0;
        assertThat(r.out().lines().filter(l -> l.matches("65536\\s+parity\\s.*"))).hasSize(sealed ? 1 : 0);
    }

    @Test
    void aStoreOpenInAnotherProcessIsLockedForWriters() throws Exception {
        Path store = tmp.resolve("store");
        Path f = Files.write(tmp.resolve("a"), "abc".getBytes(StandardCharsets.US_ASCII));
        try (BlobStore held = BlobStore.builder(store).open()) {
            Run r = run("--dir", store.toString(), "put", f.toString());
            assertThat(r.code()).as(r.toString()).isEqualTo(4);
            assertThat(r.stderr().strip().lines()).hasSize(1);
            assertThat(r.stderr()).contains("locked");
            assertThat(held.stats().blobs()).isZero();
            Run verify = run("--dir", store.toString(), "verify");
            assertThat(verify.code()).as("a read command opens read-only beside the writer: %s", verify).isZero();
            for (String command : new String[] {"repair", "import"}) {
                Run other = command.equals("import") ? run("--dir", store.toString(), command, tmp.toString())
                        : run("--dir", store.toString(), command);
                assertThat(other.code()).as(other.toString()).isEqualTo(4);
                assertThat(other.stdout()).isEmpty();
            }
        }
    }

    /** Eight 20,000-byte blobs in 64 KiB packs: blobs-00000 fills and is sealed when the process closes the store. */
    Path sealedStore() throws Exception {
        Path store = tmp.resolve("store");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(SEED.seed(11));
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[20_000 + i];
            rnd.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        Run imported = run("--dir", store.toString(), "--pack-size", "65536", "import", src.toString());
        assertThat(imported.code()).as(imported.toString()).isZero();
        return store;
    }

    @Test
    void verifyFindsDamageAndRepairFixesItThroughTheJar() throws Exception {
        Path store = sealedStore();
        Run clean = run("--dir", store.toString(), "verify");
        assertThat(clean.code()).as(clean.toString()).isZero();
        assertThat(clean.out()).endsWith(": clean\n");

        CliTest.flipByte(store.resolve("blobs-00000"), 64 + 38 + 5_000);
        Run damaged = run("--dir", store.toString(), "verify", "--json");
        assertThat(damaged.code()).as(damaged.toString()).isEqualTo(3);
        // stdout holds the JSON object and nothing else: logs and progress went to stderr
        java.util.Map<String, Object> report = MiniJson.object(damaged.out());
        assertThat(report).containsEntry("clean", false);
        assertThat(report.get("damage").toString()).contains("pack=blobs-00000");

        Run repair = run("--dir", store.toString(), "repair", "--json");
        assertThat(repair.code()).as(repair.toString()).isZero();
        assertThat(MiniJson.object(repair.out())).containsEntry("complete", true);
        Run after = run("--dir", store.toString(), "verify");
        assertThat(after.code()).as(after.toString()).isZero();
    }

    @Test
    void theLibraryLogsToStandardErrorAndDebugRaisesTheLevel() throws Exception {
        Path store = tmp.resolve("store");
        Path f = Files.write(tmp.resolve("a"), "abc".getBytes(StandardCharsets.US_ASCII));
        Run quiet = run("--dir", store.toString(), "put", f.toString());
        assertThat(quiet.code()).as(quiet.toString()).isZero();
        assertThat(quiet.stderr()).as("warn is the default level").isEmpty();

        // a new store: creating its first pack is logged at debug level
        Run debug = run("--debug", "--dir", tmp.resolve("store2").toString(), "put", f.toString());
        assertThat(debug.code()).as(debug.toString()).isZero();
        assertThat(debug.out()).isEqualTo(CliTest.ABC + "  " + f + "\n");
        assertThat(debug.stderr()).contains("DEBUG org.blobsfile.");
    }

    @Test
    void theDemoRunsThroughTheJarWithOnlyItsOwnTextOnStdout() throws Exception {
        Run demo = run("demo", "--in", tmp.toString());
        assertThat(demo.code()).as(demo.toString()).isZero();
        assertThat(demo.out()).contains("The store is kept at:").doesNotContain("org.blobsfile.core.")
                .doesNotContain("WARN").doesNotContain("\r");
    }

    /**
     * Runs the shell lines of the README's example session, in order, in an empty directory,
     * with {@code bin/blobsfile} standing for this jar: each must succeed.
     */
    @Test
    void theReadmeSessionRunsAsWritten() throws Exception {
        List<String> lines = ReadmeTest.block(ReadmeTest.readme(), "<!-- session: tested by ShadedJarIT -->", "sh");
        assertThat(lines).anyMatch(l -> l.startsWith("bin/blobsfile "));
        Path cwd = Files.createDirectories(tmp.resolve("session"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String command = line.replace("bin/blobsfile ", "'" + java + "' -jar '" + jar() + "' ");
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(cwd.toFile())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("session.log").toFile());
            pb.environment().remove(BlobsFileCommand.DIR_VARIABLE);
            Process p = pb.start();
            p.getOutputStream().close();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(line).isTrue();
            assertThat(p.exitValue()).as(line + "\n" + Files.readString(tmp.resolve("session.log"))).isZero();
        }
    }

    @Test
    void usageErrorsExitOne() throws Exception {
        Run r = run("put");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void inspectOfASharedGoldenPack() throws Exception {
        String golden = System.getProperty("blobsfile.golden.shared");
        assumeTrue(golden != null && Files.isDirectory(Path.of(golden)), "shared golden corpus not available");
        Run r = run("inspect", Path.of(golden, "sealed-odd", "store", "blobs-00000").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().lines().filter(l -> l.matches("(1048576|1153472)\\s+parity\\s.*"))).hasSize(2);
    }
}
