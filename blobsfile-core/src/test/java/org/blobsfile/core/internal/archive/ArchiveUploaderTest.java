package org.blobsfile.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Progress;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.testing.MemoryArchive;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The uploader's queue: what it counts as waiting is what the archive still lacks. */
class ArchiveUploaderTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    @Test
    void aQueuedPackTheArchiveHoldsAlreadyIsNoLongerWaitingOnceArchiveNowFindsIt() throws Exception {
        Random rnd = SEED.random();
        MemoryArchive archive = new MemoryArchive();
        Path dir = tmp.resolve("s");
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).archive(archive).open()) {
            while (s.sealedPacks().isEmpty()) {
                s.put(random(rnd, 500 + rnd.nextInt(5000)));
            }
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
        }
        ArchiveLedger ledger = ArchiveLedger.open(dir, archive.location());
        // not started: the queue holds what a background thread has not taken yet, as when a
        // pack queued at open is put right from its archived copy before the thread gets to it
        ArchiveUploader u = new ArchiveUploader(archive, ledger, dir, PackGeometry.of(PACK),
                CodecRegistry.discovered(), () -> List.of(0));
        u.queue(0);
        assertThat(u.backlog()).isEqualTo(1);
        ArchiveReport r = u.archiveNow(Progress.NONE);
        assertThat(r.uploaded()).isZero();
        assertThat(r.alreadyArchived()).isEqualTo(1);
        assertThat(u.backlog()).as("backlog once archived").isZero();
        u.close();
    }
}
