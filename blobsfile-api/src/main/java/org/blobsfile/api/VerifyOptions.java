package org.blobsfile.api;

import java.time.Duration;

/**
 * How {@link BlobStore#verify(VerifyOptions, Progress)} checks. Immutable.
 *
 * <p>Every verify records each pack it checks, with the time and the result, in the store's
 * verify ledger, and checks packs in the ledger's order: the packs never verified first, then the
 * one verified longest ago. So a run bounded by {@code maxDuration} or {@code olderThan} goes on
 * where the last one stopped, and repeated bounded runs cover the whole store.
 *
 * @param readArchiveWhole for a pack evicted to the archive: read its whole archived copy and
 *                         compare its digest (true), or check a sample of its entries by ranged
 *                         reads against their hashes (false, the default)
 * @param maxDuration      start no pack after this much time has passed (the pack under way is
 *                         finished, and at least one pack is checked); null for no bound
 * @param olderThan        skip the packs verified less than this long ago; null to check every pack
 * @param bytesPerSecond   read the packs at most this fast; 0 for no limit
 */
public record VerifyOptions(boolean readArchiveWhole, Duration maxDuration, Duration olderThan, long bytesPerSecond) {
    /** The defaults: every pack, no rate limit, evicted packs checked by a sample of ranged reads. */
    public static final VerifyOptions DEFAULT = new VerifyOptions(false);

    /**
     * Checks the bounds.
     *
     * @param readArchiveWhole whether an evicted pack's archived copy is read whole
     * @param maxDuration      start no pack after this much time; null for no bound
     * @param olderThan        skip packs verified less than this long ago; null for none
     * @param bytesPerSecond   the read rate; 0 for no limit
     * @throws IllegalArgumentException if a duration is negative or the rate below 0
     */
    public VerifyOptions {
        if (maxDuration != null && maxDuration.isNegative()) {
            throw new IllegalArgumentException("maxDuration must not be negative, got " + maxDuration);
        }
        if (olderThan != null && olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative, got " + olderThan);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be at least 0 (no limit), got " + bytesPerSecond);
        }
    }

    /**
     * Every pack, no rate limit.
     *
     * @param readArchiveWhole whether an evicted pack's archived copy is read whole
     */
    public VerifyOptions(boolean readArchiveWhole) {
        this(readArchiveWhole, null, null, 0);
    }

    /**
     * @param d start no pack after this much time; null for no bound
     * @return these options with that bound
     */
    public VerifyOptions withMaxDuration(Duration d) {
        return new VerifyOptions(readArchiveWhole, d, olderThan, bytesPerSecond);
    }

    /**
     * @param d skip packs verified less than this long ago; null to check every pack
     * @return these options with that bound
     */
    public VerifyOptions withOlderThan(Duration d) {
        return new VerifyOptions(readArchiveWhole, maxDuration, d, bytesPerSecond);
    }

    /**
     * @param rate the read rate in bytes per second; 0 for no limit
     * @return these options with that rate
     */
    public VerifyOptions withRate(long rate) {
        return new VerifyOptions(readArchiveWhole, maxDuration, olderThan, rate);
    }
}
