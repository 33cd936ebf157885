package org.blobsfile.cli.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.blobsfile.cli.BlobsFileCommand;

/** Runs one command in this JVM with captured streams, as a script would run it on a fuzzed store. */
final class FuzzCli {
    /** What one command left: exit code, standard output and standard error. */
    record Result(int code, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** @return whether standard error shows a stack trace or a raw exception name */
        boolean traceOnStderr() {
            return stderr.contains("\tat ") || stderr.contains("Caused by") || stderr.contains("Exception");
        }
    }

    private FuzzCli() {
    }

    static Result run(Path dir, StoreShape shape, String... args) {
        List<String> all = new ArrayList<>(List.of("--dir", dir.toString(), "--index", shape.index(), "--codec",
                shape.codec()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BlobsFileCommand.run(all.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), out, err,
                Map.of());
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
