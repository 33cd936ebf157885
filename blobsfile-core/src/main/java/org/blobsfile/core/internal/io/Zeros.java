package org.blobsfile.core.internal.io;

/**
 * Finding zeros in bytes read: the one scan behind telling zeros a pack writer wrote ahead of
 * its entries from data, in walks and in recovery alike.
 */
public final class Zeros {
    private Zeros() {
    }

    /**
     * @param b   the bytes
     * @param off where to start
     * @param len how many bytes to look at
     * @return the index in {@code b} of the first byte of the range that is not zero, or -1
     */
    public static int firstNonZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    /** @return whether {@code len} bytes of {@code b} from {@code off} are all zero */
    public static boolean isZero(byte[] b, int off, int len) {
        return firstNonZero(b, off, len) < 0;
    }
}
