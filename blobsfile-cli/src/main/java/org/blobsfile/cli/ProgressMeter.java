package org.blobsfile.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.blobsfile.api.Progress;

/**
 * Shows how far a long command has got, on standard error so that standard output stays the
 * command's own output. On a terminal it redraws one bar in place (at most ten times a second);
 * elsewhere (a log, a pipe) it writes a plain line every few seconds, so a CI log shows that
 * the command is alive without filling up. Thread-safe: the store may report from its own thread.
 */
final class ProgressMeter implements Progress, AutoCloseable {
    /** How progress is shown. */
    enum Mode {
        /** a bar redrawn in place with carriage returns */
        BAR,
        /** a line now and then */
        PLAIN,
        /** nothing */
        NONE
    }

    static final long BAR_INTERVAL_NANOS = 100_000_000L;
    static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final String label;
    private final Mode mode;
    private final LongSupplier nanoClock;
    private final long started;
    private long lastShown;
    private boolean drawn;
    private int lastWidth;
    private long files = -1;
    private long totalFiles = -1;
    private long done;
    private long total;

    /**
     * @param err       where to draw
     * @param label     the command, shown first
     * @param mode      how to draw
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
     */
    ProgressMeter(PrintStream err, String label, Mode mode, LongSupplier nanoClock) {
        this.err = err;
        this.label = label;
        this.mode = mode;
        this.nanoClock = nanoClock;
        this.started = nanoClock.getAsLong();
        this.lastShown = started;
    }

    /**
     * Records a count of files next to the bytes; shown from the next update on.
     *
     * @param doneFiles  files processed
     * @param totalFiles files to process
     */
    synchronized void files(long doneFiles, long totalFiles) {
        this.files = doneFiles;
        this.totalFiles = totalFiles;
    }

    @Override
    public synchronized void update(long doneBytes, long totalBytes) {
        this.done = doneBytes;
        this.total = totalBytes;
        long now = nanoClock.getAsLong();
        long interval = mode == Mode.BAR ? BAR_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
        if (mode == Mode.NONE || now - lastShown < interval) {
            return;
        }
        lastShown = now;
        if (mode == Mode.BAR) {
            String line = barLine(now);
            // pad over the remains of a longer previous line
            int pad = Math.max(0, lastWidth - line.length());
            err.print("\r" + line + " ".repeat(pad));
            lastWidth = line.length();
            drawn = true;
        } else {
            err.println(plainLine(now));
        }
        err.flush();
    }

    /** Removes the bar, so that what the command prints next starts on a clean line. */
    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            drawn = false;
        }
    }

    /** @return the bar as it would be drawn now */
    synchronized String barLine(long now) {
        int percent = percent();
        int filled = (int) ((long) BAR_WIDTH * percent / 100);
        StringBuilder sb = new StringBuilder(label).append("  [")
                .append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ")
                .append(String.format(Locale.ROOT, "%3d%%", percent));
        if (totalFiles >= 0) {
            sb.append("  ").append(files).append('/').append(totalFiles).append(" files");
        }
        sb.append("  ").append(Sizes.human(done)).append(" / ").append(Sizes.human(total))
                .append("  ").append(rate(now)).append("  ETA ").append(eta(now));
        return sb.toString();
    }

    /** @return the line plain mode prints now */
    synchronized String plainLine(long now) {
        StringBuilder sb = new StringBuilder(label).append(": ").append(percent()).append('%');
        if (totalFiles >= 0) {
            sb.append(", ").append(files).append(" of ").append(totalFiles).append(" files");
        }
        sb.append(", ").append(Sizes.human(done)).append(" of ").append(Sizes.human(total))
                .append(", ").append(rate(now)).append(", ETA ").append(eta(now));
        return sb.toString();
    }

    private int percent() {
        if (total <= 0) {
            return 100;
        }
        return (int) Math.min(100, Math.max(0, done * 100 / total));
    }

    private double bytesPerSecond(long now) {
        long elapsed = now - started;
        return elapsed <= 0 ? 0 : done * 1e9 / elapsed;
    }

    private String rate(long now) {
        return Sizes.human((long) bytesPerSecond(now)) + "/s";
    }

    private String eta(long now) {
        double rate = bytesPerSecond(now);
        if (rate <= 0) {
            return "--:--";
        }
        long seconds = (long) Math.ceil(Math.max(0, total - done) / rate);
        return clock(seconds);
    }

    /**
     * @param seconds a duration
     * @return it as {@code m:ss}, or {@code h:mm:ss} from an hour on
     */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
