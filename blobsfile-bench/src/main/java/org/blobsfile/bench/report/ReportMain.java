package org.blobsfile.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a results directory from the JMH result files of one suite run: {@code results.json}
 * (the runs of every given file, in one JMH JSON array), {@code results.md} (Markdown tables
 * with ratios to each section's baseline, and the targets), {@code results.csv} (the
 * same rows, numbers unformatted) and {@code results.png} (the ratios as bar charts).
 *
 * <pre>java -cp benchmarks.jar org.blobsfile.bench.report.ReportMain DIR [PART.json...]</pre>
 *
 * <p>Without part files it reads {@code DIR/results.json} as it is. {@code DIR/env.txt}, when
 * present, is shown at the top of the Markdown.
 */
public final class ReportMain {
    private ReportMain() {
    }

    /**
     * @param args the results directory, then the JMH result files to merge into it
     * @throws IOException if reading or writing fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ReportMain DIR [PART.json...]");
            System.exit(2);
        }
        Path dir = Paths.get(args[0]);
        Path json = dir.resolve("results.json");
        if (args.length > 1) {
            List<Path> parts = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                parts.add(Paths.get(args[i]));
            }
            Files.writeString(json, merge(parts));
        }
        List<Row> rows = Report.rows(JmhRun.parse(Files.readString(json)));
        Path env = dir.resolve("env.txt");
        List<String> preamble = Files.exists(env) ? Files.readAllLines(env) : List.of();
        String title = "Benchmarks, " + dir.getFileName();
        Files.writeString(dir.resolve("results.md"), ReportWriter.markdown(title, preamble, rows));
        Files.writeString(dir.resolve("results.csv"), ReportWriter.csv(rows));
        ChartMain.write(rows, dir.resolve("results.png"));
        System.out.print(Files.readString(dir.resolve("results.md")));
    }

    /**
     * Joins JMH result files into one array, keeping each run's JSON exactly as JMH wrote it.
     *
     * @param parts JMH {@code -rf json} files; a missing or empty one (a run that failed before
     *              writing) adds nothing
     * @return one JSON array
     * @throws IOException if reading fails
     */
    static String merge(List<Path> parts) throws IOException {
        List<String> bodies = new ArrayList<>();
        for (Path p : parts) {
            if (!Files.exists(p)) {
                continue;
            }
            String t = Files.readString(p).strip();
            if (t.isEmpty()) {
                continue;
            }
            if (!t.startsWith("[") || !t.endsWith("]")) {
                throw new IllegalArgumentException(p + " is not a JMH result array");
            }
            String body = t.substring(1, t.length() - 1).strip();
            if (!body.isEmpty()) {
                bodies.add(body);
            }
        }
        return "[\n    " + String.join(",\n    ", bodies) + "\n]\n";
    }
}
