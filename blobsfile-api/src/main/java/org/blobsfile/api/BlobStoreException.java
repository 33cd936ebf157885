package org.blobsfile.api;

/**
 * Base of every error a {@link BlobStore} reports. Unchecked, so that stores fit lambdas and
 * streams; each subclass names one kind of failure, and its message is one sentence meant for
 * the person reading a log.
 */
public class BlobStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence saying what went wrong */
    public BlobStoreException(String message) {
        super(message);
    }

    /**
     * @param message one sentence saying what went wrong
     * @param cause   the underlying failure
     */
    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
