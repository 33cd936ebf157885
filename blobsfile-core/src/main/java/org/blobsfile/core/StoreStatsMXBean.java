package org.blobsfile.core;

/**
 * The counters of one open store as a JMX MXBean, registered with
 * {@link StoreMBeans#register(org.blobsfile.api.BlobStore)}. Every attribute read takes a fresh
 * {@link org.blobsfile.api.BlobStore#stats()} snapshot, so two attributes read one after the
 * other may come from different moments. Reading an attribute of a closed store fails.
 *
 * <p>The meaning of each attribute is that of the {@link org.blobsfile.api.StoreStats} component
 * of the same name. Implementations are thread-safe.
 */
public interface StoreStatsMXBean {
    /** @return the store directory */
    String getDirectory();

    /** @return distinct blobs in the index */
    long getBlobs();

    /** @return their total uncompressed size */
    long getBytes();

    /** @return their total size as stored in packs */
    long getStoredBytes();

    /** @return pack files in the store */
    int getPacks();

    /** @return packs that are full and sealed */
    int getSealedPacks();

    /** @return the store's pack size */
    long getMaxPackSize();

    /** @return the codec new blobs are written with */
    String getCodec();

    /** @return the index in use */
    String getIndex();

    /** @return the durability mode */
    String getDurability();

    /** @return puts since open, duplicates included */
    long getPuts();

    /** @return puts since open that found the blob already stored */
    long getDedupedPuts();

    /** @return gets since open */
    long getGets();

    /** @return bytes appended to packs since open */
    long getBytesWritten();

    /** @return payload bytes read from packs since open */
    long getBytesRead();

    /** @return forces (fsyncs) of pack files since open */
    long getForces();

    /** @return full index rebuilds since open */
    long getIndexRebuilds();

    /** @return entries indexed by recovery at open */
    long getRecoveredEntries();

    /** @return bytes of a torn tail cut at open */
    long getTruncatedBytes();

    /** @return packs sealed since open */
    long getSeals();

    /** @return packs repaired from parity since open */
    long getRepairs();

    /** @return gets since open that rebuilt damaged bytes from parity */
    long getHealedReads();

    /** @return packs in quarantine */
    int getQuarantinedPacks();

    /** @return group commits since open: each is one force and one index batch */
    long getGroupCommits();

    /** @return entries made durable by those group commits */
    long getGroupCommitEntries();

    /** @return whether the store found at open that its last run had not closed it */
    boolean isUncleanShutdown();

    /** @return deleted blobs whose bytes are still in packs, waiting for compaction */
    long getDeletedBlobs();

    /** @return dead bytes in the packs: entries of deleted blobs and copies of blobs stored elsewhere */
    long getGarbageBytes();

    /**
     * @return dead bytes per pack number, for the packs that have any; a JMX client sees a table
     *         with the columns {@code key} (the pack number) and {@code value} (the bytes)
     */
    java.util.SortedMap<Integer, Long> getGarbageByPack();

    /** @return packs rewritten by compaction over the store's life */
    long getCompactions();

    /** @return dead bytes compaction has given back over the store's life */
    long getReclaimedBytes();

    /** @return where sealed packs are archived, or an empty string when the store has none */
    String getArchive();

    /** @return sealed packs the archive holds a copy of */
    long getArchivedPacks();

    /** @return packs whose local file was evicted: their blobs are read from the archive */
    long getEvictedPacks();

    /** @return sealed packs waiting to be uploaded to the archive */
    long getUploadBacklog();

    /** @return reads from the archive since open */
    long getArchiveReads();

    /** @return packs the verify ledger holds no result for: never verified */
    long getUnverifiedPacks();

    /** @return when the pack verified longest ago was verified, in milliseconds since the epoch; 0 when none was */
    long getOldestVerification();

    /** @return packs the background scrub has verified in its current round */
    long getScrubbedPacks();

    /** @return packs in the background scrub's current round; 0 without a scrub */
    long getScrubRoundPacks();

    /** @return rounds over every pack the background scrub has finished since open */
    long getScrubRounds();

    /** @return bytes the background scrub has read since open */
    long getScrubbedBytes();
}
