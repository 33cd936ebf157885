package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.plainEntry;
import static org.blobsfile.core.testing.StoreTestSupport.random;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.testing.RecordingChannel;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the scanner reads a pack of large entries: a scan that only wants headers skips the
 * payloads, and a scan whose visitor reads every payload reads through them in whole windows.
 */
class PackScannerTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    /** Large enough to be skipped, and the pack spans several read windows. */
    private static final int BLOB = 2 * PackScanner.SKIP_PAYLOAD;
    private static final int BLOBS = 200;

    @TempDir
    Path tmp;
    private Path pack;
    private final List<byte[]> hashes = new ArrayList<>();

    @BeforeEach
    void writePack() throws IOException {
        Random rnd = new Random(SEED.seed(7));
        try (PackWriter w = PackWriter.create(tmp, 0, PackGeometry.of(256L << 20))) {
            for (int i = 0; i < BLOBS; i++) {
                byte[] blob = random(rnd, BLOB);
                w.append(plainEntry(blob), 1);
                hashes.add(Blake2b.hash(blob, 0, blob.length));
            }
        }
        pack = PackFormat.path(tmp, 0);
    }

    @Test
    void aHeaderScanSkipsLargePayloads() throws IOException {
        List<byte[]> found = new ArrayList<>();
        RecordingChannel ch = scan((e, s) -> found.add(e.hash()));
        assertThat(found).containsExactlyElementsOf(hashes);
        // one small read per header: far fewer bytes than the pack, in about one read per entry
        assertThat((long) ch.seen.cardinality()).isLessThan(Files.size(pack) * 6 / 10);
        assertThat(ch.reads).isBetween(BLOBS / 2, BLOBS + 2);
    }

    @Test
    void aScanThatReadsPayloadsReadsThemInWholeWindows() throws IOException {
        List<byte[]> found = new ArrayList<>();
        RecordingChannel ch = scan((e, s) -> found.add(Blake2b.hash(s.payload(e), 0, (int) e.storedSize())));
        assertThat(found).containsExactlyElementsOf(hashes);
        assertThat((long) ch.seen.cardinality()).isEqualTo(Files.size(pack) - PackFormat.HEADER_SIZE);
        // skipping would take a read for each header and another for each payload
        long windows = Files.size(pack) / (1 << 20) + 1;
        assertThat(ch.reads).isLessThanOrEqualTo((int) (2 * windows + 2));
    }

    private RecordingChannel scan(PackScanner.Visitor visitor) throws IOException {
        try (RecordingChannel ch = new RecordingChannel(FileChannel.open(pack, StandardOpenOption.READ))) {
            PackScanner.Result r = new PackScanner(pack, ch, Files.size(pack), PackGeometry.unknown()).scan(PackFormat.HEADER_SIZE, visitor);
            assertThat(r.damage()).isNull();
            assertThat(r.endOfEntries()).isEqualTo(Files.size(pack));
            return ch;
        }
    }
}
