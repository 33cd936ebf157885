package org.blobsfile.bench;

import java.util.SplittableRandom;

/**
 * Distinct blobs of one size, made cheaply: a buffer filled with random bytes once, whose first
 * eight bytes are overwritten with a counter for each blob. Random content keeps compressing
 * codecs honest; the counter makes every blob's hash new, so no put is deduplicated.
 *
 * <p>Not thread-safe: {@link #next()} hands out the same array each time.
 */
public final class BlobSource {
    private final byte[] buffer;
    private long counter;

    /**
     * @param size bytes per blob
     * @param seed seed of the random content, so runs store the same bytes
     */
    public BlobSource(int size, long seed) {
        buffer = new byte[size];
        new SplittableRandom(seed).nextBytes(buffer);
    }

    /**
     * @return the next blob; the same array as the previous call, changed, so callers must be
     *         done with a blob before asking for the next
     */
    public byte[] next() {
        long n = ++counter;
        // a blob shorter than the counter still differs from the last one in what bytes it has
        for (int i = 0; i < Math.min(Long.BYTES, buffer.length); i++) {
            buffer[i] = (byte) (n >>> (8 * i));
        }
        return buffer;
    }
}
