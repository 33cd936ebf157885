package org.blobsfile.api;

import java.util.Locale;
import java.util.Optional;

/**
 * Which blobs {@link BlobStore#enumerate(Range)} lists: an optional start, end and hex prefix,
 * and a limit. Immutable and thread-safe.
 */
public final class Range {
    private static final Range ALL = new Range(null, null, "", Long.MAX_VALUE);

    private final BlobRef from;
    private final BlobRef to;
    private final String prefix;
    private final long limit;

    private Range(BlobRef from, BlobRef to, String prefix, long limit) {
        this.from = from;
        this.to = to;
        this.prefix = prefix;
        this.limit = limit;
    }

    /** @return every blob */
    public static Range all() {
        return ALL;
    }

    /**
     * @param hex leading hex digits (any count from 0 to 64, either case)
     * @return the blobs whose hex form starts with {@code hex}
     * @throws IllegalArgumentException if {@code hex} is not hex or too long
     */
    public static Range prefix(String hex) {
        return ALL.withPrefix(hex);
    }

    /**
     * @param from the first reference the range may hold
     * @return this range starting at {@code from}, inclusive
     */
    public Range from(BlobRef from) {
        return new Range(from, to, prefix, limit);
    }

    /**
     * @param to the first reference past the range
     * @return this range ending before {@code to}, exclusive
     */
    public Range to(BlobRef to) {
        return new Range(from, to, prefix, limit);
    }

    /**
     * @param limit the most blobs the range yields, 0 or more
     * @return this range with at most {@code limit} blobs
     */
    public Range limit(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        return new Range(from, to, prefix, limit);
    }

    /**
     * @param hex leading hex digits (any count from 0 to 64, either case)
     * @return this range restricted to blobs whose hex form starts with {@code hex}
     */
    public Range withPrefix(String hex) {
        String p = hex.toLowerCase(Locale.ROOT);
        if (p.length() > BlobRef.LENGTH * 2 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("a prefix is up to 64 hex digits, got '" + hex + "'");
        }
        return new Range(from, to, p, limit);
    }

    /** @return the inclusive start, if any */
    public Optional<BlobRef> from() {
        return Optional.ofNullable(from);
    }

    /** @return the exclusive end, if any */
    public Optional<BlobRef> to() {
        return Optional.ofNullable(to);
    }

    /** @return the lowercase hex prefix, empty for none */
    public String prefix() {
        return prefix;
    }

    /** @return the most blobs to list */
    public long limit() {
        return limit;
    }
}
