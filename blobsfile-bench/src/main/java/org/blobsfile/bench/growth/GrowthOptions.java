package org.blobsfile.bench.growth;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.blobsfile.api.Durability;

/**
 * The settings of one growth run, from {@code name=value} arguments.
 *
 * @param phase      {@code grow} (fill a new store) or {@code after} (reopen it: open, close,
 *                   open, rebuild, enumerate)
 * @param count      blobs to put in all
 * @param slice      blobs per slice, the unit of each report row
 * @param size       bytes per blob
 * @param index      the index name, {@code rocksdb} or {@code h2}
 * @param durability when puts are forced
 * @param codec      the store's codec
 * @param store      the store's directory
 * @param out        where results go
 * @param batch      blobs per {@code putAll} call
 * @param threads    threads calling {@code putAll} side by side
 * @param end        how the grow phase ends: {@code close}, or {@code halt} (the process stops
 *                   at once, as after {@code kill -9}, so the next open recovers)
 * @param enumerate  whether the after phase enumerates the whole store
 * @param rebuild    whether the after phase rebuilds the index
 */
record GrowthOptions(String phase, long count, long slice, int size, String index, Durability durability, String codec,
                     Path store, Path out, int batch, int threads, String end, boolean enumerate, boolean rebuild) {
    private static final Set<String> NAMES = Set.of("phase", "count", "slice", "size", "index", "durability", "codec",
            "store", "out", "batch", "threads", "end", "enumerate", "rebuild");

    /**
     * @param args {@code name=value} pairs; names not given take their defaults
     * @return the options
     * @throws IllegalArgumentException on an unknown name or a bad value
     */
    static GrowthOptions parse(String... args) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || !NAMES.contains(a.substring(0, eq))) {
                throw new IllegalArgumentException("expected one of " + NAMES + " as name=value, got '" + a + "'");
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        String index = m.getOrDefault("index", "rocksdb");
        Path store = Path.of(m.getOrDefault("store", System.getProperty("java.io.tmpdir") + "/growth-" + index));
        GrowthOptions o = new GrowthOptions(
                m.getOrDefault("phase", "grow"),
                Long.parseLong(m.getOrDefault("count", "30000000")),
                Long.parseLong(m.getOrDefault("slice", "1000000")),
                Integer.parseInt(m.getOrDefault("size", "512")),
                index,
                Durability.valueOf(m.getOrDefault("durability", "GROUP").toUpperCase(Locale.ROOT)),
                m.getOrDefault("codec", "none"),
                store,
                Path.of(m.getOrDefault("out", "growth-results")),
                Integer.parseInt(m.getOrDefault("batch", "1000")),
                Integer.parseInt(m.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
                m.getOrDefault("end", "close"),
                Boolean.parseBoolean(m.getOrDefault("enumerate", "true")),
                Boolean.parseBoolean(m.getOrDefault("rebuild", "true")));
        if (!Set.of("grow", "after").contains(o.phase) || !Set.of("close", "halt").contains(o.end)
                || o.count < 1 || o.slice < 1 || o.size < 16 || o.batch < 1 || o.threads < 1) {
            throw new IllegalArgumentException("bad settings: " + o);
        }
        return o;
    }
}
