package org.blobsfile.bench;

import java.util.SplittableRandom;

/**
 * Distinct blobs of one size, made cheaply: a buffer filled with random bytes once, whose first
 * eight bytes are overwritten with a counter for each blob. Random content keeps compressing
 * codecs honest; the counter makes every blob's hash new, so no put is deduplicated. Sources
 * made with distinct stream numbers (one per writing thread) never make the same blob either:
 * the stream number sits in the next eight bytes.
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
     * A source whose blobs differ from those of every source with the same seed and another
     * stream number, as long as blobs have at least 16 bytes.
     *
     * @param size   bytes per blob, at least 16
     * @param seed   seed of the random content
     * @param stream this source's number, e.g. the index of the thread using it
     * @throws IllegalArgumentException if {@code size} is below 16
     */
    public BlobSource(int size, long seed, long stream) {
        this(size, seed);
        if (size < 2 * Long.BYTES) {
            throw new IllegalArgumentException("blobs of a numbered stream need at least 16 bytes, got " + size);
        }
        for (int i = 0; i < Long.BYTES; i++) {
            buffer[Long.BYTES + i] = (byte) (stream >>> (8 * i));
        }
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
