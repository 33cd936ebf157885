package org.blobsfile.bench;

import java.util.HashMap;
import java.util.Map;

/** The {@code name=value} arguments the benchmark runners take. */
public final class BenchArgs {
    private BenchArgs() {
    }

    /**
     * @param args {@code name=value} pairs
     * @return the values by name
     * @throws IllegalArgumentException on an argument without {@code =}
     */
    public static Map<String, String> parse(String... args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are name=value, not " + s);
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return a;
    }
}
