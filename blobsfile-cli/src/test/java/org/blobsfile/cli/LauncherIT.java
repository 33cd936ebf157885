package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/blobsfile}, the launcher, with its start-up caches (the class-data archive and
 * RocksDB's native library) in a directory of the test's choosing: the caches are filled by a
 * first run and used by the next, and a cache that cannot be written or an archive that is
 * garbage changes nothing a user sees: same output, nothing on stderr, same exit code.
 */
class LauncherIT {
    @TempDir
    Path tmp;

    record Run(int code, String stdout, String stderr) {
    }

    private static Path launcher() {
        // the jar is <root>/blobsfile-cli/target/blobsfile-cli-*-all.jar, the launcher <root>/bin/blobsfile
        Path root = ShadedJarIT.jar().toAbsolutePath().getParent().getParent().getParent();
        Path launcher = root.resolve("bin").resolve("blobsfile");
        assertThat(launcher).isRegularFile();
        return launcher;
    }

    private Run run(Path cache, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", launcher().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "stdout", ".txt");
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove(BlobsFileCommand.DIR_VARIABLE);
        pb.environment().remove("BLOBSFILE_JAVA_OPTS");
        pb.environment().put("BLOBSFILE_CACHE_DIR", cache.toString());
        // the launcher runs the java on the PATH: make it this test's
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/blobsfile " + String.join(" ", args) + " did not finish in 180 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    }

    private Path store(Path cache) throws Exception {
        Path input = Files.writeString(tmp.resolve("input.txt"), "a blob for the launcher\n");
        Path store = tmp.resolve("store");
        Run put = run(cache, Map.of(), "--dir", store.toString(), "put", input.toString());
        assertThat(put.code()).as(put.toString()).isZero();
        return store;
    }

    @Test
    void theFirstRunFillsTheCachesAndTheNextUsesThem() throws Exception {
        Path cache = tmp.resolve("cache");
        Path store = store(cache);
        Run first = run(cache, Map.of(), "--dir", store.toString(), "stat");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.stderr()).isEmpty();
        List<Path> archives = files(cache, ".jsa");
        assertThat(archives).hasSize(1);
        assertThat(Files.size(archives.get(0))).isPositive();
        List<Path> libraries = files(cache.resolve("native"), ".so");
        assertThat(libraries).hasSize(1);
        FileTime old = FileTime.fromMillis(Files.getLastModifiedTime(archives.get(0)).toMillis() - 1000);
        Files.setLastModifiedTime(libraries.get(0), old);

        // -Xshare:on makes the JVM refuse to start unless it maps the archive
        Run second = run(cache, Map.of("BLOBSFILE_JAVA_OPTS", "-Xshare:on"), "--dir", store.toString(), "stat");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.stderr()).isEmpty();
        assertThat(second.stdout()).isEqualTo(first.stdout());
        assertThat(files(cache, ".jsa")).isEqualTo(archives);
        assertThat(Files.getLastModifiedTime(libraries.get(0))).isEqualTo(old); // not copied again
        assertThat(files(cache, ".jsa.")).isEmpty(); // no archive left half written
    }

    @Test
    void aCacheThatCannotBeWrittenLeavesAPlainStart() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("cache"), "a file, not a directory");
        Path store = store(notADirectory);
        Run stat = run(notADirectory, Map.of(), "--dir", store.toString(), "stat");
        assertThat(stat.code()).as(stat.toString()).isZero();
        assertThat(stat.stderr()).isEmpty();
        assertThat(stat.stdout()).containsPattern("(?m)^blobs +1$");
        assertThat(Files.readString(notADirectory)).isEqualTo("a file, not a directory");
        Run absent = run(notADirectory, Map.of(), "--dir", store.toString(), "has", "00".repeat(32));
        assertThat(absent.code()).as(absent.toString()).isEqualTo(2);
    }

    @Test
    void aGarbageArchiveIsPassedOverSilently() throws Exception {
        Path cache = tmp.resolve("cache");
        Path store = store(cache);
        Run first = run(cache, Map.of(), "--dir", store.toString(), "stat");
        List<Path> archives = files(cache, ".jsa");
        assertThat(archives).hasSize(1);
        Files.writeString(archives.get(0), "not an archive");
        Run garbage = run(cache, Map.of(), "--dir", store.toString(), "stat");
        assertThat(garbage.code()).as(garbage.toString()).isZero();
        assertThat(garbage.stderr()).isEmpty();
        assertThat(garbage.stdout()).isEqualTo(first.stdout());
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)
                    || (suffix.endsWith(".") && p.getFileName().toString().contains(suffix))).sorted().toList();
        }
    }
}
