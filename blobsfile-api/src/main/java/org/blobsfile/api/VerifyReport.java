package org.blobsfile.api;

import java.util.List;

/**
 * What {@link BlobStore#verify()} found. Immutable.
 *
 * @param packs     packs checked
 * @param bytesRead bytes read from them: every byte of every pack
 * @param blobs     blob entries whose hash was checked
 * @param damage    every finding in the packs, in pack and offset order; empty when they are healthy
 * @param index     every difference between the index and the packs; empty when the index holds
 *                  exactly the verified blobs of the packs
 * @param warnings  notes that are not damage, one sentence each (a pack closed without EOF entry
 *                  has no parity, so it is unprotected)
 */
public record VerifyReport(int packs, long bytesRead, long blobs, List<Damage> damage, List<IndexFinding> index,
                           List<String> warnings) {
    /**
     * Copies the lists so the report stays immutable.
     *
     * @param packs     packs checked
     * @param bytesRead bytes read from them
     * @param blobs     blob entries whose hash was checked
     * @param damage    every finding in the packs, in pack and offset order
     * @param index     every difference between the index and the packs
     * @param warnings  notes that are not damage
     */
    public VerifyReport {
        damage = List.copyOf(damage);
        index = List.copyOf(index);
        warnings = List.copyOf(warnings);
    }

    /**
     * A report of the packs alone, without index findings or warnings.
     *
     * @param packs     packs checked
     * @param bytesRead bytes read from them
     * @param blobs     blob entries whose hash was checked
     * @param damage    every finding, in pack and offset order
     */
    public VerifyReport(int packs, long bytesRead, long blobs, List<Damage> damage) {
        this(packs, bytesRead, blobs, damage, List.of(), List.of());
    }

    /** @return whether nothing is damaged: neither the packs nor the index */
    public boolean isClean() {
        return damage.isEmpty() && index.isEmpty();
    }
}
