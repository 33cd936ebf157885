package org.blobsfile.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Formats byte counts and ratios for people. It never uses {@link java.util.Formatter}, whose first
 * number formatted sets up locale data for tens of milliseconds: the short commands print these.
 */
final class Sizes {
    private Sizes() {
    }

    /**
     * @param bytes a byte count
     * @return it with a binary unit, for example {@code 1.5 MiB}; exact below 1 KiB
     */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return decimal(v, 1) + " " + units[u];
    }

    /**
     * @param v      a finite number, not negative (a negative one rounding to zero loses its sign)
     * @param places the digits to keep after the point
     * @return {@code v} rounded half up to {@code places} digits, as {@code %.Nf} prints it in the
     *         root locale
     */
    static String decimal(double v, int places) {
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).toPlainString();
    }
}
