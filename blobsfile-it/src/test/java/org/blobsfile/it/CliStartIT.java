package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.BlobStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps {@code bin/blobsfile stat} quick, checked on the script and the shaded jar as users
 * run them: the second run takes every class of the command line, its store and picocli from the
 * class-data archive the first run made (picocli's Java 5 class files are rewritten at the build
 * so the archive can hold them), and spins next to no method-handle classes at run time (string
 * concatenation is compiled without invokedynamic).
 */
class CliStartIT {
    /** Classes spun for a run: a few lambdas and method-handle forms (about seventy before). */
    private static final int RUNTIME_CLASSES_AT_MOST = 12;

    @TempDir
    Path tmp;

    @Test
    void aSecondStatLoadsItsClassesFromTheArchive() throws Exception {
        Assumptions.assumeTrue(CliKillIT.shadedJar() != null, "the shaded jar is built by the package phase of blobsfile-cli");
        Path script = Path.of("..", "bin", "blobsfile").toAbsolutePath().normalize();
        Path store = tmp.resolve("store");
        try (BlobStore s = BlobStore.builder(store).open()) {
            s.put("a small store".getBytes(StandardCharsets.UTF_8));
        }
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        run(script, cache, store, "");
        Path log = tmp.resolve("class-load.log");
        run(script, cache, store, "-Xlog:class+load=info:file=" + log);

        List<String> lines = Files.readAllLines(log);
        List<String> ours = lines.stream()
                .filter(l -> l.contains(" org.blobsfile.") || l.contains(" picocli.")).filter(l -> !spun(l)).toList();
        assertThat(ours).as("classes of the command line and picocli loaded").hasSizeGreaterThan(100);
        assertThat(ours).as("classes loaded from the jar rather than the archive")
                .allMatch(l -> l.contains("source: shared objects file"));
        assertThat(lines.stream().filter(CliStartIT::spun).toList())
                .as("classes spun at run time").hasSizeLessThanOrEqualTo(RUNTIME_CLASSES_AT_MOST);
    }

    /**
     * @return whether the line is of a class made at run time: a method-handle form, or a lambda's
     *         class the archive did not hold (one whose call site the first run never reached)
     */
    private static boolean spun(String line) {
        return line.contains("__JVM_LookupDefineClass__")
                || line.contains("$$Lambda$") && !line.contains("source: shared objects file");
    }

    private void run(Path script, Path cache, Path store, String javaOpts) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), "--dir", store.toString(), "stat")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().put("BLOBSFILE_CACHE_DIR", cache.toString());
        pb.environment().put("BLOBSFILE_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("stat finished").isTrue();
        assertThat(p.exitValue()).as("stat's exit code; it printed:%n%s", Files.readString(tmp.resolve("out.txt")))
                .isZero();
        assertThat(Files.readString(tmp.resolve("out.txt"))).contains("blobs                      1");
    }
}
