package org.blobsfile.bench.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a JMH result file: which benchmark, with which parameters and threads, and its
 * score.
 *
 * @param benchmarkClass the benchmark's simple class name, e.g. {@code GetBenchmark}
 * @param method         the benchmark method, e.g. {@code get}
 * @param params         the JMH parameters, by name
 * @param threads        the threads that ran it
 * @param score          the primary score
 * @param error          JMH's 99.9 % half-width, NaN when there was one iteration
 * @param unit           the score's unit, e.g. {@code ops/s}
 * @param secondary      the secondary scores by name, e.g. {@code gc.alloc.rate.norm}; for a sampled run
 *                       also its percentiles {@code p50} and {@code p99}, in the score's unit
 */
public record JmhRun(String benchmarkClass, String method, Map<String, String> params, int threads,
                     double score, double error, String unit, Map<String, Double> secondary) {

    /**
     * @param json the text of a JMH {@code -rf json} file
     * @return its runs, in file order
     * @throws IllegalArgumentException if it is not a JMH result file
     */
    @SuppressWarnings("unchecked")
    public static List<JmhRun> parse(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List)) {
            throw new IllegalArgumentException("a JMH result file is a JSON array");
        }
        return ((List<Object>) root).stream().map(o -> of((Map<String, Object>) o)).toList();
    }

    @SuppressWarnings("unchecked")
    private static JmhRun of(Map<String, Object> raw) {
        String name = (String) raw.get("benchmark");
        String[] parts = name.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("benchmark name " + name);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Object p = raw.get("params");
        if (p instanceof Map) {
            ((Map<String, Object>) p).forEach((k, v) -> params.put(k, String.valueOf(v)));
        }
        Map<String, Object> primary = (Map<String, Object>) raw.get("primaryMetric");
        Map<String, Double> secondary = new LinkedHashMap<>();
        Object s = raw.get("secondaryMetrics");
        if (s instanceof Map) {
            ((Map<String, Object>) s).forEach((k, v) -> secondary.put(k, number(((Map<String, Object>) v).get("score"))));
        }
        // a sampled run's percentiles, as p50 and p99 beside the secondary scores
        Object percentiles = primary.get("scorePercentiles");
        if (percentiles instanceof Map) {
            Map<String, Object> pm = (Map<String, Object>) percentiles;
            for (String q : new String[] {"50.0", "99.0"}) {
                if (pm.containsKey(q)) {
                    secondary.put("p" + q.substring(0, 2), number(pm.get(q)));
                }
            }
        }
        return new JmhRun(parts[parts.length - 2], parts[parts.length - 1], Collections.unmodifiableMap(params),
                (int) number(raw.get("threads")), number(primary.get("score")), number(primary.get("scoreError")),
                (String) primary.get("scoreUnit"), Collections.unmodifiableMap(secondary));
    }

    private static double number(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        // JMH writes NaN and infinities as strings
        return o == null ? Double.NaN : Double.parseDouble(String.valueOf(o));
    }

    /**
     * @param name a parameter
     * @return its value as a number
     * @throws IllegalArgumentException if the run has no such parameter
     */
    public long longParam(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException(benchmarkClass + "." + method + " has no parameter " + name);
        }
        return Long.parseLong(v);
    }
}
