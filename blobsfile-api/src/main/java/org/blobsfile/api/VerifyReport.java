package org.blobsfile.api;

import java.util.List;

/**
 * What {@link BlobStore#verify()} found. Immutable.
 *
 * @param packs     packs checked
 * @param bytesRead bytes read from them: every byte of every pack
 * @param blobs     blob entries whose hash was checked
 * @param damage    every finding, in pack and offset order; empty when the store is healthy
 */
public record VerifyReport(int packs, long bytesRead, long blobs, List<Damage> damage) {
    /**
     * Copies the list so the report stays immutable.
     *
     * @param packs     packs checked
     * @param bytesRead bytes read from them
     * @param blobs     blob entries whose hash was checked
     * @param damage    every finding, in pack and offset order
     */
    public VerifyReport {
        damage = List.copyOf(damage);
    }

    /** @return whether nothing is damaged */
    public boolean isClean() {
        return damage.isEmpty();
    }
}
