package org.blobsfile.api;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link BlobStore#repair()} did. Immutable.
 *
 * @param repaired    packs rebuilt from parity and replaced
 * @param quarantined packs beyond repair, moved to the store's {@code quarantine/} directory
 * @param lost        blobs that were only in quarantined packs
 * @param damage      what verify found before the repair
 * @param remaining   damage left in place: in the active pack, which has no parity yet
 */
public record RepairReport(List<Path> repaired, List<Path> quarantined, List<BlobRef> lost, List<Damage> damage,
                           List<Damage> remaining) {
    /**
     * Copies the lists so the report stays immutable.
     *
     * @param repaired    packs rebuilt from parity and replaced
     * @param quarantined packs beyond repair, moved aside
     * @param lost        blobs that were only in quarantined packs
     * @param damage      what verify found before the repair
     * @param remaining   damage left in place
     */
    public RepairReport {
        repaired = List.copyOf(repaired);
        quarantined = List.copyOf(quarantined);
        lost = List.copyOf(lost);
        damage = List.copyOf(damage);
        remaining = List.copyOf(remaining);
    }

    /** @return whether every damaged pack was repaired: nothing quarantined, nothing left */
    public boolean isComplete() {
        return quarantined.isEmpty() && remaining.isEmpty();
    }
}
