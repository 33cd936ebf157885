package org.blobsfile.bench.growth;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the resident set every few milliseconds on a daemon thread and keeps the largest
 * figure since the last {@link #takeMax()}: a cross-check on the kernel's peak, and the only
 * per-phase peak where the kernel cannot reset its own.
 */
final class RssSampler implements AutoCloseable {
    private final AtomicLong max = new AtomicLong(-1);
    private final Thread thread;
    private volatile boolean stop;

    /** @param periodMillis time between samples */
    RssSampler(long periodMillis) {
        thread = new Thread(() -> {
            while (!stop) {
                long rss = ProcessMemory.rss();
                max.accumulateAndGet(rss, Math::max);
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the largest resident set seen since the last call, and starts a new maximum from now */
    long takeMax() {
        long now = ProcessMemory.rss();
        return Math.max(now, max.getAndSet(now));
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}
