package org.blobsfile.api;

/**
 * The archive cannot serve what was asked: the store has none, it cannot be reached, it refuses
 * the credentials, its bucket is missing, or it throttled beyond the retries. The message is one
 * sentence; local packs and the blobs in them stay readable and puts go on.
 */
public class ArchiveException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence: what failed and what to check */
    public ArchiveException(String message) {
        super(message);
    }

    /**
     * @param message one sentence: what failed and what to check
     * @param cause   the failure
     */
    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
