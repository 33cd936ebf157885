package org.blobsfile.bench.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the report's chart: one bar chart per section, each bar a run's ratio to its section's
 * baseline (the baseline itself is the bar at 1), so sections of very different units sit
 * side by side on one image.
 *
 * <pre>java -cp benchmarks.jar org.blobsfile.bench.report.ChartMain results.json results.png</pre>
 */
public final class ChartMain {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;

    private ChartMain() {
    }

    /**
     * @param args the JMH result file and the PNG to write
     * @throws IOException if reading or writing fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ChartMain results.json results.png");
            System.exit(2);
        }
        List<Row> rows = Report.rows(JmhRun.parse(Files.readString(Paths.get(args[0]))));
        write(rows, Paths.get(args[1]));
    }

    /**
     * Writes the chart of {@code rows} as a PNG.
     *
     * @param rows the report's rows
     * @param png  where to write
     * @throws IOException if writing fails
     */
    static void write(List<Row> rows, Path png) throws IOException {
        // charts are drawn off screen; a machine without a display must not need one
        System.setProperty("java.awt.headless", "true");
        List<CategoryChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : ReportWriter.bySection(rows).entrySet()) {
            List<Row> rs = e.getValue().stream().filter(r -> !Double.isNaN(r.ratio())).toList();
            if (!rs.isEmpty()) {
                charts.add(chart(e.getKey(), rs));
            }
        }
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("no run has a baseline to be drawn against");
        }
        int cols = charts.size() == 1 ? 1 : 2;
        int rowsOfCharts = (charts.size() + cols - 1) / cols;
        // drawn onto one image here: XChart's own grid asks for a chart in every cell, so an odd
        // number of sections would fail
        BufferedImage image = new BufferedImage(cols * WIDTH, rowsOfCharts * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * WIDTH, (i / cols) * HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer for " + png);
        }
    }

    private static CategoryChart chart(String section, List<Row> rows) {
        Set<String> workloads = new LinkedHashSet<>();
        Set<String> variants = new LinkedHashSet<>();
        for (Row r : rows) {
            workloads.add(r.workload());
            variants.add(r.variant());
        }
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(section)
                .xAxisTitle("").yAxisTitle("× " + rows.get(0).baseline()).build();
        Styler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setXAxisLabelRotation(workloads.size() > 4 ? 20 : 0);
        c.getStyler().setAvailableSpaceFill(0.8);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("0.##");
        List<String> xs = new ArrayList<>(workloads);
        for (String v : variants) {
            List<Double> ys = new ArrayList<>();
            for (String w : xs) {
                // a workload the variant did not run gets no bar rather than a misleading zero
                ys.add(rows.stream().filter(r -> r.workload().equals(w) && r.variant().equals(v)).map(Row::ratio)
                        .findFirst().orElse(null));
            }
            c.addSeries(v, xs, ys);
        }
        return c;
    }
}
