package org.blobsfile.tck;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the random seed of a failed contract test, so the failure can be replayed with
 * {@code -Dblobsfile.tck.seed=...}.
 */
final class SeedReporter implements TestWatcher {
    /** The system property that fixes the seed of every contract test. */
    static final String SEED_PROPERTY = "blobsfile.tck.seed";

    private final LongSupplier seed;

    SeedReporter(LongSupplier seed) {
        this.seed = seed;
    }

    /** @return the seed given on the command line, or a fresh one */
    static long newSeed() {
        Long fixed = Long.getLong(SEED_PROPERTY);
        return fixed != null ? fixed : System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.printf("%s failed; replay with -D%s=%d%n", context.getDisplayName(), SEED_PROPERTY, seed.getAsLong());
    }
}
