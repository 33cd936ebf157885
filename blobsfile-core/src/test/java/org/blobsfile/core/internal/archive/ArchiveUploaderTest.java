package org.blobsfile.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Progress;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.testing.MemoryArchive;
import org.blobsfile.tck.ForwardingArchive;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The uploader's bookkeeping: every copy it uploads is the newest or named as replaced by a newer one. */
class ArchiveUploaderTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    @Test
    void aCopyUploadedWhileACompactionReplacedItsFileIsNamedAsReplacedByTheNextCopy() throws Exception {
        Random rnd = SEED.random();
        MemoryArchive archive = new MemoryArchive();
        // two stores of different blobs: the second's pack 0 stands for what a compaction wrote
        Path dir = tmp.resolve("s");
        Path other = tmp.resolve("other");
        for (Path d : List.of(dir, other)) {
            try (BlobStore s = BlobStore.builder(d).maxPackSize(PACK).open()) {
                while (s.sealedPacks().isEmpty()) {
                    s.put(random(rnd, 500 + rnd.nextInt(5000)));
                }
            }
        }
        Path pack = PackFormat.path(dir, 0);
        ArchiveLedger ledger = ArchiveLedger.open(dir, archive.location());
        ArchiveUploader[] u = {null};
        boolean[] replaced = {false};
        // the archive takes the first copy, then the compaction replaces the file before the
        // uploader records what it sent
        Archive racing = new ForwardingArchive(archive) {
            @Override
            public void upload(String name, Path file, Progress progress) throws IOException {
                super.upload(name, file, progress);
                if (name.startsWith(Manifest.PACKS) && !replaced[0]) {
                    replaced[0] = true;
                    u[0].rewriting(0);
                    Path next = pack.resolveSibling("next");
                    Files.copy(PackFormat.path(other, 0), next);
                    Files.move(next, pack, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        };
        u[0] = new ArchiveUploader(racing, ledger, dir, PackGeometry.of(PACK), CodecRegistry.discovered(),
                () -> List.of(0), n -> false);
        assertThat(u[0].archiveNow(Progress.NONE).problems()).isEmpty();
        assertThat(replaced[0]).isTrue();
        assertThat(u[0].archiveNow(Progress.NONE).uploaded()).as("the new file's copy").isEqualTo(1);
        Map<Integer, Manifest> newest = ArchiveRestore.newest(archive);
        assertThat(newest.get(0).digest()).isEqualTo(Manifest.of(pack, 0, PackGeometry.of(PACK),
                CodecRegistry.discovered(), null).digest());
        assertThat(ledger.isRewriting(0)).isFalse();
        u[0].close();
    }
}
