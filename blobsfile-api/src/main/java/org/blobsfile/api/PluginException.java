package org.blobsfile.api;

/** A codec or index plugin is missing, ambiguous or failed to start. */
public class PluginException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the plugin and what to do */
    public PluginException(String message) {
        super(message);
    }

    /**
     * @param message one sentence naming the plugin and what to do
     * @param cause   the failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
