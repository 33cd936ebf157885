package org.blobsfile.micrometer;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.blobsfile.api.StoreStats;

/**
 * Which meter each value of {@link StoreStats} becomes: the one place that says whether a value is
 * a count that only grows (a {@code FunctionCounter}) or a level that goes up and down (a
 * {@code Gauge}). A value added to {@code StoreStats} must be added here too, or to
 * {@link #INFO_TAGS} or {@link #LEFT_OUT}; a test of this module names any that is in none.
 */
final class StatsMeters {
    private StatsMeters() {
    }

    /** How a value is published. */
    enum Kind {
        /** Only grows while the store is open: a {@code FunctionCounter}, {@code _total} in Prometheus. */
        COUNTER,
        /** Goes up and down: a {@code Gauge}; a flag is 1 when true and 0 when false. */
        GAUGE
    }

    /**
     * One value of the stats as a meter.
     *
     * @param accessor    the {@link StoreStats} accessor it reads, which names the meter
     * @param kind        counter or gauge
     * @param value       reads it from a snapshot
     * @param description the meter's description (Prometheus' {@code HELP})
     */
    record Stat(String accessor, Kind kind, ToDoubleFunction<StoreStats> value, String description) {
        /** @return the meter's name, as {@link StatsMeters#meterName} makes it */
        String meterName() {
            return StatsMeters.meterName(accessor);
        }
    }

    /** Every numeric and boolean value of the stats, in the order {@code StoreStats} lists them. */
    static final List<Stat> ALL = List.of(
            gauge("blobs", StoreStats::blobs, "Distinct blobs in the index"),
            gauge("bytes", StoreStats::bytes, "Total uncompressed size of the blobs"),
            gauge("storedBytes", StoreStats::storedBytes, "Total size of the blobs as stored in packs (payloads only)"),
            gauge("packs", StoreStats::packs, "Pack files in the store"),
            gauge("sealedPacks", StoreStats::sealedPacks, "Packs that are full, closed and protected by parity"),
            gauge("maxPackSize", StoreStats::maxPackSize, "The store's pack size in bytes"),
            counter("puts", StoreStats::puts, "Blobs put since open, duplicates included"),
            counter("dedupedPuts", StoreStats::dedupedPuts, "Puts since open that found the blob already stored"),
            counter("gets", StoreStats::gets, "Gets since open"),
            counter("bytesWritten", StoreStats::bytesWritten, "Bytes appended to packs since open"),
            counter("bytesRead", StoreStats::bytesRead, "Payload bytes read from packs since open"),
            counter("forces", StoreStats::forces, "Forces (fsyncs) of pack files since open"),
            counter("indexRebuilds", StoreStats::indexRebuilds, "Full index rebuilds since open, one at open included"),
            counter("recoveredEntries", StoreStats::recoveredEntries,
                    "Entries indexed by recovery at open, found after the index checkpoint"),
            counter("truncatedBytes", StoreStats::truncatedBytes, "Bytes of a torn tail cut from the active pack at open"),
            counter("seals", StoreStats::seals, "Packs sealed since open"),
            counter("repairs", StoreStats::repairs, "Packs repaired from parity since open"),
            counter("healedReads", StoreStats::healedReads, "Gets since open whose damaged bytes were rebuilt from parity"),
            gauge("quarantinedPacks", StoreStats::quarantinedPacks, "Packs in quarantine, beyond repair"),
            counter("groupCommits", StoreStats::groupCommits, "Group commits since open: one force and one index batch each"),
            counter("groupCommitEntries", StoreStats::groupCommitEntries, "Entries made durable by group commits since open"),
            gauge("uncleanShutdown", s -> s.uncleanShutdown() ? 1 : 0,
                    "1 when the store found at open that its last run had not closed it, else 0"),
            gauge("deletedBlobs", StoreStats::deletedBlobs,
                    "Deleted blobs whose bytes are still in packs, waiting for compaction"),
            gauge("garbageBytes", StoreStats::garbageBytes, "Dead bytes in the packs, which compaction gives back"),
            counter("compactions", StoreStats::compactions, "Packs rewritten by compaction over the store's life"),
            counter("reclaimedBytes", StoreStats::reclaimedBytes, "Dead bytes compaction has given back over the store's life"),
            gauge("archivedPacks", StoreStats::archivedPacks, "Sealed packs the archive holds, as the store last knew"),
            gauge("evictedPacks", StoreStats::evictedPacks, "Packs whose local file was evicted, read from the archive"),
            gauge("uploadBacklog", StoreStats::uploadBacklog, "Sealed packs waiting to be uploaded to the archive"),
            counter("archiveReads", StoreStats::archiveReads, "Packs read from the archive since open"),
            gauge("unverifiedPacks", StoreStats::unverifiedPacks, "Packs the verify ledger holds no result for"),
            gauge("oldestVerification", StoreStats::oldestVerification,
                    "When the pack verified longest ago was verified, in milliseconds since the epoch; 0 when none was"),
            gauge("scrubbedPacks", StoreStats::scrubbedPacks, "Packs the background scrub has verified in its current round"),
            gauge("scrubRoundPacks", StoreStats::scrubRoundPacks, "Packs in the background scrub's current round"),
            counter("scrubRounds", StoreStats::scrubRounds, "Rounds over every pack the background scrub finished since open"),
            counter("scrubbedBytes", StoreStats::scrubbedBytes, "Bytes the background scrub has read since open"));

    /**
     * The values that are names rather than numbers, published as tags of the {@code blobsfile.info}
     * gauge (always 1), read once when the store is bound: they do not change while it is open.
     */
    static final Set<String> INFO_TAGS = Set.of("codec", "index", "durability", "archive");

    /**
     * Values with no meter: the garbage of each pack would be one series per pack, growing with
     * the store; {@code blobsfile.garbage.bytes} is their sum.
     */
    static final Set<String> LEFT_OUT = Set.of("garbageByPack");

    /**
     * @param accessor a {@link StoreStats} accessor
     * @return its meter's name, {@code bytesWritten} as {@code blobsfile.bytes.written}
     */
    static String meterName(String accessor) {
        return "blobsfile." + accessor.replaceAll("([A-Z])", ".$1").toLowerCase(Locale.ROOT);
    }

    private static Stat counter(String accessor, ToDoubleFunction<StoreStats> value, String description) {
        return new Stat(accessor, Kind.COUNTER, value, description);
    }

    private static Stat gauge(String accessor, ToDoubleFunction<StoreStats> value, String description) {
        return new Stat(accessor, Kind.GAUGE, value, description);
    }
}
