package org.blobsfile.api;

import java.nio.file.Path;

/**
 * A call that would write was made on a store opened with
 * {@link BlobStoreOptions.Builder#readOnly()}: puts, repair and index rebuilds. Nothing was
 * written.
 */
public class ReadOnlyStoreException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    /**
     * @param dir       the store directory
     * @param operation what was refused, for example {@code "put"}
     */
    public ReadOnlyStoreException(Path dir, String operation) {
        super("store " + dir + " is open read-only: " + operation + " is refused; open it without readOnly() to write");
        this.directory = dir;
    }

    /** @return the store directory */
    public Path directory() {
        return directory;
    }
}
