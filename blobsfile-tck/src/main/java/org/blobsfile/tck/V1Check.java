package org.blobsfile.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code v1check}, the independent reader of the v1 format, on a store directory. The
 * binary's path comes from the system property {@code blobsfile.v1check}; a test that calls
 * this is skipped (not failed) where the binary is absent.
 */
public final class V1Check {
    private V1Check() {
    }

    /** What v1check said: its exit status and its output. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Runs v1check on {@code dir}, skipping the calling test if the binary is not present.
     *
     * @param dir  the store directory
     * @param args options placed before the directory, e.g. {@code --strict}
     * @return its exit status and output
     * @throws IOException          if it cannot be started
     * @throws InterruptedException if interrupted while it runs
     */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        String binary = System.getProperty("blobsfile.v1check");
        Assumptions.assumeTrue(binary != null && Files.isExecutable(Path.of(binary)), "v1check not present");
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(List.of(args));
        command.add(dir.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("v1check finished").isTrue();
        return new Result(p.exitValue(), out);
    }

    /**
     * Asserts that {@code v1check --strict} passes on {@code dir}, whose packs are
     * {@code maxPackSize} bytes; skips the calling test if the binary is not present.
     *
     * @param dir         the store directory
     * @param maxPackSize the store's pack size
     * @throws IOException          if v1check cannot be started
     * @throws InterruptedException if interrupted while it runs
     */
    public static void assertStrictPass(Path dir, long maxPackSize) throws IOException, InterruptedException {
        Result r = run(dir, "--strict", "--max-pack-size", Long.toString(maxPackSize));
        assertThat(r.exitCode()).as("v1check output:\n" + r.output()).isZero();
        assertThat(r.output()).contains("OK");
    }
}
