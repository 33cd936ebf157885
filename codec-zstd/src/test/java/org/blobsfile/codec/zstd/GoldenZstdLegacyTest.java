package org.blobsfile.codec.zstd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code zstd-legacy} case of the golden v1 corpus (copied into this module's test
 * resources): packs the Go BlobsFile wrote with Zstandard, read by this codec directly and through
 * a store that finds it on the class path.
 */
class GoldenZstdLegacyTest {
    private static final int ENTRY_HEADER = 38;
    private static final String EMPTY_BLOB = "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8";

    @TempDir
    Path tmp;

    record Row(String hash, long size, int pack, long offset, long storedSize, int flag, int algo) {
    }

    static Path caseDir() {
        try {
            return Path.of(GoldenZstdLegacyTest.class.getResource("/golden/zstd-legacy/manifest.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Row> manifest() throws IOException {
        return Files.readAllLines(caseDir().resolve("manifest.tsv")).stream().skip(1).filter(l -> !l.isBlank())
                .map(l -> l.split("\t"))
                .map(f -> new Row(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6])))
                .toList();
    }

    static String blake2b(byte[] data) {
        Blake2bDigest d = new Blake2bDigest(256);
        d.update(data, 0, data.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }

    @Test
    void everyPayloadDecodesToItsHash() throws IOException {
        ZstdCodec codec = new ZstdCodec();
        List<Row> rows = manifest();
        assertThat(rows).hasSize(42);
        int decoded = 0;
        try (FileChannel ch = FileChannel.open(caseDir().resolve("store/blobs-00000"), StandardOpenOption.READ)) {
            for (Row r : rows) {
                assertThat(r.flag()).isEqualTo(2);
                assertThat(r.algo()).isEqualTo(ZstdCodec.ID);
                ByteBuffer b = ByteBuffer.allocate((int) r.storedSize());
                while (b.hasRemaining()) {
                    if (ch.read(b, r.offset() + ENTRY_HEADER + b.position()) < 0) {
                        throw new IOException("pack ends early");
                    }
                }
                byte[] payload = b.array();
                if (payload.length == 0) {
                    // the old writer's empty blob: no frame at all, which the store maps to the empty blob
                    assertThat(r.hash()).isEqualTo(EMPTY_BLOB);
                    continue;
                }
                assertThat(codec.decompressedLength(payload, 0, payload.length)).isEqualTo(r.size());
                byte[] blob = codec.decompress(payload, 0, payload.length, (int) r.size());
                assertThat(blake2b(blob)).as("blob at offset %d", r.offset()).isEqualTo(r.hash());
                decoded++;
            }
        }
        assertThat(decoded).isEqualTo(41);
    }

    @Test
    void aStoreWithThisCodecOnTheClassPathReadsEveryBlob() throws IOException {
        Path dir = tmp.resolve("store");
        copyTree(caseDir().resolve("store"), dir);
        List<Row> rows = manifest();
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(4_000_000).open()) {
            for (Row r : rows) {
                BlobRef ref = BlobRef.parse(r.hash());
                byte[] blob = store.get(ref);
                assertThat(blob).as("blob %s", r.hash()).hasSize((int) r.size());
                assertThat(blake2b(blob)).isEqualTo(r.hash());
                assertThat(store.size(ref)).isEqualTo(r.size());
            }
            Set<String> listed = new HashSet<>();
            try (Stream<BlobInfo> all = store.enumerate()) {
                all.forEach(i -> {
                    listed.add(i.ref().hex());
                    assertThat(i.codecId()).isEqualTo(ZstdCodec.ID);
                });
            }
            assertThat(listed).containsExactlyInAnyOrderElementsOf(rows.stream().map(Row::hash).toList());
        }
        assertThat(Files.readAllLines(caseDir().resolve("puts.txt"))).as("every put is a listed blob")
                .filteredOn(l -> !l.isBlank()).allMatch(h -> rows.stream().anyMatch(r -> r.hash().equals(h)));
    }

    @Test
    void aStoreWritesZstdThatItReadsBack() throws IOException {
        Path dir = tmp.resolve("new");
        byte[] text = "a store that writes with codec 'zstd' marks entries flag 2, algo 2. ".repeat(500)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        BlobRef ref;
        try (BlobStore store = BlobStore.builder(dir).codec("zstd").maxPackSize(1_000_000).open()) {
            ref = store.put(text);
            store.put(new byte[0]);
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(store.get(ref)).isEqualTo(text);
            BlobInfo info;
            try (Stream<BlobInfo> all = store.enumerate()) {
                info = all.filter(i -> i.ref().equals(ref)).findFirst().orElseThrow();
            }
            assertThat(info.codecId()).isEqualTo(ZstdCodec.ID);
            assertThat(info.storedSize()).isLessThan(text.length / 10);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            files.forEach(f -> {
                try {
                    Files.copy(f, to.resolve(f.getFileName().toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
