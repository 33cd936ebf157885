package org.blobsfile.api;

import java.util.List;

/**
 * What {@link BlobStore#verify()} found. Immutable.
 *
 * @param packs     packs checked (by a bounded run, those it reached; see {@link VerifyOptions})
 * @param bytesRead bytes read from them: every byte of every pack checked
 * @param blobs     blob entries whose hash was checked
 * @param damage    every finding in the packs, in pack and offset order; empty when they are healthy
 * @param index     every difference between the index and the packs; empty when the index holds
 *                  exactly the verified blobs of the packs
 * @param warnings  notes that are not damage, one sentence each (a pack closed without EOF entry
 *                  has no parity, so it is unprotected)
 * @param notRecorded why the results were not recorded in the store's verify ledger (a read-only
 *                    directory, a full disk), one sentence; empty when they were
 */
public record VerifyReport(int packs, long bytesRead, long blobs, List<Damage> damage, List<IndexFinding> index,
                           List<String> warnings, String notRecorded) {
    /**
     * Copies the lists so the report stays immutable.
     *
     * @param packs     packs checked
     * @param bytesRead bytes read from them
     * @param blobs     blob entries whose hash was checked
     * @param damage    every finding in the packs, in pack and offset order
     * @param index     every difference between the index and the packs
     * @param warnings  notes that are not damage
     * @param notRecorded why the results were not recorded in the verify ledger; empty when they were
     */
    public VerifyReport {
        damage = List.copyOf(damage);
        index = List.copyOf(index);
        warnings = List.copyOf(warnings);
        notRecorded = java.util.Objects.requireNonNull(notRecorded, "notRecorded");
    }

    /**
     * A report whose results were recorded.
     *
     * @param packs     packs checked
     * @param bytesRead bytes read from them
     * @param blobs     blob entries whose hash was checked
     * @param damage    every finding in the packs, in pack and offset order
     * @param index     every difference between the index and the packs
     * @param warnings  notes that are not damage
     */
    public VerifyReport(int packs, long bytesRead, long blobs, List<Damage> damage, List<IndexFinding> index,
                        List<String> warnings) {
        this(packs, bytesRead, blobs, damage, index, warnings, "");
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
        this(packs, bytesRead, blobs, damage, List.of(), List.of(), "");
    }

    /** @return whether nothing is damaged: neither the packs nor the index */
    public boolean isClean() {
        return damage.isEmpty() && index.isEmpty();
    }
}
