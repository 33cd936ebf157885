package org.blobsfile.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The independent v1 checker ({@code ../shared/tools/v1check}, named by the build in
 * {@code blobsfile.v1check}), run over a whole store directory with {@code --strict}.
 */
final class V1Check {
    private V1Check() {
    }

    /** @return whether the checker is there to run */
    static boolean available() {
        String v1 = System.getProperty("blobsfile.v1check");
        return v1 != null && Files.isExecutable(Path.of(v1));
    }

    /**
     * @param dir      a closed store
     * @param packSize its pack size
     * @return null when every pack passes, else the checker's output
     */
    static String failures(Path dir, long packSize) throws Exception {
        Process p = new ProcessBuilder(System.getProperty("blobsfile.v1check"), "--strict", "--max-pack-size",
                Long.toString(packSize), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "v1check did not finish in 120 s";
        }
        return p.exitValue() == 0 ? null : out;
    }
}
