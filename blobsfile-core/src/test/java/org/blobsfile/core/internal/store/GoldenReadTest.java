package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.testing.Golden;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Stores written by the Go implementation open, rebuild their index, and read back exactly. */
class GoldenReadTest {
    static final List<String> CASES = Golden.STORE_CASES;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @FieldSource("CASES")
    void everyManifestBlobReadsBackAndEnumerationMatches(String name) throws Exception {
        Path dir = Golden.copyStore(name, tmp.resolve(name));
        List<Golden.Row> rows = Golden.manifest(name);
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(Golden.maxPackSize(name)).open()) {
            assertThat(store.stats().indexRebuilds()).as("a store without index is indexed at open").isEqualTo(1);
            checkEveryBlob(name, store, rows);
            store.rebuildIndex();
            checkEveryBlob(name, store, rows);
            List<String> listed = store.enumerate().map(i -> i.ref().hex()).toList();
            assertThat(listed).containsExactlyElementsOf(rows.stream().map(Golden.Row::hash).distinct().sorted().toList());
        }
    }

    private static void checkEveryBlob(String name, BlobStore store, List<Golden.Row> rows) {
        for (Golden.Row r : rows) {
            BlobRef ref = BlobRef.parse(r.hash());
            assertThat(store.exists(ref)).isTrue();
            BlobInfo info = store.enumerate(org.blobsfile.api.Range.all().from(ref).limit(1)).findFirst().orElseThrow();
            assertThat(info.pack()).isEqualTo(r.pack());
            assertThat(info.offset()).isEqualTo(r.offset());
            assertThat(info.storedSize()).isEqualTo(r.storedSize());
            if (r.codecId() == 2 && r.storedSize() > 0 && !hasCodec(2)) {
                // zstd is a plugin of its own: without it the blob is unreadable, not corrupt
                assertThatThrownBy(() -> store.get(ref)).isInstanceOf(UnsupportedCodecException.class)
                        .hasMessageContaining("unsupported codec id 2").hasMessageContaining("org.blobsfile:codec-zstd");
                continue;
            }
            byte[] blob = store.get(ref);
            assertThat(blob).as("%s %s", name, r.hash()).hasSize((int) r.size());
            assertThat(HexFormat.of().formatHex(Blake2b.hash(blob, 0, blob.length))).isEqualTo(r.hash());
            assertThat(store.size(ref)).isEqualTo(r.size());
        }
    }

    private static boolean hasCodec(int id) {
        return CodecRegistry.discovered().find(id) != null;
    }

    @ParameterizedTest
    @FieldSource("SEALED")
    void packSizeOfAGoStoreIsInferredFromItsSealedPacks(String name) throws Exception {
        Path dir = Golden.copyStore(name, tmp.resolve(name));
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(store.stats().maxPackSize()).isEqualTo(Golden.maxPackSize(name));
            assertThat(store.sealedPacks()).hasSize(Golden.props(name).getProperty("sealed_packs").split(",").length);
        }
    }

    static final List<String> SEALED = List.of("sealed", "sealed-odd", "sealed-snappy");
}
