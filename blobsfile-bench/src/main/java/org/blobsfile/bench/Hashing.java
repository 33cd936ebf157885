package org.blobsfile.bench;

import org.blobsfile.core.internal.hash.Blake2b;

/** The BLAKE2b-256 the peers key their blobs with: the store's own, so the work compared is the same. */
final class Hashing {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Hashing() {
    }

    /** @return the unkeyed 32-byte BLAKE2b of {@code data} */
    static byte[] blake2b256(byte[] data) {
        return Blake2b.hash(data, 0, data.length);
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
