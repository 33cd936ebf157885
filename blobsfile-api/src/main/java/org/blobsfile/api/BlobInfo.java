package org.blobsfile.api;

/**
 * What the index knows about one stored blob. Immutable.
 *
 * @param ref        the blob's address
 * @param size       the blob's length in bytes (uncompressed), or -1 when the codec that stored
 *                   it is not on the class path
 * @param pack       number of the pack file holding it ({@code blobs-NNNNN})
 * @param offset     offset of the entry's 38-byte header in that pack
 * @param storedSize length of the payload as stored (after compression)
 * @param codecId    the codec id of the payload (0 = stored plain)
 */
public record BlobInfo(BlobRef ref, long size, int pack, long offset, long storedSize, int codecId) {
}
