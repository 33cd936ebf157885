package org.blobsfile.api;

/** A blob does not fit in one pack of this store, whatever the codec makes of it. */
public class BlobTooLargeException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    /**
     * @param size  the blob's length
     * @param limit the largest blob this store accepts
     */
    public BlobTooLargeException(long size, long limit) {
        super("blob of " + size + " bytes is larger than the " + limit
                + " bytes a pack of this store can hold");
        this.size = size;
        this.limit = limit;
    }

    /** @return the rejected blob's length */
    public long size() {
        return size;
    }

    /** @return the largest blob this store accepts */
    public long limit() {
        return limit;
    }
}
