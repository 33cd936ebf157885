package org.blobsfile.bench.growth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Rows of named columns, written as CSV (numbers unformatted), JSON (an array of objects) and
 * a Markdown table (numbers rounded for reading). Each write replaces the files, so a table
 * written after every row survives a run that stops half way.
 */
final class ResultTable {
    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    ResultTable(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    /** @param values one per column, numbers or text */
    void add(List<Object> values) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException(columns.size() + " columns, " + values.size() + " values");
        }
        rows.add(List.copyOf(values));
    }

    /** Writes {@code name.csv}, {@code name.json} and {@code name.md} into {@code dir}. */
    void write(Path dir, String name, String title) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".csv"), csv());
        Files.writeString(dir.resolve(name + ".json"), json());
        Files.writeString(dir.resolve(name + ".md"), "### " + title + "\n\n" + markdown());
    }

    String csv() {
        StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
        for (List<Object> r : rows) {
            StringJoiner j = new StringJoiner(",");
            r.forEach(v -> j.add(String.valueOf(v)));
            b.append(j).append('\n');
        }
        return b.toString();
    }

    String json() {
        StringJoiner all = new StringJoiner(",\n  ", "[\n  ", "\n]\n");
        for (List<Object> r : rows) {
            StringJoiner o = new StringJoiner(", ", "{", "}");
            for (int i = 0; i < columns.size(); i++) {
                Object v = r.get(i);
                String value = v instanceof Number ? String.valueOf(v) : "\"" + String.valueOf(v).replace("\"", "\\\"") + "\"";
                o.add("\"" + columns.get(i) + "\": " + value);
            }
            all.add(o.toString());
        }
        return rows.isEmpty() ? "[]\n" : all.toString();
    }

    String markdown() {
        StringBuilder b = new StringBuilder("| ").append(String.join(" | ", columns)).append(" |\n|");
        for (String c : columns) {
            b.append(c.equals("phase") ? "---|" : "---:|");
        }
        b.append('\n');
        for (List<Object> r : rows) {
            b.append("| ");
            StringJoiner j = new StringJoiner(" | ");
            r.forEach(v -> j.add(readable(v)));
            b.append(j).append(" |\n");
        }
        return b.toString();
    }

    private static String readable(Object v) {
        if (v instanceof Double d) {
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        if (v instanceof Long || v instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
        }
        return String.valueOf(v);
    }
}
