package org.blobsfile.api;

/** Bytes given with a reference do not hash to that reference. Nothing was stored. */
public class HashMismatchException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    private final BlobRef expected;
    private final BlobRef actual;

    /**
     * @param expected the reference the caller gave
     * @param actual   the BLAKE2b-256 of the bytes the caller gave
     */
    public HashMismatchException(BlobRef expected, BlobRef actual) {
        super("data does not match its reference: expected " + expected + ", the bytes hash to " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the reference the caller gave */
    public BlobRef expected() {
        return expected;
    }

    /** @return what the bytes really hash to */
    public BlobRef actual() {
        return actual;
    }
}
