package org.blobsfile.api.spi;

import java.io.IOException;

/**
 * The archive as a whole cannot serve the store now: it cannot be reached, it refuses the
 * credentials, its bucket does not exist, or it kept throttling beyond the provider's retries.
 * The message is one sentence an operator can act on; the store goes on with its local packs and
 * tries again later.
 */
public class ArchiveUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one sentence: what failed and what to check
     * @param cause   the provider's failure, or null
     */
    public ArchiveUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
