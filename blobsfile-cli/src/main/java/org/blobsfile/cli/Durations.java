package org.blobsfile.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The durations the command line takes: a whole number and a unit, such as {@code 500ms}, {@code 30s} or {@code 7d}. */
final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @param option the option's name, for the error
     * @param text   its value
     * @return the duration it spells
     * @throws CliException (usage) if it spells none
     */
    static Duration parse(String option, String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, option + " must be a whole number and a unit (ms, s,"
                    + " m, h or d), such as 500ms, 30s, 5m, 2h or 7d, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        try {
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        } catch (ArithmeticException e) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, option + " " + text + " is longer than can be counted");
        }
    }
}
