package org.blobsfile.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoreStatsTest {
    private static StoreStats.Builder sample() {
        return StoreStats.builder().blobs(3).bytes(5003).storedBytes(4000).packs(2).sealedPacks(1)
                .maxPackSize(64 * 1024).codec("zstd").index("h2").durability(Durability.GROUP).puts(7)
                .dedupedPuts(4).gets(9).bytesWritten(4114).bytesRead(77).forces(2).indexRebuilds(1)
                .recoveredEntries(6).truncatedBytes(13).seals(1).repairs(1).healedReads(2).quarantinedPacks(1)
                .groupCommits(2).groupCommitEntries(3).uncleanShutdown(true).deletedBlobs(5).garbageBytes(700)
                .garbageByPack(java.util.Map.of(1, 300L, 0, 400L)).compactions(2).reclaimedBytes(900).archive("file:/mnt/nas").archivedPacks(4).evictedPacks(3).uploadBacklog(1)
                .archiveReads(8).unverifiedPacks(2).oldestVerification(1_700_000_000_000L).scrubbedPacks(3)
                .scrubRoundPacks(11).scrubRounds(4).scrubbedBytes(12345);
    }

    @Test
    void theBuilderSetsEveryValue() {
        StoreStats s = sample().build();
        assertThat(s.blobs()).isEqualTo(3);
        assertThat(s.bytes()).isEqualTo(5003);
        assertThat(s.storedBytes()).isEqualTo(4000);
        assertThat(s.packs()).isEqualTo(2);
        assertThat(s.sealedPacks()).isEqualTo(1);
        assertThat(s.maxPackSize()).isEqualTo(64 * 1024);
        assertThat(s.codec()).isEqualTo("zstd");
        assertThat(s.index()).isEqualTo("h2");
        assertThat(s.durability()).isEqualTo(Durability.GROUP);
        assertThat(s.puts()).isEqualTo(7);
        assertThat(s.dedupedPuts()).isEqualTo(4);
        assertThat(s.gets()).isEqualTo(9);
        assertThat(s.bytesWritten()).isEqualTo(4114);
        assertThat(s.bytesRead()).isEqualTo(77);
        assertThat(s.forces()).isEqualTo(2);
        assertThat(s.indexRebuilds()).isEqualTo(1);
        assertThat(s.recoveredEntries()).isEqualTo(6);
        assertThat(s.truncatedBytes()).isEqualTo(13);
        assertThat(s.seals()).isEqualTo(1);
        assertThat(s.repairs()).isEqualTo(1);
        assertThat(s.healedReads()).isEqualTo(2);
        assertThat(s.quarantinedPacks()).isEqualTo(1);
        assertThat(s.groupCommits()).isEqualTo(2);
        assertThat(s.groupCommitEntries()).isEqualTo(3);
        assertThat(s.uncleanShutdown()).isTrue();
        assertThat(s.deletedBlobs()).isEqualTo(5);
        assertThat(s.garbageBytes()).isEqualTo(700);
        assertThat(s.garbageByPack()).containsExactly(java.util.Map.entry(0, 400L), java.util.Map.entry(1, 300L));
        assertThat(s.compactions()).isEqualTo(2);
        assertThat(s.reclaimedBytes()).isEqualTo(900);
        assertThat(s.archive()).isEqualTo("file:/mnt/nas");
        assertThat(s.archivedPacks()).isEqualTo(4);
        assertThat(s.evictedPacks()).isEqualTo(3);
        assertThat(s.uploadBacklog()).isEqualTo(1);
        assertThat(s.archiveReads()).isEqualTo(8);
        assertThat(s.unverifiedPacks()).isEqualTo(2);
        assertThat(s.oldestVerification()).isEqualTo(1_700_000_000_000L);
        assertThat(s.scrubbedPacks()).isEqualTo(3);
        assertThat(s.scrubRoundPacks()).isEqualTo(11);
        assertThat(s.scrubRounds()).isEqualTo(4);
        assertThat(s.scrubbedBytes()).isEqualTo(12345);
    }

    @Test
    void snapshotsWithTheSameValuesAreEqualAndABuilderCanBeReused() {
        StoreStats.Builder b = sample();
        StoreStats first = b.build();
        assertThat(b.build()).isEqualTo(first).hasSameHashCodeAs(first).isNotSameAs(first);
        StoreStats changed = b.gets(10).build();
        assertThat(changed).isNotEqualTo(first);
        assertThat(first.gets()).as("an earlier snapshot keeps its values").isEqualTo(9);
        assertThat(b.gets(9).garbageByPack(java.util.Map.of(0, 1L)).build()).as("the garbage per pack counts")
                .isNotEqualTo(first);
        assertThat(StoreStats.builder().build()).isEqualTo(StoreStats.builder().build()).isNotEqualTo(first);
    }

    @Test
    void toStringNamesEveryValueInOrder() {
        String s = sample().build().toString();
        assertThat(s).startsWith("StoreStats[blobs=3, bytes=5003, storedBytes=4000, packs=2, ")
                .contains(", codec=zstd, index=h2, durability=GROUP, ")
                .contains(", groupCommits=2, groupCommitEntries=3, uncleanShutdown=true, ")
                .contains(", deletedBlobs=5, garbageBytes=700, garbageByPack={0=400, 1=300}, compactions=2, reclaimedBytes=900, ")
                .endsWith(", archive=file:/mnt/nas, archivedPacks=4, evictedPacks=3, uploadBacklog=1, archiveReads=8, "
                        + "unverifiedPacks=2, oldestVerification=1700000000000, scrubbedPacks=3, scrubRoundPacks=11, scrubRounds=4,"
                        + " scrubbedBytes=12345]");
    }
}
