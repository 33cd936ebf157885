package org.blobsfile.tck;

import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The seed of a randomized test: one system property, {@value #PROPERTY}, fixes it for every test
 * in the build, and a failed test prints the seed it used and how to replay it. Register it on a
 * test class and ask it for the seed in each test:
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final RandomSeed SEED = new RandomSeed();
 *
 *     @Test
 *     void survivesAnyInput() {
 *         Random random = SEED.random();   // -Dblobsfile.seed=N, or a fresh seed per test
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>A test whose inputs stay fixed from run to run asks for {@link #seed(long)} with its default
 * instead; the property still overrides it. A failure of a test that took a seed ends with a
 * suppressed {@link Replay} in its stack trace and a line on standard error, both reading
 * {@code seed N; replay with -Dblobsfile.seed=N}. Seeds derived from it (one per thread or per
 * case) replay with it too, as long as the test derives them the same way.
 *
 * <p>Thread-safe: threads a test starts may ask for the seed. Tests of one class that run
 * concurrently should each register their own instance (a non-static field).
 */
public final class RandomSeed implements BeforeEachCallback, TestExecutionExceptionHandler {
    /** The system property that fixes the seed of every randomized test. */
    public static final String PROPERTY = "blobsfile.seed";

    private static final SplittableRandom FRESH = new SplittableRandom();

    /** The seeds handed out in the current test, in the order asked. */
    private final Set<Long> handedOut = new LinkedHashSet<>();
    private Long fresh;

    /** Creates the extension; a test gets its seed when it first asks for one. */
    public RandomSeed() {
    }

    /**
     * The seed of the current test: the value of {@value #PROPERTY} when set, otherwise a fresh
     * seed drawn on the test's first call and returned again by later calls in the same test.
     *
     * @return the seed
     */
    public long seed() {
        Long fixed = fromProperty();
        synchronized (this) {
            long s;
            if (fixed != null) {
                s = fixed;
            } else {
                if (fresh == null) {
                    synchronized (FRESH) {
                        fresh = FRESH.nextLong();
                    }
                }
                s = fresh;
            }
            handedOut.add(s);
            return s;
        }
    }

    /**
     * The seed of a test that keeps its inputs from run to run: the value of {@value #PROPERTY}
     * when set, otherwise {@code defaultSeed}.
     *
     * @param defaultSeed the seed when the property is not set
     * @return the seed
     */
    public long seed(long defaultSeed) {
        Long fixed = fromProperty();
        long s = fixed != null ? fixed : defaultSeed;
        synchronized (this) {
            handedOut.add(s);
        }
        return s;
    }

    /**
     * A random source seeded with {@link #seed()}. Each call returns a new source that starts
     * over, so two calls in one test see the same values.
     *
     * @return a new random source
     */
    public Random random() {
        return new Random(seed());
    }

    /**
     * The value of {@value #PROPERTY}.
     *
     * @return the seed it fixes, or null when it is not set
     * @throws IllegalArgumentException if it is set to something that is not a number
     */
    public static Long fromProperty() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Long.decode(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is not a number", e);
        }
    }

    /**
     * Forgets the seeds of the previous test.
     *
     * @param context the test about to run
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (this) {
            handedOut.clear();
            fresh = null;
        }
    }

    /**
     * Attaches the seeds the test took to its failure and prints the replay line, then rethrows.
     *
     * @param context the failed test
     * @param failure what it threw
     * @throws Throwable {@code failure}, always
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        String line = replayLine();
        if (line != null) {
            failure.addSuppressed(new Replay(line));
            System.err.printf("%s %s failed: %s%n", context.getRequiredTestClass().getName(), context.getDisplayName(), line);
        }
        throw failure;
    }

    /** @return what replays the current test, or null when it took no seed */
    private synchronized String replayLine() {
        if (handedOut.isEmpty()) {
            return null;
        }
        if (handedOut.size() == 1) {
            long s = handedOut.iterator().next();
            return "seed " + s + "; replay with -D" + PROPERTY + "=" + s;
        }
        String all = handedOut.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return "seeds " + all + "; replay one with -D" + PROPERTY + "=<seed>";
    }

    /** The note a failed test carries, as a suppressed exception, naming its seed. */
    public static final class Replay extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the note.
         *
         * @param message the seed and the replay option
         */
        public Replay(String message) {
            super(message, null, false, false);
        }
    }
}
