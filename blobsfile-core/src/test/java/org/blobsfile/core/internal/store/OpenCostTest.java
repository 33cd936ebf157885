package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.core.testing.fs.FileLayer;
import org.blobsfile.core.testing.fs.LayeredFileSystem;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What opening a clean store reads does not grow with the store: the thread that opens it
 * opens no pack but the last (whose tail follows the index's checkpoint). Which closed packs are
 * sealed is sorted out in the sealing thread, and every answer about it is the same as if open
 * had sorted them: a question about one pack looks at that pack when the sorting has not got there.
 */
class OpenCostTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;

    @TempDir
    Path tmp;

    @Test
    void aCleanOpenReadsNoClosedPackAndStillKnowsWhichAreSealed() throws Exception {
        Path dir = tmp.resolve("store");
        KeptMemoryIndex index = new KeptMemoryIndex();
        Random r = SEED.random();
        List<BlobRef> refs = new ArrayList<>();
        List<Path> sealedBefore;
        try (BlobStore s = BlobStore.builder(dir).maxPackSize(PACK).index(index).open()) {
            while (s.stats().packs() < 6) {
                byte[] b = new byte[500 + r.nextInt(5000)];
                r.nextBytes(b);
                refs.add(s.put(b));
            }
            s.verify(); // waits for the seals
            sealedBefore = s.sealedPacks();
        }
        assertThat(sealedBefore).hasSize(5);

        Thread opener = Thread.currentThread();
        List<String> openedByOpener = new ArrayList<>();
        LayeredFileSystem fs = new LayeredFileSystem(new FileLayer() {
            @Override
            public FileChannel open(Path file, Set<? extends OpenOption> options, Call<FileChannel> open)
                    throws IOException {
                if (Thread.currentThread() == opener && PackFormat.packNumber(file.getFileName().toString()) >= 0) {
                    synchronized (openedByOpener) {
                        openedByOpener.add(file.getFileName().toString());
                    }
                }
                return open.run();
            }
        });
        try (BlobStore s = BlobStore.builder(fs.wrap(dir)).maxPackSize(PACK).index(index).open()) {
            List<String> duringOpen;
            synchronized (openedByOpener) {
                duringOpen = List.copyOf(openedByOpener);
            }
            assertThat(duringOpen).allMatch(name -> name.equals(PackFormat.fileName(5)));
            assertThat(s.sealedPacks()).extracting(p -> p.getFileName().toString())
                    .containsExactlyElementsOf(sealedBefore.stream().map(p -> p.getFileName().toString()).toList());
            assertThat(s.stats().sealedPacks()).isEqualTo(5);
            assertThat(s.verify().isClean()).isTrue();
            for (BlobRef ref : refs) {
                assertThat(s.exists(ref)).isTrue();
            }
        }
    }
}
