package org.blobsfile.tck;

/**
 * Capabilities that differ between {@link org.blobsfile.api.spi.BlobIndex} backends. A backend
 * declares the ones it lacks by overriding {@link BlobIndexContract#hasBehavior}; the tests that
 * need a capability are skipped, not failed, for a backend without it. Every behavior is assumed
 * present unless the backend says otherwise, so a forgotten declaration shows up as a failure.
 */
public enum IndexBehavior {
    /** What was written is still there after {@code close()} and a new {@code open()}. */
    PERSISTENT,

    /** {@code write} may be called from several threads at once, not only from one at a time. */
    CONCURRENT_WRITES,

    /**
     * While an index is open, opening its directory again fails with a plain
     * {@link java.io.IOException} (never {@link org.blobsfile.api.spi.IndexUnreadableException},
     * which would make the store destroy an index that is in use).
     */
    EXCLUSIVE_OPEN,

    /**
     * Opening a directory whose files were overwritten with garbage throws
     * {@link org.blobsfile.api.spi.IndexUnreadableException}, and the store's answer (destroy, open
     * again) yields a working, empty index.
     */
    DETECTS_DAMAGED_FILES,

    /**
     * {@link org.blobsfile.api.spi.IndexProvider#openReadOnly} opens a closed index and reads
     * everything written before, without creating, writing, renaming or deleting a file in its
     * directory; its writes fail; a missing index is an {@link java.io.IOException}, and nothing
     * is created.
     */
    READ_ONLY_OPEN
}
