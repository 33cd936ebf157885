package org.blobsfile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.blobsfile.api.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks that read a ready-made store build it, do the work they claim and leave no
 * data behind, on small data sets, without JMH.
 */
class StoreBenchmarksTest {
    @TempDir
    Path scratch;

    @BeforeEach
    void scratchHere() {
        System.setProperty(BenchDirs.PROPERTY, scratch.toString());
    }

    @AfterEach
    void noDataLeft() throws IOException {
        System.clearProperty(BenchDirs.PROPERTY);
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("scratch data after teardown").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "h2"})
    void enumerateListsEveryBlob(String index) {
        EnumerateBenchmark b = new EnumerateBenchmark();
        b.index = index;
        b.blobs = 3000;
        b.build();
        try {
            assertThat(b.enumerate()).isEqualTo(3000);
        } finally {
            b.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"rocksdb,clean", "rocksdb,imported", "h2,clean", "h2,imported"})
    void openOpensTheWholeStoreEachIteration(String index, String state) {
        OpenBenchmark b = new OpenBenchmark();
        b.index = index;
        b.state = state;
        b.blobs = 2000;
        b.buildOnce();
        try {
            for (int i = 0; i < 2; i++) {
                b.buildEach();
                assertThat(b.open().stats().blobs()).isEqualTo(2000);
                b.closeOpened(); // checks the count too
                assertThat(b.openClose()).isDirectory();
            }
        } finally {
            b.delete();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "h2"})
    void rebuildIndexesEveryBlobAgain(String index) {
        RebuildBenchmark b = new RebuildBenchmark();
        b.index = index;
        b.packMiB = 2;
        b.build();
        try {
            assertThat(b.allCores()).isEqualTo((2L << 20) / RebuildBenchmark.BLOB_SIZE);
            assertThat(b.oneThread()).isEqualTo((2L << 20) / RebuildBenchmark.BLOB_SIZE);
        } finally {
            b.close(); // checks the count too
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void putAllStoresEveryBlobOfBothVariantsAsNewBlobs(String codec) throws Exception {
        PutAllBenchmark b = new PutAllBenchmark();
        b.codec = codec;
        b.size = 64 * 1024;
        b.batch = 4;
        b.maxPackMiB = 1;
        b.make();
        b.open();
        try {
            java.util.Set<org.blobsfile.api.BlobRef> refs = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                refs.addAll(b.allCores());
                refs.addAll(b.oneThread());
            }
            assertThat(refs).as("no put of the benchmark deduplicated").hasSize(3 * 2 * 4);
        } finally {
            b.close(); // checks the store holds every blob put
            b.stop();
        }
    }

    @Test
    void verifyChecksSealedPacksAndCountsWhatTheBaselineReads() throws IOException {
        VerifyBenchmark b = new VerifyBenchmark();
        b.sealedMiB = 64;
        b.build();
        try {
            VerifyBenchmark.Bytes verified = new VerifyBenchmark.Bytes();
            VerifyReport r = b.verify(verified);
            assertThat(r.isClean()).isTrue();
            assertThat(r.packs()).isEqualTo(2); // one sealed, one open with a blob
            assertThat(verified.bytes).isGreaterThan(64L << 20);
            VerifyBenchmark.Bytes read = new VerifyBenchmark.Bytes();
            assertThat(b.readPacks(read)).isEqualTo(read.bytes).isGreaterThan(64L << 20);
        } finally {
            b.close();
        }
    }
}
