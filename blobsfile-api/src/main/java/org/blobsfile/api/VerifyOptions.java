package org.blobsfile.api;

/**
 * How {@link BlobStore#verify(VerifyOptions, Progress)} checks. Immutable.
 *
 * @param readArchiveWhole for a pack evicted to the archive: read its whole archived copy and
 *                         compare its digest (true), or check a sample of its entries by ranged
 *                         reads against their hashes (false, the default)
 */
public record VerifyOptions(boolean readArchiveWhole) {
    /** The defaults: evicted packs are checked by a sample of ranged reads. */
    public static final VerifyOptions DEFAULT = new VerifyOptions(false);
}
