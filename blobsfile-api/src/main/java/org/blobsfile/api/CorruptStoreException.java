package org.blobsfile.api;

/** The files of a store are damaged or are not what a BlobsFile store holds. */
public class CorruptStoreException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming what is damaged */
    public CorruptStoreException(String message) {
        super(message);
    }

    /**
     * @param message one sentence naming what is damaged
     * @param cause   the failure that revealed it
     */
    public CorruptStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
