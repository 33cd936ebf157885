package org.blobsfile.cli;

import java.util.Locale;

/** Formats byte counts for people. */
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
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
