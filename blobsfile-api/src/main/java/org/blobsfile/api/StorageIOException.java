package org.blobsfile.api;

/** An I/O operation on the store's files failed; the cause is the {@link java.io.IOException}. */
public class StorageIOException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the store was doing
     * @param cause   the I/O failure
     */
    public StorageIOException(String message, java.io.IOException cause) {
        super(message + ": " + cause, cause);
    }
}
