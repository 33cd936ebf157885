package org.blobsfile.api;

/** A call was made on a store that has been closed. */
public class StoreClosedException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    /** @param dir the store directory */
    public StoreClosedException(java.nio.file.Path dir) {
        super("store " + dir + " is closed");
    }
}
