package org.blobsfile.api;

import java.nio.file.Path;

/**
 * Told when a pack has been sealed: it is full, protected by parity, forced to disk and will
 * never change again, so it can be copied elsewhere (for example to object storage).
 * Called from the store's background sealing thread; implementations should return quickly.
 */
@FunctionalInterface
public interface SealListener {
    /**
     * @param pack      the sealed pack file
     * @param number    its number (the {@code NNNNN} of {@code blobs-NNNNN})
     * @param blobCount the blob entries it holds
     */
    void sealed(Path pack, int number, long blobCount);
}
