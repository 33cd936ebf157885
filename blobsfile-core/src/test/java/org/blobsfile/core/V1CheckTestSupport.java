package org.blobsfile.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the independent v1 checker when this machine has it. */
final class V1CheckTestSupport {
    private V1CheckTestSupport() {
    }

    /** @return {exit code, output}, or null when v1check is not present */
    static String[] runIfPresent(Path dir, String... args) throws Exception {
        String p = System.getProperty("blobsfile.v1check");
        if (p == null || !Files.isExecutable(Path.of(p))) {
            return null;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(p);
        cmd.addAll(List.of(args));
        cmd.add(dir.toString());
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("v1check did not finish");
        }
        return new String[] {Integer.toString(proc.exitValue()), out};
    }
}
