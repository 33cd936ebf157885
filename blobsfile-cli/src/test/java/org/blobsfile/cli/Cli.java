package org.blobsfile.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the command in this JVM with captured streams, as a script would run it. */
final class Cli {
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private byte[] stdin = new byte[0];

    private Cli(Path dir) {
        this.dir = dir;
    }

    /** @return a runner that passes {@code --dir dir} before every command (none when null) */
    static Cli in(Path dir) {
        return new Cli(dir);
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Cli stdin(byte[] bytes) {
        stdin = bytes.clone();
        return this;
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>();
        if (dir != null) {
            all.add("--dir");
            all.add(dir.toString());
        }
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BlobsFileCommand.run(all.toArray(String[]::new), new ByteArrayInputStream(stdin), out, err, env);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** What one invocation left behind. */
    record Result(int code, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        List<String> lines() {
            String s = out();
            return s.isEmpty() ? List.of() : List.of(s.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + stderr;
        }
    }
}
