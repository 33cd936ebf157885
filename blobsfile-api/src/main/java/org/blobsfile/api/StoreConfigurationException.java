package org.blobsfile.api;

/** The options contradict what the store on disk is (for example, its pack size). */
public class StoreConfigurationException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the contradiction */
    public StoreConfigurationException(String message) {
        super(message);
    }
}
