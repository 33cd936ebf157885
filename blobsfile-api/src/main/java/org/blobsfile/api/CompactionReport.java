package org.blobsfile.api;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link BlobStore#compact(CompactionOptions, Progress)} did. Immutable.
 *
 * @param rewritten      packs whose live blobs were moved to the write side and which were then
 *                       replaced by an empty sealed pack
 * @param blobsMoved     live blobs copied
 * @param bytesMoved     live bytes copied (entries, headers included)
 * @param bytesReclaimed dead bytes the rewritten packs no longer hold
 * @param skipped        packs over the threshold left as they were, each with the reason (a
 *                       damaged live blob that parity could not restore, for example)
 */
public record CompactionReport(List<Path> rewritten, long blobsMoved, long bytesMoved, long bytesReclaimed,
                               List<Skipped> skipped) {
    /**
     * A pack compaction left as it was.
     *
     * @param pack   the pack
     * @param reason why, one sentence
     */
    public record Skipped(Path pack, String reason) {
    }

    /**
     * Copies the lists so the report stays immutable.
     *
     * @param rewritten      packs rewritten
     * @param blobsMoved     live blobs copied
     * @param bytesMoved     live bytes copied
     * @param bytesReclaimed dead bytes no longer held
     * @param skipped        packs left as they were, with reasons
     */
    public CompactionReport {
        rewritten = List.copyOf(rewritten);
        skipped = List.copyOf(skipped);
    }
}
