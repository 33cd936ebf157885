package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code blobsfile put} (the shaded jar, as users run it) at random moments: every line it
 * printed names a blob that reads back with exactly that file's bytes.
 *
 * <p>Run by failsafe in the {@code verify} phase, with a tenth of {@link CrashIT}'s cycles (at
 * least three). A fresh seed each run; {@code -Dblobsfile.seed=N} replays its files, their order
 * and the line after which each kill comes.
 */
class CliKillIT {
    private static final int CYCLES = Math.max(3, Integer.getInteger("blobsfile.crash.cycles", CrashIT.DEFAULT_CYCLES) / 10);

    /** The seed of the inputs and kill moments, printed when the test fails. */
    @RegisterExtension
    final RandomSeed seeds = new RandomSeed();

    @TempDir
    Path tmp;

    static Path shadedJar() throws IOException {
        Path target = Path.of("..", "blobsfile-cli", "target").toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(target, "blobsfile-cli-*-all.jar")) {
                for (Path p : ds) {
                    return p;
                }
            }
        }
        return null;
    }

    @Test
    void everyLinePutPrintedIsAStoredBlob() throws Exception {
        Path jar = shadedJar();
        Assumptions.assumeTrue(jar != null, "the shaded jar is built by the package phase of blobsfile-cli");
        long seed = seeds.seed();
        Random rnd = new Random(seed);
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        Map<String, byte[]> byName = new HashMap<>();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[rnd.nextInt(10) == 0 ? 30_000 + rnd.nextInt(30_000) : rnd.nextInt(3_000)];
            rnd.nextBytes(b);
            Path f = inputs.resolve(String.format("f%04d", i));
            Files.write(f, b);
            byName.put(f.toString(), b);
            args.add(f.toString());
        }
        Path store = tmp.resolve("store");
        // a killed JVM never deletes the native libraries it unpacked: keep them in the test's own directory
        Path jvmTmp = Files.createDirectories(tmp.resolve("jvm-tmp"));
        long acknowledged = 0;
        for (int c = 0; c < CYCLES; c++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + jvmTmp, "-jar", jar.toString(), "--dir", store.toString(), "--pack-size", "262147", "put"));
            List<String> files = new ArrayList<>(args);
            java.util.Collections.shuffle(files, rnd);
            cmd.addAll(files);
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new ArrayList<>();
            int killAfter = 1 + rnd.nextInt(200);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    lines.add(line);
                    if (lines.size() == killAfter) {
                        p.destroyForcibly(); // mid-run, right after a line: the next put is in flight
                        break; // destroying a process closes its stdout: reading on would throw "Stream closed"
                    }
                }
            } catch (IOException closedByTheKill) {
                // the pipe closes under the reader when the process dies: what was read is what counts
            }
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (BlobStore s = BlobStore.builder(store).open()) {
                for (String line : lines) {
                    String[] f = line.split("  ", 2);
                    if (f.length != 2 || f[0].length() != 64) {
                        continue; // a line cut by the kill
                    }
                    byte[] expected = byName.get(f[1]);
                    assertThat(expected).as("printed name %s (seed %d)", f[1], seed).isNotNull();
                    assertThat(s.get(BlobRef.parse(f[0]))).as("%s (seed %d)", f[1], seed).isEqualTo(expected);
                    acknowledged++;
                }
                assertThat(s.verify().damage()).as("seed %d", seed).isEmpty();
            }
        }
        assertThat(acknowledged).isPositive();
        Files.writeString(Path.of("target", "cli-kill-summary.txt"),
                "seed " + seed + "\ncycles " + CYCLES + "\nacknowledged " + acknowledged + "\nlost 0\n");
    }
}
