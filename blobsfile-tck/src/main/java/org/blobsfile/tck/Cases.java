package org.blobsfile.tck;

/**
 * How many random cases a generated test runs: its own count times the factor in the system
 * property {@value #PROPERTY} (1 when unset; the {@code soak} profile raises it). Tests call
 * {@code for (int i = 0; i < Cases.scaled(40); i++)} and stay quick in a developer's build.
 *
 * <p>Stateless and thread-safe.
 */
public final class Cases {
    /** The system property that multiplies the case count of every generated test. */
    public static final String PROPERTY = "blobsfile.cases";

    private Cases() {
    }

    /**
     * A test's case count, scaled.
     *
     * @param count the count the test runs by default, at least 1
     * @return {@code count} times the factor, at least 1
     * @throws IllegalArgumentException if the property is set to something that is not a positive
     *     number
     */
    public static int scaled(int count) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return Math.max(1, count);
        }
        int factor;
        try {
            factor = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is not a number", e);
        }
        if (factor < 1) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " must be at least 1");
        }
        return Math.max(1, (int) Math.min(Integer.MAX_VALUE, (long) count * factor));
    }
}
