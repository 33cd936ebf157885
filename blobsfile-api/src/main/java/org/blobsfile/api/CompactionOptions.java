package org.blobsfile.api;

/**
 * How {@link BlobStore#compact(CompactionOptions, Progress)} chooses and rewrites packs. Immutable.
 *
 * @param minGarbagePercent a sealed pack is rewritten once its dead bytes (deleted blobs,
 *                          copies of blobs stored elsewhere) reach this percentage of its data
 *                          area, from 0 (every pack with any garbage) to 100
 * @param bytesPerSecond    the most live bytes moved per second; 0 for no limit
 */
public record CompactionOptions(double minGarbagePercent, long bytesPerSecond) {
    /** The threshold compaction uses unless told otherwise: a quarter of the data area. */
    public static final double DEFAULT_MIN_GARBAGE_PERCENT = 25;

    /**
     * Checks the values.
     *
     * @param minGarbagePercent the garbage threshold, a percentage from 0 to 100
     * @param bytesPerSecond    the rate limit, 0 for none
     */
    public CompactionOptions {
        if (!(minGarbagePercent >= 0 && minGarbagePercent <= 100)) {
            throw new IllegalArgumentException("the garbage threshold must be a percentage from 0 to 100, not "
                    + minGarbagePercent);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the rate limit must be 0 (none) or more bytes per second, not "
                    + bytesPerSecond);
        }
    }

    /** @return the default threshold ({@value #DEFAULT_MIN_GARBAGE_PERCENT}%) and no rate limit */
    public static CompactionOptions defaults() {
        return new CompactionOptions(DEFAULT_MIN_GARBAGE_PERCENT, 0);
    }

    /**
     * @param percent the garbage threshold, a percentage from 0 to 100
     * @return these options with that threshold
     */
    public CompactionOptions withMinGarbagePercent(double percent) {
        return new CompactionOptions(percent, bytesPerSecond);
    }

    /**
     * @param rate the most live bytes to move per second, 0 for no limit
     * @return these options with that rate limit
     */
    public CompactionOptions withBytesPerSecond(long rate) {
        return new CompactionOptions(minGarbagePercent, rate);
    }
}
