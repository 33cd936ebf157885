package org.blobsfile.core.internal.index;

/**
 * The totals of some index entries and the sum of their {@link KeyDigest}s, added up as the
 * entries are written or walked. Two tallies with the same count and digest sum hold the same
 * entries (keys, offsets, payload lengths and codecs) but by a 2<sup>-64</sup> chance, which is
 * how a rebuild learns, without a walk of the index it built, that it holds exactly the keys of
 * the index it replaces. Not thread-safe: one per thread, then added up.
 */
final class EntryTally {
    /** The length of a blob hash, the keys a digest covers. */
    private static final int KEY_LENGTH = 32;

    private long blobs;
    private long bytes;
    private long storedBytes;
    private long digest;
    /** Whether a key was not a 32-byte hash, which a digest does not cover: such a tally equals none. */
    private boolean odd;

    /** Counts one entry, described by its fields as a rebuild has them, without a {@link Location}. */
    void add(byte[] key, long offset, long storedSize, long size, int codecId) {
        blobs++;
        bytes += Math.max(0, size);
        storedBytes += storedSize;
        if (key.length == KEY_LENGTH) {
            digest += KeyDigest.of(key, offset, storedSize, codecId);
        } else {
            odd = true;
        }
    }

    /** Counts one entry. */
    void add(byte[] key, Location loc) {
        add(key, loc.offset(), loc.storedSize(), loc.size(), loc.codecId());
    }

    /** Counts every entry {@code other} counted. */
    void addAll(EntryTally other) {
        blobs += other.blobs;
        bytes += other.bytes;
        storedBytes += other.storedBytes;
        digest += other.digest;
        odd |= other.odd;
    }

    /** @return whether {@code other} counted the same entries, but by a 2<sup>-64</sup> chance */
    boolean sameEntries(EntryTally other) {
        return !odd && !other.odd && blobs == other.blobs && digest == other.digest;
    }

    /** @return the totals of the entries counted, as the index records them when each key is counted once */
    IndexMeta.Counters counters() {
        return new IndexMeta.Counters(blobs, bytes, storedBytes);
    }
}
