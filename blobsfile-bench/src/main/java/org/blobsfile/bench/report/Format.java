package org.blobsfile.bench.report;

import java.util.Locale;

/** Numbers as the tables show them: about three significant digits, thousands separated. */
final class Format {
    private Format() {
    }

    /** @return e.g. {@code 152,301}, {@code 35.2}, {@code 0.413}; {@code –} for NaN */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** @return e.g. {@code 1.23×}; {@code –} for NaN */
    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.2f×", v);
    }
}
