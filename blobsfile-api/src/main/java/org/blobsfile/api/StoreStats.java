package org.blobsfile.api;

/**
 * A snapshot of a store's counters. Immutable; take a new one with {@link BlobStore#stats()}.
 *
 * @param blobs          distinct blobs in the index
 * @param bytes          their total uncompressed size
 * @param storedBytes    their total size as stored in packs (payloads only)
 * @param packs          pack files in the store
 * @param sealedPacks    packs that are full and closed
 * @param maxPackSize    the store's pack size
 * @param codec          name of the codec new blobs are written with
 * @param index          name of the index in use
 * @param durability     the durability mode
 * @param puts           puts since open (duplicates included)
 * @param dedupedPuts    puts since open that found the blob already stored
 * @param gets           gets since open
 * @param bytesWritten   bytes appended to packs since open
 * @param bytesRead      payload bytes read from packs since open
 * @param forces         forces (fsyncs) of pack files since open
 * @param indexRebuilds  full index rebuilds since open (including one done while opening)
 * @param recoveredEntries entries indexed by recovery at open (found after the index checkpoint)
 * @param truncatedBytes bytes of a torn tail cut from the active pack at open
 * @param seals          packs sealed since open
 * @param repairs        packs repaired from parity since open
 * @param healedReads    gets since open whose damaged bytes were rebuilt from parity on the fly
 * @param quarantinedPacks packs in quarantine
 * @param groupCommits   group commits since open (GROUP durability): each is one force and one index batch
 * @param groupCommitEntries entries made durable by those group commits; divided by
 *                       {@code groupCommits}, the mean batch size
 * @param uncleanShutdown whether the store found, at open, that its last run had not closed it
 */
public record StoreStats(long blobs, long bytes, long storedBytes, int packs, int sealedPacks,
                         long maxPackSize, String codec, String index, Durability durability,
                         long puts, long dedupedPuts, long gets, long bytesWritten, long bytesRead,
                         long forces, long indexRebuilds, long recoveredEntries, long truncatedBytes,
                         long seals, long repairs, long healedReads, int quarantinedPacks,
                         long groupCommits, long groupCommitEntries, boolean uncleanShutdown) {
}
