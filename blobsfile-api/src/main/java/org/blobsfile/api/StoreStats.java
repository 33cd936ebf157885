package org.blobsfile.api;

import java.util.Objects;

/**
 * A snapshot of a store's counters. Immutable and thread-safe; take a new one with
 * {@link BlobStore#stats()}.
 *
 * <p>A class rather than a record so that a new counter is a new accessor and a new builder
 * method: code compiled against an older version keeps linking. For the same reason there is no
 * public constructor; a store builds its snapshot with {@link #builder()}.
 */
public final class StoreStats {
    private final long blobs;
    private final long bytes;
    private final long storedBytes;
    private final int packs;
    private final int sealedPacks;
    private final long maxPackSize;
    private final String codec;
    private final String index;
    private final Durability durability;
    private final long puts;
    private final long dedupedPuts;
    private final long gets;
    private final long bytesWritten;
    private final long bytesRead;
    private final long forces;
    private final long indexRebuilds;
    private final long recoveredEntries;
    private final long truncatedBytes;
    private final long seals;
    private final long repairs;
    private final long healedReads;
    private final int quarantinedPacks;
    private final long groupCommits;
    private final long groupCommitEntries;
    private final boolean uncleanShutdown;
    private final long deletedBlobs;
    private final long garbageBytes;
    private final java.util.SortedMap<Integer, Long> garbageByPack;
    private final long compactions;
    private final long reclaimedBytes;
    private final String archive;
    private final long archivedPacks;
    private final long evictedPacks;
    private final long uploadBacklog;
    private final long archiveReads;
    private final long unverifiedPacks;
    private final long oldestVerification;
    private final long scrubbedPacks;
    private final long scrubRoundPacks;
    private final long scrubRounds;
    private final long scrubbedBytes;

