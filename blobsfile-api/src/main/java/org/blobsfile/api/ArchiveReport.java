package org.blobsfile.api;

import java.util.List;

/**
 * What {@link BlobStore#archive(Progress)} did. Immutable.
 *
 * @param uploaded        packs uploaded by this call, each with its manifest
 * @param bytesUploaded   the bytes of those packs
 * @param alreadyArchived sealed packs the archive held before the call
 * @param problems        packs left unarchived, each with one sentence saying why (an object of
 *                        the same name with other bytes, a pack that fails its own check)
 */
public record ArchiveReport(int uploaded, long bytesUploaded, int alreadyArchived, List<String> problems) {
    /**
     * Copies the list so the report stays immutable.
     *
     * @param uploaded        packs uploaded
     * @param bytesUploaded   their bytes
     * @param alreadyArchived packs archived before
     * @param problems        packs left unarchived, with reasons
     */
    public ArchiveReport {
        problems = List.copyOf(problems);
    }
}
