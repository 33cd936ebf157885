package org.blobsfile.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.Progress;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A store archives to a file: URI, found by its scheme, and an empty directory is restored from it. */
class FileArchiveStoreTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @Test
    void aStoreArchivesToADirectoryAndIsRestoredFromIt() throws Exception {
        Path archiveDir = Files.createDirectories(tmp.resolve("nas"));
        URI uri = archiveDir.toUri();
        Random rnd = SEED.random();
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        int sealed;
        Set<BlobRef> inSealedPacks;
        try (BlobStore s = BlobStore.builder(tmp.resolve("store")).maxPackSize(64 * 1024).archive(uri).open()) {
            while (s.sealedPacks().size() < 2) {
                byte[] b = random(rnd, 500 + rnd.nextInt(5000));
                blobs.put(s.put(b), b);
            }
            ArchiveReport r = s.archive(Progress.NONE);
            sealed = s.sealedPacks().size();
            int lastSealed = sealed - 1;
            inSealedPacks = s.enumerate().filter(i -> i.pack() <= lastSealed).map(BlobInfo::ref)
                    .collect(Collectors.toSet());
            assertThat(r.problems()).isEmpty();
            assertThat(r.uploaded() + r.alreadyArchived()).isEqualTo(sealed);
        }
        try (FileArchive a = (FileArchive) new FileArchiveProvider().open(uri)) {
            assertThat(a.list("")).extracting(ArchivedObject::name)
                    .anyMatch(n -> n.startsWith("packs/"))
                    .anyMatch(n -> n.startsWith("manifests/"));
        }

        try (BlobStore s = BlobStore.builder(tmp.resolve("restored")).maxPackSize(64 * 1024).archive(uri)
                .restore(BlobStoreOptions.Restore.FULL).open()) {
            assertThat(inSealedPacks).isNotEmpty();
            for (BlobRef ref : inSealedPacks) {
                assertThat(s.get(ref)).isEqualTo(blobs.get(ref));
            }
            assertThat(s.sealedPacks()).hasSizeGreaterThanOrEqualTo(sealed);
        }
    }
}
