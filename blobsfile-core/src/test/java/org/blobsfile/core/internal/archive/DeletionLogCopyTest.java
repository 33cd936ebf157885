package org.blobsfile.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The names of archived copies of the deletion log: those of generation 0 are the names copies
 * had before logs were pruned, every name parses back to its copy, names sort as copies do, and a
 * copy is newer by generation first; the ledger reads one written before generations as 0.
 */
class DeletionLogCopyTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @Test
    void generationZeroKeepsTheNameOfCopiesFromBeforePruning() {
        assertThat(new DeletionLogCopy(0, 1296).objectName()).isEqualTo("deletions/deletions.log.00000000000000001296");
        assertThat(DeletionLogCopy.parse("deletions/deletions.log.00000000000000001296"))
                .isEqualTo(new DeletionLogCopy(0, 1296));
        assertThat(new DeletionLogCopy(3, 208).objectName())
                .isEqualTo("deletions/deletions.log.g0000000003.00000000000000000208");
    }

    @Test
    void everyNameParsesBackAndSortsAsItsCopy() {
        Random rnd = SEED.random();
        List<DeletionLogCopy> copies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            DeletionLogCopy c = new DeletionLogCopy(rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(Integer.MAX_VALUE),
                    rnd.nextLong() >>> 1);
            assertThat(DeletionLogCopy.parse(c.objectName())).isEqualTo(c);
            copies.add(c);
        }
        List<DeletionLogCopy> byName = new ArrayList<>(copies);
        byName.sort((a, b) -> a.objectName().compareTo(b.objectName()));
        Collections.sort(copies);
        assertThat(byName).containsExactlyElementsOf(copies);
    }

    @Test
    void aLaterGenerationIsNewerThoughShorter() {
        DeletionLogCopy longOld = new DeletionLogCopy(0, 1 << 20);
        DeletionLogCopy pruned = new DeletionLogCopy(1, 208);
        assertThat(pruned.isNewerThan(longOld)).isTrue();
        assertThat(longOld.isNewerThan(pruned)).isFalse();
        assertThat(new DeletionLogCopy(1, 272).isNewerThan(pruned)).isTrue();
        assertThat(pruned.isNewerThan(pruned)).isFalse();
        assertThat(pruned.isNewerThan(DeletionLogCopy.NONE)).isTrue();
    }

    @Test
    void namesOfNoCopyAreNotParsed() {
        for (String name : List.of("deletions/deletions.log", "deletions/deletions.log.1296",
                "deletions/deletions.log.g1.00000000000000000208", "deletions/deletions.log.g0000000001.208",
                "deletions/deletions.log.00000000000000001296.tmp", "deletions/other.00000000000000001296",
                "deletions.log.00000000000000001296", "deletions/deletions.log.g9999999999.00000000000000000208",
                "deletions/deletions.log.99999999999999999999",
                // generation 0 is named without one, so this name is no copy's
                "deletions/deletions.log.g0000000000.00000000000000000208", "deletions/deletions.log.x0000000001.00000000000000000208")) {
            assertThat(DeletionLogCopy.parse(name)).as(name).isNull();
        }
    }

    @Test
    void aLedgerWithoutAGenerationReadsAsGenerationZeroAndOneWithItKeepsIt() throws Exception {
        Files.writeString(tmp.resolve(ArchiveLedger.FILE), "blobsfile-archive-ledger 1\narchive memory:a\n"
                + "deletions 1296\n", StandardCharsets.UTF_8);
        assertThat(ArchiveLedger.open(tmp, "memory:a").deletionsArchived()).isEqualTo(new DeletionLogCopy(0, 1296));

        ArchiveLedger ledger = ArchiveLedger.open(tmp, "memory:a");
        ledger.deletionsArchived(new DeletionLogCopy(2, 208));
        assertThat(ArchiveLedger.open(tmp, "memory:a").deletionsArchived()).isEqualTo(new DeletionLogCopy(2, 208));
        ledger.deletionsArchived(new DeletionLogCopy(0, 2000));
        assertThat(Files.readString(tmp.resolve(ArchiveLedger.FILE), StandardCharsets.UTF_8))
                .doesNotContain("deletions-generation");
    }
}
