package org.blobsfile.core.internal.hash;

/**
 * Unkeyed BLAKE2b with a 32-byte digest: the blob address. Every hash of the store goes through
 * here, computed by {@link FastBlake2b}; the tests hold it to Bouncy Castle's digest and the
 * published vectors. Thread-safe.
 */
public final class Blake2b {
    private Blake2b() {
    }

    /**
     * @param data holds the bytes to hash
     * @param off  where they start in {@code data}
     * @param len  how many there are
     * @return the 32-byte BLAKE2b-256 of those bytes
     */
    public static byte[] hash(byte[] data, int off, int len) {
        return FastBlake2b.hash(data, off, len);
    }

    /** @return a digest to feed in pieces; one thread at a time */
    public static FastBlake2b newDigest() {
        return new FastBlake2b();
    }
}
