package org.blobsfile.api;

/** Another store instance, in this process or another, has the directory open. */
public class StoreLockedException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    private final transient java.nio.file.Path directory;

    /** @param dir the store directory that is locked */
    public StoreLockedException(java.nio.file.Path dir) {
        super("store " + dir + " is locked: another process or store instance has it open");
        this.directory = dir;
    }

    /** @return the locked directory */
    public java.nio.file.Path directory() {
        return directory;
    }
}
