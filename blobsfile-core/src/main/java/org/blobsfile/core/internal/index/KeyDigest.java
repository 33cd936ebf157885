package org.blobsfile.core.internal.index;

import java.nio.ByteBuffer;

/**
 * A 64-bit digest of a blob's 32-byte hash, for comparisons that cannot afford to hold the hashes.
 * Every byte counts: each 8-byte word is multiplied by its own odd constant, so a hash field that
 * differs from another in any single word (a flipped bit anywhere) gets another digest.
 */
final class KeyDigest {
    private KeyDigest() {
    }

    /** @return the digest of {@code key} */
    static long of(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        return b.getLong(0) * 0x9E3779B97F4A7C15L + b.getLong(8) * 0xC2B2AE3D27D4EB4FL
                + b.getLong(16) * 0x165667B19E3779F9L + b.getLong(24) * 0xD6E8FEB86659FD93L;
    }

    /**
     * @return a digest of a key at a location (pack offset, payload length and codec), well mixed
     *         so that sums of many of them collide only by chance
     */
    static long of(byte[] key, Location loc) {
        return of(key, loc.offset(), loc.storedSize(), loc.codecId());
    }

    /** @return {@link #of(byte[], Location)} of a location given by its fields */
    static long of(byte[] key, long offset, long storedSize, int codecId) {
        long h = of(key) ^ offset * 0xBF58476D1CE4E5B9L ^ (storedSize << 8 | codecId) * 0x94D049BB133111EBL;
        h = (h ^ h >>> 30) * 0xBF58476D1CE4E5B9L;
        h = (h ^ h >>> 27) * 0x94D049BB133111EBL;
        return h ^ h >>> 31;
    }
}