    private StoreStats(Builder b) {
        this.blobs = b.blobs;
        this.bytes = b.bytes;
        this.storedBytes = b.storedBytes;
        this.packs = b.packs;
        this.sealedPacks = b.sealedPacks;
        this.maxPackSize = b.maxPackSize;
        this.codec = b.codec;
        this.index = b.index;
        this.durability = b.durability;
        this.puts = b.puts;
        this.dedupedPuts = b.dedupedPuts;
        this.gets = b.gets;
        this.bytesWritten = b.bytesWritten;
        this.bytesRead = b.bytesRead;
        this.forces = b.forces;
        this.indexRebuilds = b.indexRebuilds;
        this.recoveredEntries = b.recoveredEntries;
        this.truncatedBytes = b.truncatedBytes;
        this.seals = b.seals;
        this.repairs = b.repairs;
        this.healedReads = b.healedReads;
        this.quarantinedPacks = b.quarantinedPacks;
        this.groupCommits = b.groupCommits;
        this.groupCommitEntries = b.groupCommitEntries;
        this.uncleanShutdown = b.uncleanShutdown;
        this.deletedBlobs = b.deletedBlobs;
        this.garbageBytes = b.garbageBytes;
        this.garbageByPack = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(b.garbageByPack));
        this.compactions = b.compactions;
        this.reclaimedBytes = b.reclaimedBytes;
        this.archive = b.archive;
        this.archivedPacks = b.archivedPacks;
        this.evictedPacks = b.evictedPacks;
        this.uploadBacklog = b.uploadBacklog;
        this.archiveReads = b.archiveReads;
        this.unverifiedPacks = b.unverifiedPacks;
        this.oldestVerification = b.oldestVerification;
        this.scrubbedPacks = b.scrubbedPacks;
        this.scrubRoundPacks = b.scrubRoundPacks;
        this.scrubRounds = b.scrubRounds;
        this.scrubbedBytes = b.scrubbedBytes;
    }

    /**
     * Starts a snapshot with every counter 0, every flag false and every name {@code null}; meant
     * for stores, which set every value they report.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return distinct blobs in the index */
    public long blobs() {
        return blobs;
    }

    /** @return their total uncompressed size */
    public long bytes() {
        return bytes;
    }

    /** @return their total size as stored in packs (payloads only) */
    public long storedBytes() {
        return storedBytes;
    }

    /** @return pack files in the store */
    public int packs() {
        return packs;
    }

    /** @return packs that are full and closed */
    public int sealedPacks() {
        return sealedPacks;
    }

    /** @return the store's pack size */
    public long maxPackSize() {
        return maxPackSize;
    }

    /** @return name of the codec new blobs are written with */
    public String codec() {
        return codec;
    }

    /** @return name of the index in use */
    public String index() {
        return index;
    }

    /** @return the durability mode */
    public Durability durability() {
        return durability;
    }

    /** @return puts since open (duplicates included) */
    public long puts() {
        return puts;
    }

    /** @return puts since open that found the blob already stored */
    public long dedupedPuts() {
        return dedupedPuts;
    }

    /** @return gets since open */
    public long gets() {
        return gets;
    }

    /** @return bytes appended to packs since open */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** @return payload bytes read from packs since open */
    public long bytesRead() {
        return bytesRead;
    }

    /** @return forces (fsyncs) of pack files since open */
    public long forces() {
        return forces;
    }

    /** @return full index rebuilds since open (including one done while opening) */
    public long indexRebuilds() {
        return indexRebuilds;
    }

    /** @return entries indexed by recovery at open (found after the index checkpoint) */
    public long recoveredEntries() {
        return recoveredEntries;
    }

    /** @return bytes of a torn tail cut from the active pack at open */
    public long truncatedBytes() {
        return truncatedBytes;
    }

    /** @return packs sealed since open */
    public long seals() {
        return seals;
    }

    /** @return packs repaired from parity since open */
    public long repairs() {
        return repairs;
    }

    /** @return gets since open whose damaged bytes were rebuilt from parity on the fly */
    public long healedReads() {
        return healedReads;
    }

    /** @return packs in quarantine */
    public int quarantinedPacks() {
        return quarantinedPacks;
    }

    /** @return group commits since open (GROUP durability): each is one force and one index batch */
    public long groupCommits() {
        return groupCommits;
    }

    /**
     * @return entries made durable by those group commits; divided by {@code groupCommits}, the
     *         mean batch size
     */
    public long groupCommitEntries() {
        return groupCommitEntries;
    }

    /** @return whether the store found, at open, that its last run had not closed it */
    public boolean uncleanShutdown() {
        return uncleanShutdown;
    }

    /** @return deleted blobs whose bytes are still in packs, waiting for compaction */
    public long deletedBlobs() {
        return deletedBlobs;
    }

    /** @return dead bytes in the packs: entries of deleted blobs and copies of blobs stored elsewhere */
    public long garbageBytes() {
        return garbageBytes;
    }

    /** @return dead bytes per pack number, for the packs that have any */
    public java.util.SortedMap<Integer, Long> garbageByPack() {
        return garbageByPack;
    }

    /** @return packs rewritten by compaction over the store's life */
    public long compactions() {
        return compactions;
    }

    /** @return dead bytes compaction has given back over the store's life */
    public long reclaimedBytes() {
        return reclaimedBytes;
    }

    /** @return where sealed packs are archived, or an empty string when the store has no archive */
    public String archive() {
        return archive;
    }

    /** @return sealed packs the archive holds, as the store last knew */
    public long archivedPacks() {
        return archivedPacks;
    }

    /** @return packs whose local file was evicted: their blobs are read from the archive */
    public long evictedPacks() {
        return evictedPacks;
    }

    /** @return sealed packs waiting to be uploaded to the archive */
    public long uploadBacklog() {
        return uploadBacklog;
    }

    /** @return packs read from the archive since open (downloads for a restore or a repair) */
    public long archiveReads() {
        return archiveReads;
    }

    /** @return packs the verify ledger holds no result for, the active pack aside: never verified */
    public long unverifiedPacks() {
        return unverifiedPacks;
    }

    /** @return when the pack verified longest ago was verified, in milliseconds since the epoch; 0 when no pack has been verified */
    public long oldestVerification() {
        return oldestVerification;
    }

    /** @return packs the background scrub has verified in its current round; 0 without a scrub */
    public long scrubbedPacks() {
        return scrubbedPacks;
    }

    /** @return packs in the background scrub's current round; 0 without a scrub */
    public long scrubRoundPacks() {
        return scrubRoundPacks;
    }

    /** @return rounds over every pack the background scrub has finished since open */
    public long scrubRounds() {
        return scrubRounds;
    }

    /** @return bytes the background scrub has read since open */
    public long scrubbedBytes() {
        return scrubbedBytes;
    }

    /**
     * Two snapshots are equal when every value is.
     *
     * @param o another object
     * @return whether {@code o} is a {@code StoreStats} with the same values
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StoreStats)) {
            return false;
        }
        StoreStats s = (StoreStats) o;
        return blobs == s.blobs
                && bytes == s.bytes
                && storedBytes == s.storedBytes
                && packs == s.packs
                && sealedPacks == s.sealedPacks
                && maxPackSize == s.maxPackSize
                && Objects.equals(codec, s.codec)
                && Objects.equals(index, s.index)
                && Objects.equals(durability, s.durability)
                && puts == s.puts
                && dedupedPuts == s.dedupedPuts
                && gets == s.gets
                && bytesWritten == s.bytesWritten
                && bytesRead == s.bytesRead
                && forces == s.forces
                && indexRebuilds == s.indexRebuilds
                && recoveredEntries == s.recoveredEntries
                && truncatedBytes == s.truncatedBytes
                && seals == s.seals
                && repairs == s.repairs
                && healedReads == s.healedReads
                && quarantinedPacks == s.quarantinedPacks
                && groupCommits == s.groupCommits
                && groupCommitEntries == s.groupCommitEntries
                && uncleanShutdown == s.uncleanShutdown
                && deletedBlobs == s.deletedBlobs
                && garbageBytes == s.garbageBytes
                && garbageByPack.equals(s.garbageByPack)
                && compactions == s.compactions
                && reclaimedBytes == s.reclaimedBytes
                && archive.equals(s.archive)
                && archivedPacks == s.archivedPacks
                && evictedPacks == s.evictedPacks
                && uploadBacklog == s.uploadBacklog
                && archiveReads == s.archiveReads
                && unverifiedPacks == s.unverifiedPacks
                && oldestVerification == s.oldestVerification
                && scrubbedPacks == s.scrubbedPacks
                && scrubRoundPacks == s.scrubRoundPacks
                && scrubRounds == s.scrubRounds
                && scrubbedBytes == s.scrubbedBytes;
    }

    /** @return a hash of every value, consistent with {@link #equals} */
    @Override
    public int hashCode() {
        return Objects.hash(blobs, bytes, storedBytes, packs, sealedPacks, maxPackSize,
                codec, index, durability, puts, dedupedPuts, gets,
                bytesWritten, bytesRead, forces, indexRebuilds, recoveredEntries, truncatedBytes,
                seals, repairs, healedReads, quarantinedPacks, groupCommits, groupCommitEntries,
                uncleanShutdown, deletedBlobs, garbageBytes, garbageByPack, compactions, reclaimedBytes,
                archive, archivedPacks, evictedPacks, uploadBacklog, archiveReads,
                unverifiedPacks, oldestVerification, scrubbedPacks, scrubRoundPacks, scrubRounds, scrubbedBytes);
    }

    /** @return every value by name, as {@code StoreStats[blobs=1, bytes=5, ...]} */
    @Override
    public String toString() {
        return "StoreStats[blobs=" + blobs
                + ", bytes=" + bytes
                + ", storedBytes=" + storedBytes
                + ", packs=" + packs
                + ", sealedPacks=" + sealedPacks
                + ", maxPackSize=" + maxPackSize
                + ", codec=" + codec
                + ", index=" + index
                + ", durability=" + durability
                + ", puts=" + puts
                + ", dedupedPuts=" + dedupedPuts
                + ", gets=" + gets
                + ", bytesWritten=" + bytesWritten
                + ", bytesRead=" + bytesRead
                + ", forces=" + forces
                + ", indexRebuilds=" + indexRebuilds
                + ", recoveredEntries=" + recoveredEntries
                + ", truncatedBytes=" + truncatedBytes
                + ", seals=" + seals
                + ", repairs=" + repairs
                + ", healedReads=" + healedReads
                + ", quarantinedPacks=" + quarantinedPacks
                + ", groupCommits=" + groupCommits
                + ", groupCommitEntries=" + groupCommitEntries
                + ", uncleanShutdown=" + uncleanShutdown
                + ", deletedBlobs=" + deletedBlobs
                + ", garbageBytes=" + garbageBytes
                + ", garbageByPack=" + garbageByPack
                + ", compactions=" + compactions
                + ", reclaimedBytes=" + reclaimedBytes
                + ", archive=" + archive
                + ", archivedPacks=" + archivedPacks
                + ", evictedPacks=" + evictedPacks
                + ", uploadBacklog=" + uploadBacklog
                + ", archiveReads=" + archiveReads
                + ", unverifiedPacks=" + unverifiedPacks
                + ", oldestVerification=" + oldestVerification
                + ", scrubbedPacks=" + scrubbedPacks
                + ", scrubRoundPacks=" + scrubRoundPacks
                + ", scrubRounds=" + scrubRounds
                + ", scrubbedBytes=" + scrubbedBytes
                + "]";
    }

    /**
     * Collects the values of one snapshot. Not thread-safe; a builder may be reused, each
     * {@link #build()} copying its current values.
     */
    public static final class Builder {
        private long blobs;
        private long bytes;
        private long storedBytes;
        private int packs;
        private int sealedPacks;
        private long maxPackSize;
        private String codec;
        private String index;
        private Durability durability;
        private long puts;
        private long dedupedPuts;
        private long gets;
        private long bytesWritten;
        private long bytesRead;
        private long forces;
        private long indexRebuilds;
        private long recoveredEntries;
        private long truncatedBytes;
        private long seals;
        private long repairs;
        private long healedReads;
        private int quarantinedPacks;
        private long groupCommits;
        private long groupCommitEntries;
        private boolean uncleanShutdown;
        private long deletedBlobs;
        private long garbageBytes;
        private java.util.SortedMap<Integer, Long> garbageByPack = new java.util.TreeMap<>();
        private long compactions;
        private long reclaimedBytes;
        private String archive = "";
        private long archivedPacks;
        private long evictedPacks;
        private long uploadBacklog;
        private long archiveReads;
        private long unverifiedPacks;
        private long oldestVerification;
        private long scrubbedPacks;
        private long scrubRoundPacks;
        private long scrubRounds;
        private long scrubbedBytes;

        private Builder() {
        }

        /**
         * @param blobs distinct blobs in the index
         * @return this builder
         */
        public Builder blobs(long blobs) {
            this.blobs = blobs;
            return this;
        }

        /**
         * @param bytes their total uncompressed size
         * @return this builder
         */
        public Builder bytes(long bytes) {
            this.bytes = bytes;
            return this;
        }

        /**
         * @param storedBytes their total size as stored in packs (payloads only)
         * @return this builder
         */
        public Builder storedBytes(long storedBytes) {
            this.storedBytes = storedBytes;
            return this;
        }

        /**
         * @param packs pack files in the store
         * @return this builder
         */
        public Builder packs(int packs) {
            this.packs = packs;
            return this;
        }

        /**
         * @param sealedPacks packs that are full and closed
         * @return this builder
         */
        public Builder sealedPacks(int sealedPacks) {
            this.sealedPacks = sealedPacks;
            return this;
        }

        /**
         * @param maxPackSize the store's pack size
         * @return this builder
         */
        public Builder maxPackSize(long maxPackSize) {
            this.maxPackSize = maxPackSize;
            return this;
        }

        /**
         * @param codec name of the codec new blobs are written with
         * @return this builder
         */
        public Builder codec(String codec) {
            this.codec = codec;
            return this;
        }

        /**
         * @param index name of the index in use
         * @return this builder
         */
        public Builder index(String index) {
            this.index = index;
            return this;
        }

        /**
         * @param durability the durability mode
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = durability;
            return this;
        }

        /**
         * @param puts puts since open (duplicates included)
         * @return this builder
         */
        public Builder puts(long puts) {
            this.puts = puts;
            return this;
        }

        /**
         * @param dedupedPuts puts since open that found the blob already stored
         * @return this builder
         */
        public Builder dedupedPuts(long dedupedPuts) {
            this.dedupedPuts = dedupedPuts;
            return this;
        }

        /**
         * @param gets gets since open
         * @return this builder
         */
        public Builder gets(long gets) {
            this.gets = gets;
            return this;
        }

        /**
         * @param bytesWritten bytes appended to packs since open
         * @return this builder
         */
        public Builder bytesWritten(long bytesWritten) {
            this.bytesWritten = bytesWritten;
            return this;
        }

        /**
         * @param bytesRead payload bytes read from packs since open
         * @return this builder
         */
        public Builder bytesRead(long bytesRead) {
            this.bytesRead = bytesRead;
            return this;
        }

        /**
         * @param forces forces (fsyncs) of pack files since open
         * @return this builder
         */
        public Builder forces(long forces) {
            this.forces = forces;
            return this;
        }

        /**
         * @param indexRebuilds full index rebuilds since open (including one done while opening)
         * @return this builder
         */
        public Builder indexRebuilds(long indexRebuilds) {
            this.indexRebuilds = indexRebuilds;
            return this;
        }

        /**
         * @param recoveredEntries entries indexed by recovery at open (found after the index checkpoint)
         * @return this builder
         */
        public Builder recoveredEntries(long recoveredEntries) {
            this.recoveredEntries = recoveredEntries;
            return this;
        }

        /**
         * @param truncatedBytes bytes of a torn tail cut from the active pack at open
         * @return this builder
         */
        public Builder truncatedBytes(long truncatedBytes) {
            this.truncatedBytes = truncatedBytes;
            return this;
        }

        /**
         * @param seals packs sealed since open
         * @return this builder
         */
        public Builder seals(long seals) {
            this.seals = seals;
            return this;
        }

        /**
         * @param repairs packs repaired from parity since open
         * @return this builder
         */
        public Builder repairs(long repairs) {
            this.repairs = repairs;
            return this;
        }

        /**
         * @param healedReads gets since open whose damaged bytes were rebuilt from parity on the fly
         * @return this builder
         */
        public Builder healedReads(long healedReads) {
            this.healedReads = healedReads;
            return this;
        }

        /**
         * @param quarantinedPacks packs in quarantine
         * @return this builder
         */
        public Builder quarantinedPacks(int quarantinedPacks) {
            this.quarantinedPacks = quarantinedPacks;
            return this;
        }

        /**
         * @param groupCommits group commits since open (GROUP durability): each is one force and
         *                     one index batch
         * @return this builder
         */
        public Builder groupCommits(long groupCommits) {
            this.groupCommits = groupCommits;
            return this;
        }

        /**
         * @param groupCommitEntries entries made durable by those group commits; divided by
         *                           {@code groupCommits}, the mean batch size
         * @return this builder
         */
        public Builder groupCommitEntries(long groupCommitEntries) {
            this.groupCommitEntries = groupCommitEntries;
            return this;
        }

        /**
         * @param uncleanShutdown whether the store found, at open, that its last run had not closed it
         * @return this builder
         */
        public Builder uncleanShutdown(boolean uncleanShutdown) {
            this.uncleanShutdown = uncleanShutdown;
            return this;
        }

        /**
         * @param deletedBlobs deleted blobs whose bytes are still in packs, waiting for compaction
         * @return this builder
         */
        public Builder deletedBlobs(long deletedBlobs) {
            this.deletedBlobs = deletedBlobs;
            return this;
        }

        /**
         * @param garbageBytes dead bytes in the packs: entries of deleted blobs and copies of blobs stored elsewhere
         * @return this builder
         */
        public Builder garbageBytes(long garbageBytes) {
            this.garbageBytes = garbageBytes;
            return this;
        }

        /**
         * @param garbageByPack dead bytes per pack number, for the packs that have any; copied
         * @return this builder
         */
        public Builder garbageByPack(java.util.Map<Integer, Long> garbageByPack) {
            this.garbageByPack = new java.util.TreeMap<>(garbageByPack);
            return this;
        }

        /**
         * @param compactions packs rewritten by compaction over the store's life
         * @return this builder
         */
        public Builder compactions(long compactions) {
            this.compactions = compactions;
            return this;
        }

        /**
         * @param reclaimedBytes dead bytes compaction has given back over the store's life
         * @return this builder
         */
        public Builder reclaimedBytes(long reclaimedBytes) {
            this.reclaimedBytes = reclaimedBytes;
            return this;
        }

        /**
         * @param archive where sealed packs are archived, or an empty string when the store has no archive
         * @return this builder
         */
        public Builder archive(String archive) {
            this.archive = java.util.Objects.requireNonNull(archive, "archive");
            return this;
        }

        /**
         * @param archivedPacks sealed packs the archive holds, as the store last knew
         * @return this builder
         */
        public Builder archivedPacks(long archivedPacks) {
            this.archivedPacks = archivedPacks;
            return this;
        }

        /**
         * @param evictedPacks packs whose local file was evicted: their blobs are read from the archive
         * @return this builder
         */
        public Builder evictedPacks(long evictedPacks) {
            this.evictedPacks = evictedPacks;
            return this;
        }

        /**
         * @param uploadBacklog sealed packs waiting to be uploaded to the archive
         * @return this builder
         */
        public Builder uploadBacklog(long uploadBacklog) {
            this.uploadBacklog = uploadBacklog;
            return this;
        }

        /**
         * @param archiveReads packs read from the archive since open (downloads for a restore or a repair)
         * @return this builder
         */
        public Builder archiveReads(long archiveReads) {
            this.archiveReads = archiveReads;
            return this;
        }

        /**
         * @param unverifiedPacks packs the verify ledger holds no result for, the active pack aside: never verified
         * @return this builder
         */
        public Builder unverifiedPacks(long unverifiedPacks) {
            this.unverifiedPacks = unverifiedPacks;
            return this;
        }

        /**
         * @param oldestVerification when the pack verified longest ago was verified, in milliseconds since the epoch; 0 when no pack has been verified
         * @return this builder
         */
        public Builder oldestVerification(long oldestVerification) {
            this.oldestVerification = oldestVerification;
            return this;
        }

        /**
         * @param scrubbedPacks packs the background scrub has verified in its current round; 0 without a scrub
         * @return this builder
         */
        public Builder scrubbedPacks(long scrubbedPacks) {
            this.scrubbedPacks = scrubbedPacks;
            return this;
        }

        /**
         * @param scrubRoundPacks packs in the background scrub's current round; 0 without a scrub
         * @return this builder
         */
        public Builder scrubRoundPacks(long scrubRoundPacks) {
            this.scrubRoundPacks = scrubRoundPacks;
            return this;
        }

        /**
         * @param scrubRounds rounds over every pack the background scrub has finished since open
         * @return this builder
         */
        public Builder scrubRounds(long scrubRounds) {
            this.scrubRounds = scrubRounds;
            return this;
        }

        /**
         * @param scrubbedBytes bytes the background scrub has read since open
         * @return this builder
         */
        public Builder scrubbedBytes(long scrubbedBytes) {
            this.scrubbedBytes = scrubbedBytes;
            return this;
        }

        /** @return a snapshot of the values set so far */
        public StoreStats build() {
            return new StoreStats(this);
        }
    }
}
