package org.blobsfile.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders the report's rows as Markdown tables and as CSV. */
final class ReportWriter {
    private ReportWriter() {
    }

    /**
     * @param title    the document's heading
     * @param preamble lines shown under it as a code block (the machine and settings), or empty
     * @param rows     the rows
     * @return the Markdown: one table per section, then the targets
     */
    static String markdown(String title, List<String> preamble, List<Row> rows) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        if (!preamble.isEmpty()) {
            md.append("```\n");
            preamble.forEach(l -> md.append(l).append('\n'));
            md.append("```\n\n");
        }
        md.append("Scores are JMH's, ± its 99.9 % confidence half-width (left out with one iteration). "
                + "MB = 2^20 bytes. Each section's last column divides the row's figure by the same figure of the "
                + "section's baseline, measured in this run: above 1 is faster than the baseline.\n\n");
        for (Map.Entry<String, List<Row>> e : bySection(rows).entrySet()) {
            List<Row> rs = e.getValue();
            md.append("## ").append(e.getKey()).append("\n\n");
            String note = Report.note(e.getKey());
            if (note != null) {
                md.append(note).append(' ');
            }
            md.append("Baseline: ").append(rs.get(0).baseline()).append(".\n\n");
            boolean alloc = rs.stream().anyMatch(r -> !Double.isNaN(r.allocPerOp()));
            String unit = rs.get(0).valueUnit();
            md.append("| workload | variant | threads | score | ").append(unit).append(" |");
            if (alloc) {
                md.append(" allocated B/op |");
            }
            md.append(" vs baseline |\n|---|---|---:|---:|---:|");
            if (alloc) {
                md.append("---:|");
            }
            md.append("---:|\n");
            for (Row r : rs) {
                JmhRun run = r.run();
                String err = Double.isNaN(run.error()) ? "" : " ± " + Format.number(run.error());
                md.append("| ").append(r.workload()).append(" | ").append(r.variant()).append(" | ").append(run.threads())
                        .append(" | ").append(Format.number(run.score())).append(err).append(' ').append(run.unit())
                        .append(" | ").append(Format.number(r.value())).append(" |");
                if (alloc) {
                    md.append(' ').append(Format.number(r.allocPerOp())).append(" |");
                }
                md.append(' ').append(Format.ratio(r.ratio())).append(" |\n");
            }
            md.append('\n');
        }
        List<String> targets = Report.targets(rows);
        if (!targets.isEmpty()) {
            md.append("## Targets of issue 6 this run can check\n\n");
            targets.forEach(t -> md.append(t).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    /** @return one header line and one line per row, every number unformatted */
    static String csv(List<Row> rows) {
        StringBuilder csv = new StringBuilder("section,benchmark,method,workload,variant,threads,params,score,score_error,"
                + "score_unit,value,value_unit,alloc_bytes_per_op,baseline,ratio\n");
        for (Row r : rows) {
            JmhRun run = r.run();
            String params = run.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(";"));
            List<String> cells = new ArrayList<>(List.of(r.section(), run.benchmarkClass(), run.method(), r.workload(),
                    r.variant(), String.valueOf(run.threads()), params, plain(run.score()), plain(run.error()), run.unit(),
                    plain(r.value()), r.valueUnit(), plain(r.allocPerOp()), r.baseline(), plain(r.ratio())));
            csv.append(cells.stream().map(ReportWriter::quote).collect(Collectors.joining(","))).append('\n');
        }
        return csv.toString();
    }

    static Map<String, List<Row>> bySection(List<Row> rows) {
        Map<String, List<Row>> m = new LinkedHashMap<>();
        rows.forEach(r -> m.computeIfAbsent(r.section(), k -> new ArrayList<>()).add(r));
        return m;
    }

    private static String plain(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
