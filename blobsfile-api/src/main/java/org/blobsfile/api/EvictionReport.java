package org.blobsfile.api;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link BlobStore#evict(int)} did. Immutable.
 *
 * @param evicted    packs whose local file was removed: their blobs are read from the archive
 * @param bytesFreed the bytes those files held
 * @param kept       archived packs left local though they were old enough, each with one
 *                   sentence saying why (not archived as they are now, a copy that differs)
 */
public record EvictionReport(List<Path> evicted, long bytesFreed, List<String> kept) {
    /**
     * Copies the lists so the report stays immutable.
     *
     * @param evicted    packs evicted
     * @param bytesFreed bytes freed
     * @param kept       packs kept, with reasons
     */
    public EvictionReport {
        evicted = List.copyOf(evicted);
        kept = List.copyOf(kept);
    }
}
