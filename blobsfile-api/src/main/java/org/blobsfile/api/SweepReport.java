package org.blobsfile.api;

/**
 * What {@link BlobStore#sweep} did. Immutable.
 *
 * @param examined     blobs the sweep looked at: every blob stored when it began
 * @param deleted      blobs it deleted, which the live set did not hold
 * @param deletedBytes the lengths of the blobs it deleted
 * @param spared       blobs outside the live set that it kept because they were put, or put
 *                     again, after it began
 */
public record SweepReport(long examined, long deleted, long deletedBytes, long spared) {
}
