package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code stat [--json | --prometheus]}: the store's counts and settings. */
@Command(name = "stat", mixinStandardHelpOptions = true,
        header = "Show counts, sizes, codec and index of the store.",
        description = {"Shows blob and pack counts, sizes, the codec and index in use, and the store's counters.",
                "Counters named '... since open' describe this invocation (opening included). Deleted blobs",
                "and garbage are the bytes 'compact' can give back; compactions and bytes reclaimed count",
                "over the store's life. Garbage per pack is shown as a share of the pack's data area.",
                "The oldest verification is when the pack verified longest ago was verified, from the store's",
                "verify ledger, with the packs never verified; a store opened with a background scrub adds its",
                "progress in the current round.",
                "--json prints every counter of the store's stats as one JSON object (snake_case keys).",
                "--prometheus prints them in the Prometheus text format, as blobsfile-micrometer names them",
                "(blobsfile_*, tagged store=\"<directory name>\"), for a node exporter's textfile collector;",
                "latencies are left out: only a running application times its operations.",
                "With --archive, the store is opened for writing (the archive's state is kept by the store's",
                "writer) and stat adds where packs are archived, how many the archive holds, how many are",
                "evicted and how many wait to be uploaded; without it, the archive shows when packs are evicted."})
final class StatCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Option(names = "--prometheus", description = "Print the Prometheus text format instead of text.")
    private boolean prometheus;

    @Override
    public Integer call() {
        if (json && prometheus) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "give --json or --prometheus, not both");
        }
        // a read-only open leaves the archive closed, so its counts need the writer's open
        try (BlobStore store = cli.archiveUri() != null ? cli.openStore(false) : cli.openStoreReadOnly()) {
            if (prometheus) {
                cli.println(PrometheusText.of(store).stripTrailing());
                return BlobsFileCommand.EXIT_OK;
            }
            StoreStats s = store.stats();
            String dir = store.directory().toAbsolutePath().toString();
            cli.println(json ? json(dir, s) : text(dir, s));
        }
        return BlobsFileCommand.EXIT_OK;
    }

    /**
     * @param dir the store directory
     * @param s   its stats
     * @return them as one JSON object, snake_case keys
     */
    static String json(String dir, StoreStats s) {
        return new Json()
                .put("directory", dir)
                .put("blobs", s.blobs())
                .put("bytes", s.bytes())
                .put("stored_bytes", s.storedBytes())
                .put("packs", s.packs())
                .put("sealed_packs", s.sealedPacks())
                .put("max_pack_size", s.maxPackSize())
                .put("codec", s.codec())
                .put("index", s.index())
                .put("durability", String.valueOf(s.durability()))
                .put("puts", s.puts())
                .put("deduped_puts", s.dedupedPuts())
                .put("gets", s.gets())
                .put("bytes_written", s.bytesWritten())
                .put("bytes_read", s.bytesRead())
                .put("forces", s.forces())
                .put("index_rebuilds", s.indexRebuilds())
                .put("recovered_entries", s.recoveredEntries())
                .put("truncated_bytes", s.truncatedBytes())
                .put("seals", s.seals())
                .put("repairs", s.repairs())
                .put("healed_reads", s.healedReads())
                .put("quarantined_packs", s.quarantinedPacks())
                .put("group_commits", s.groupCommits())
                .put("group_commit_entries", s.groupCommitEntries())
                .put("unclean_shutdown", s.uncleanShutdown())
                .put("deleted_blobs", s.deletedBlobs())
                .put("garbage_bytes", s.garbageBytes())
                .put("garbage_by_pack", CompactionReports.garbageByPack(s))
                .put("compactions", s.compactions())
                .put("reclaimed_bytes", s.reclaimedBytes())
                .put("archive", s.archive())
                .put("archived_packs", s.archivedPacks())
                .put("evicted_packs", s.evictedPacks())
                .put("upload_backlog", s.uploadBacklog())
                .put("archive_reads", s.archiveReads())
                .put("unverified_packs", s.unverifiedPacks())
                .put("oldest_verification", s.oldestVerification())
                .put("scrubbed_packs", s.scrubbedPacks())
                .put("scrub_round_packs", s.scrubRoundPacks())
                .put("scrub_rounds", s.scrubRounds())
                .put("scrubbed_bytes", s.scrubbedBytes())
                .toString();
    }

    /**
     * @param dir the store directory
     * @param s   its stats
     * @return them as aligned "name  value" lines
     */
    static String text(String dir, StoreStats s) {
        String ratio = s.bytes() == 0 ? "" : ", " + Sizes.decimal(100.0 * s.storedBytes() / s.bytes(), 0)
                + "% of the blobs' size";
        java.util.List<String> rows = new java.util.ArrayList<>(java.util.List.of(
                row("directory", dir),
                row("blobs", String.valueOf(s.blobs())),
                row("bytes", s.bytes() + " (" + Sizes.human(s.bytes()) + ")"),
                row("stored bytes", s.storedBytes() + " (" + Sizes.human(s.storedBytes()) + ratio + ")"),
                row("packs", s.packs() + " (" + s.sealedPacks() + " sealed)"),
                row("pack size", s.maxPackSize() + " (" + Sizes.human(s.maxPackSize()) + ")"),
                row("codec", s.codec()),
                row("index", s.index()),
                row("durability", String.valueOf(s.durability())),
                row("quarantined packs", String.valueOf(s.quarantinedPacks())),
                row("deleted blobs", s.deletedBlobs() + (s.deletedBlobs() == 0 ? "" : " (their bytes wait for compact)")),
                row("garbage", s.garbageBytes() + (s.garbageBytes() == 0 ? "" : " (" + Sizes.human(s.garbageBytes())
                        + " in " + packList(s) + ")")),
                row("compactions", s.compactions() + " packs rewritten, " + s.reclaimedBytes() + " bytes reclaimed"
                        + (s.reclaimedBytes() == 0 ? "" : " (" + Sizes.human(s.reclaimedBytes()) + ")"))));
        if (!s.archive().isEmpty()) {
            rows.add(row("archive", s.archive()));
            rows.add(row("archived packs", s.archivedPacks() + " (" + s.uploadBacklog() + " waiting to upload, "
                    + s.evictedPacks() + " evicted: read from the archive)"));
        }
        rows.add(row("oldest verification", verification(s)));
        if (s.scrubRoundPacks() > 0 || s.scrubbedBytes() > 0) {
            rows.add(row("scrub", s.scrubbedPacks() + " of " + s.scrubRoundPacks() + " packs in this round, "
                    + s.scrubRounds() + " rounds and " + Sizes.human(s.scrubbedBytes()) + " since open"));
        }
        rows.addAll(java.util.List.of(
                row("puts since open", s.puts() + " (" + s.dedupedPuts() + " duplicates)"),
                row("gets since open", s.gets() + " (" + s.healedReads() + " healed from parity)"),
                row("bytes written since open", String.valueOf(s.bytesWritten())),
                row("bytes read since open", String.valueOf(s.bytesRead())),
                row("forces since open", String.valueOf(s.forces())),
                row("group commits since open", s.groupCommits() + (s.groupCommits() == 0 ? ""
                        : " (" + Sizes.decimal((double) s.groupCommitEntries() / s.groupCommits(), 1)
                                + " entries each)")),
                row("seals since open", String.valueOf(s.seals())),
                row("repairs since open", String.valueOf(s.repairs())),
                row("index rebuilds since open", String.valueOf(s.indexRebuilds())),
                row("entries recovered at open", String.valueOf(s.recoveredEntries())),
                row("torn bytes cut at open", String.valueOf(s.truncatedBytes())),
                row("last run closed cleanly", s.uncleanShutdown() ? "no (recovered at open)" : "yes")));
        return String.join("\n", rows);
    }

    /** @return the packs that hold garbage, by number, with the share of the data area each one's is */
    private static String packList(StoreStats s) {
        // the data area as compact measures its threshold: everything of a pack after its header
        long area = Math.max(1, s.maxPackSize() - HEADER);
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (java.util.Map.Entry<Integer, Long> e : s.garbageByPack().entrySet()) {
            parts.add(CompactionReports.packName(e.getKey()) + " " + Math.min(100, Math.round(100.0 * e.getValue() / area))
                    + "%");
        }
        return (parts.size() == 1 ? "pack " : "packs ") + String.join(", ", parts);
    }

    /** @return when the pack verified longest ago was verified, and how many packs never were */
    private static String verification(StoreStats s) {
        String never = s.unverifiedPacks() == 0 ? ""
                : s.unverifiedPacks() + (s.unverifiedPacks() == 1 ? " pack" : " packs") + " never verified";
        if (s.oldestVerification() == 0) {
            return never.isEmpty() ? "no pack verified yet" : never;
        }
        String when = java.time.Instant.ofEpochMilli(s.oldestVerification()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        return never.isEmpty() ? when : never + "; of the others " + when;
    }

    /** The v1 pack header's size. */
    private static final long HEADER = 64;

    private static String row(String name, String value) {
        return name + " ".repeat(Math.max(1, 27 - name.length())) + value;
    }
}
