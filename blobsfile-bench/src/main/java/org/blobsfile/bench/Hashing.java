package org.blobsfile.bench;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/** The BLAKE2b-256 the peers key their blobs with, the same function our store addresses by. */
final class Hashing {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    // a digest is not thread-safe and its setup is not free: keep one per thread
    private static final ThreadLocal<Blake2bDigest> DIGEST = ThreadLocal.withInitial(() -> new Blake2bDigest(256));

    private Hashing() {
    }

    /** @return the unkeyed 32-byte BLAKE2b of {@code data} */
    static byte[] blake2b256(byte[] data) {
        Blake2bDigest d = DIGEST.get();
        d.update(data, 0, data.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** @return lowercase hex of {@code bytes} */
    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
