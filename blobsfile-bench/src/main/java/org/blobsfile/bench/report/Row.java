package org.blobsfile.bench.report;

/**
 * One measured number of the report, with its ratio to the baseline of its section.
 *
 * @param section    the table it belongs to, e.g. {@code Random warm gets}
 * @param run        the JMH result it comes from
 * @param workload   what was measured, e.g. {@code 4 KiB}; the chart's category
 * @param variant    who or how, e.g. an engine name; the chart's series
 * @param value      the figure compared, in {@code valueUnit} (higher is better)
 * @param valueUnit  e.g. {@code MB/s}
 * @param baseline   the variant this row is compared with, described
 * @param ratio      {@code value} over the baseline's, NaN when the run lacks the baseline
 */
public record Row(String section, JmhRun run, String workload, String variant, double value, String valueUnit,
                  String baseline, double ratio) {

    /** @return bytes allocated per operation, when the run had {@code -prof gc}; else NaN */
    public double allocPerOp() {
        Double a = run.secondary().get("gc.alloc.rate.norm");
        return a == null ? Double.NaN : a;
    }
}
