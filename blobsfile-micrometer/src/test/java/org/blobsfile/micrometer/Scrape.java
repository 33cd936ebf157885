package org.blobsfile.micrometer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the samples of a Prometheus text exposition. */
final class Scrape {
    private Scrape() {
    }

    /** @return every sample line's series ({@code name{labels}}) and value; comments left out */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** @return the Prometheus name of a stat's meter: counters end in {@code _total} */
    static String name(StatsMeters.Stat s) {
        return s.meterName().replace('.', '_') + (s.kind() == StatsMeters.Kind.COUNTER ? "_total" : "");
    }
}
