package org.blobsfile.core.internal.store;

/**
 * Holds a maintenance task to a rate in bytes per second: each {@link #acquire} of {@code n}
 * bytes returns no sooner than the bytes acquired so far take at that rate since the first
 * acquire. Sleeping here paces the task; it synchronises nothing.
 */
final class RateLimit {
    private final long bytesPerSecond;
    private long startNanos = -1;
    private long acquired;

    /** @param bytesPerSecond the rate; 0 for none */
    RateLimit(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * @param unlimited the chunk without a rate limit
     * @param least     the smallest chunk
     * @param millis    under a rate limit, a chunk is what the rate moves in this many milliseconds
     * @return how many bytes to move at a time: the smaller under a slower rate, so that each
     *         chunk costs the puts whose group commit carries it less
     */
    long chunk(long unlimited, long least, long millis) {
        if (bytesPerSecond <= 0) {
            return unlimited;
        }
        return Math.max(least, Math.min(unlimited, bytesPerSecond * millis / 1000));
    }

    /** Waits until {@code bytes} more may go at the rate. An interrupt ends the wait early and is kept. */
    void acquire(long bytes) {
        if (bytesPerSecond <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        // the bytes before these set when these may start: a first chunk goes at once
        long dueNanos = startNanos + (long) (acquired * 1e9 / bytesPerSecond);
        acquired += bytes;
        long wait = dueNanos - now;
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
