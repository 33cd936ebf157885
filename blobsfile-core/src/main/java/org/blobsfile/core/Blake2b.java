package org.blobsfile.core;

import org.blobsfile.api.BlobRef;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/** Unkeyed BLAKE2b with a 32-byte digest: the blob address. Thread-safe. */
final class Blake2b {
    // digests are costly to set up and not thread-safe: one per thread, reset after each use
    private static final ThreadLocal<Blake2bDigest> DIGEST = ThreadLocal.withInitial(() -> new Blake2bDigest(256));

    private Blake2b() {
    }

    /** @return the 32-byte BLAKE2b-256 of {@code len} bytes of {@code data} from {@code off} */
    static byte[] hash(byte[] data, int off, int len) {
        Blake2bDigest d = DIGEST.get();
        d.update(data, off, len);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** @return the reference of {@code data} */
    static BlobRef ref(byte[] data) {
        return BlobRef.of(hash(data, 0, data.length));
    }
}
