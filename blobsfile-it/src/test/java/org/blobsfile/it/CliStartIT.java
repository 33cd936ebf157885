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

    /** Any JDK: no class file in the jar is older than Java 6, which JDK 17's archive leaves out. */
    @Test
    void theJarHoldsNoClassFileOlderThanJava6() throws Exception {
        Path jar = CliKillIT.shadedJar();
        Assumptions.assumeTrue(jar != null, "the shaded jar is built by the package phase of blobsfile-cli");
        List<String> old = new java.util.ArrayList<>();
        int classes = 0;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.getName().endsWith(".class") || e.getName().startsWith("META-INF/")) {
                    continue;
                }
                byte[] head;
                try (java.io.InputStream in = zip.getInputStream(e)) {
                    head = in.readNBytes(8);
                }
                classes++;
                if (head.length == 8 && ((head[6] & 0xFF) << 8 | (head[7] & 0xFF)) < 50) {
                    old.add(e.getName());
                }
            }
        }
        assertThat(classes).as("class files in the jar").isGreaterThan(1_000);
        assertThat(old).as("class files older than Java 6").isEmpty();
    }

    /**
     * JDK 17 and 18 only (HotSpot): later JDKs archive old class files anyway and name lambda
     * classes otherwise, so the figures below would say nothing there.
     */
    @Test
    void aSecondStatLoadsItsClassesFromTheArchive() throws Exception {
        Assumptions.assumeTrue(CliKillIT.shadedJar() != null, "the shaded jar is built by the package phase of blobsfile-cli");
        Assumptions.assumeTrue(Runtime.version().feature() < 19 && isHotSpot(),
                "the archive's rules checked here are HotSpot's of JDK 17 and 18");
        Path script = Path.of("..", "bin", "blobsfile").toAbsolutePath().normalize();
        Path store = tmp.resolve("store");
        try (BlobStore s = BlobStore.builder(store).open()) {
            s.put("a small store".getBytes(StandardCharsets.UTF_8));
        }
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        run(script, cache, store, "");
        try (java.util.stream.Stream<Path> files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("the first run's archive")
                    .anyMatch(n -> n.endsWith(".jsa"));
        }
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

    /** @return whether this JVM is HotSpot, which OpenJDK builds name "OpenJDK ... VM" */
    private static boolean isHotSpot() {
        String vm = System.getProperty("java.vm.name", "");
        return vm.contains("HotSpot") || vm.startsWith("OpenJDK");
    }

    private void run(Path script, Path cache, Path store, String javaOpts) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), "--dir", store.toString(), "stat")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        // the JDK running the tests, and none of the options a user's environment may add to every JVM
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + pb.environment().getOrDefault("PATH", ""));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().put("BLOBSFILE_CACHE_DIR", cache.toString());
        pb.environment().put("BLOBSFILE_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("stat finished").isTrue();
        assertThat(p.exitValue()).as("stat's exit code; it printed:%n%s", Files.readString(tmp.resolve("out.txt")))
                .isZero();
        assertThat(Files.readString(tmp.resolve("out.txt"))).contains("blobs                      1");
    }
}
