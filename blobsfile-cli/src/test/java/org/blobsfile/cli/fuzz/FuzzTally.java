package org.blobsfile.cli.fuzz;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of a run: per damage kind and per operation, how many cases ran and how often each
 * invariant broke, plus the first counterexamples with the command that replays each. Thread-safe.
 */
final class FuzzTally {
    /** Counterexamples kept per kind and column, and printed at most. */
    private static final int EXAMPLES_PER_CELL = 1;
    private static final int EXAMPLES_SHOWN = 60;

    /** One case's outcome. */
    record Outcome(FuzzCase c, String damage, List<Finding> findings) {
    }

    private final long runSeed;
    private final Map<String, Row> byKind = new LinkedHashMap<>();
    private final Map<String, Row> byOp = new LinkedHashMap<>();
    private final List<Outcome> examples = new ArrayList<>();
    /** Every case that broke an invariant, in the order they finished. */
    private final List<Outcome> failures = new ArrayList<>();
    private final Map<String, Integer> examplesPerCell = new LinkedHashMap<>();

    /** Counts of one line of the table. */
    private static final class Row {
        int cases;
        int failing;
        final Map<Column, Integer> counts = new EnumMap<>(Column.class);
    }

    FuzzTally(long runSeed) {
        this.runSeed = runSeed;
        for (DamageKind k : DamageKind.values()) {
            byKind.put(k.label(), new Row());
        }
        for (FuzzCase.Op op : FuzzCase.Op.values()) {
            byOp.put(op.name().toLowerCase(Locale.ROOT), new Row());
        }
    }

    synchronized void add(Outcome o) {
        count(byKind.get(o.c().kind().label()), o);
        if (!o.findings().isEmpty()) {
            failures.add(o);
        }
        count(byOp.get(o.c().op().name().toLowerCase(Locale.ROOT)), o);
        for (Column col : o.findings().stream().map(Finding::column).distinct().toList()) {
            String cell = o.c().kind().label() + "/" + col;
            int n = examplesPerCell.merge(cell, 1, Integer::sum);
            if (n <= EXAMPLES_PER_CELL && !examples.contains(o)) {
                examples.add(o);
            }
        }
    }

    private static void count(Row row, Outcome o) {
        row.cases++;
        if (!o.findings().isEmpty()) {
            row.failing++;
        }
        for (Finding f : o.findings()) {
            row.counts.merge(f.column(), 1, Integer::sum);
        }
    }

    synchronized int failingCases() {
        return byKind.values().stream().mapToInt(r -> r.failing).sum();
    }

    synchronized int cases() {
        return byKind.values().stream().mapToInt(r -> r.cases).sum();
    }

    /** @return the replay option list of one case */
    String replay(FuzzCase c) {
        return "mvn -B surefire:test@mutation-fuzz -pl blobsfile-cli -Dblobsfile.seed=" + runSeed
                + " -Dblobsfile.fuzz.case=" + c.number();
    }

    /** Prints both tables and the counterexamples. */
    synchronized void print(PrintStream out) {
        out.println(table("damage kind", byKind));
        out.println(table("operation", byOp));
        out.println("Counts are findings: blobs for wrong/back/lost/hidden/unnamed, events for the rest.");
        out.println("wrong: bytes returned that are not the blob's; back: a deleted blob there again;"
                + " lost: readable before the operation, not after;"
                + " hidden: entry intact on disk, blob unreadable; unnamed: unreadable after repair, named in no report"
                + " or note; inexact: <= 2 damaged shards not restored byte for byte; blind: verify clean or repair"
                + " complete with an unreadable indexed blob; unopen: the store would not open;"
                + " crash: an exception that is not a BlobStoreException, or one from verify, repair or reindex;"
                + " exit: exit code outside the contract or an exception on stderr; hang: over the case timeout;"
                + " alloc: OutOfMemoryError or far more allocation than the store's size.");
        if (!examples.isEmpty()) {
            out.println();
            out.println("First counterexamples (" + Math.min(EXAMPLES_SHOWN, examples.size()) + " of " + examples.size()
                    + " kept):");
            for (Outcome o : examples.subList(0, Math.min(EXAMPLES_SHOWN, examples.size()))) {
                out.println("- " + o.c() + " (case seed " + o.c().seed() + ")");
                out.println("    damage: " + o.damage());
                o.findings().stream().limit(4).forEach(f -> out.println("    " + f.column().header + ": " + f.message()));
                if (o.findings().size() > 4) {
                    out.println("    ... " + (o.findings().size() - 4) + " more findings");
                }
                out.println("    replay: " + replay(o.c()));
            }
        }
    }

    /** Prints one line per failing case, sorted by case number, for a complete record of the run. */
    synchronized void printFailures(PrintStream out) {
        failures.stream().sorted(java.util.Comparator.comparingInt(o -> o.c().number())).forEach(o -> {
            out.println(o.c() + "; damage: " + o.damage());
            o.findings().forEach(f -> out.println("    " + f.column().header + ": " + f.message()));
            out.println("    replay: " + replay(o.c()));
        });
    }

    private static String table(String first, Map<String, Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %6s %7s", first, "cases", "failing"));
        for (Column col : Column.values()) {
            sb.append(String.format(Locale.ROOT, " %7s", col.header));
        }
        sb.append('\n');
        Row total = new Row();
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            line(sb, e.getKey(), e.getValue());
            total.cases += e.getValue().cases;
            total.failing += e.getValue().failing;
            e.getValue().counts.forEach((k, v) -> total.counts.merge(k, v, Integer::sum));
        }
        line(sb, "total", total);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, Row row) {
        sb.append(String.format(Locale.ROOT, "%-16s %6d %7d", name, row.cases, row.failing));
        for (Column col : Column.values()) {
            sb.append(String.format(Locale.ROOT, " %7d", row.counts.getOrDefault(col, 0)));
        }
        sb.append('\n');
    }
}
