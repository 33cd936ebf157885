package org.blobsfile.api.spi;

import java.io.IOException;

/**
 * Thrown by {@link IndexProvider#open} when the index files exist but cannot be read (written by
 * an incompatible version, damaged). The store answers by rebuilding the index from the packs.
 */
public class IndexUnreadableException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be read
     * @param cause   the failure, or {@code null}
     */
    public IndexUnreadableException(String message, Throwable cause) {
        super(message, cause);
    }
}
