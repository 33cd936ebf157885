package org.blobsfile.index.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.util.Environment;

class NativeLibraryCacheTest {
    @TempDir
    Path temp;

    @Test
    void copiesTheLibraryOnceAndReusesTheCopy() throws IOException {
        Path cache = temp.resolve("cache");
        Path first = NativeLibraryCache.cached(cache);
        long expected;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(Environment.getJniLibraryFileName("rocksdb"))) {
            expected = in.readAllBytes().length;
        }
        assertThat(first).startsWith(cache).isRegularFile();
        assertThat(Files.size(first)).isEqualTo(expected);
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(first, written);
        Path second = NativeLibraryCache.cached(cache);
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second)).isEqualTo(written); // not written again
        try (Stream<Path> files = Files.list(first.getParent())) {
            assertThat(files).containsExactly(first); // no partial copy left behind
        }
    }

    @Test
    void aCopyCutShortIsReplaced() throws IOException {
        Path cache = temp.resolve("cache");
        Path library = NativeLibraryCache.cached(cache);
        long size = Files.size(library);
        Files.write(library, new byte[10]);
        assertThat(NativeLibraryCache.cached(cache)).isEqualTo(library);
        assertThat(Files.size(library)).isEqualTo(size);
    }

    @Test
    void aCacheThatCannotBeWrittenFallsBackToRocksDbsOwnLoader() throws IOException {
        Path notADirectory = Files.write(temp.resolve("cache"), new byte[] {1});
        assertThatThrownBy(() -> NativeLibraryCache.cached(notADirectory)).isInstanceOf(IOException.class);
        assertThat(NativeLibraryCache.load(notADirectory)).isEqualTo(NativeLibraryCache.Loaded.UNPACKED);
        try (Options options = new Options()) {
            assertThat(options.createIfMissing()).isFalse(); // the library works
        }
        assertThat(Files.readAllBytes(notADirectory)).containsExactly(1);
    }

    @Test
    void aWritableCacheLoadsFromTheCopy() {
        assertThat(NativeLibraryCache.load(temp.resolve("cache"))).isEqualTo(NativeLibraryCache.Loaded.CACHED);
        try (Options options = new Options()) {
            assertThat(options.createIfMissing()).isFalse();
        }
    }
}
