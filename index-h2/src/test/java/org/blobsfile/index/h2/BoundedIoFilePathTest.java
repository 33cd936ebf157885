package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.blobsfile.tck.RandomSeed;
import org.h2.mvstore.DataUtils;
import org.h2.store.fs.FilePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Reads and writes through the bounded file system move at most a piece per call, and lose nothing. */
class BoundedIoFilePathTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path dir;

    @Test
    void largeBuffersGoInPiecesAndComeBackWhole() throws Exception {
        Path file = dir.resolve("f");
        byte[] data = new byte[3 * BoundedIoFilePath.MAX_IO + 12_345];
        SEED.random().nextBytes(data);
        try (FileChannel ch = FilePath.get(BoundedIoFilePath.nameOf(file)).open("rw")) {
            ByteBuffer src = ByteBuffer.wrap(data);
            assertThat(ch.write(src, 7)).isEqualTo(BoundedIoFilePath.MAX_IO);
            assertThat(src.position()).isEqualTo(BoundedIoFilePath.MAX_IO);
            DataUtils.writeFully(ch, 7 + BoundedIoFilePath.MAX_IO, src);
            assertThat(ch.size()).isEqualTo(7 + data.length);

            ByteBuffer dst = ByteBuffer.allocate(data.length);
            assertThat(ch.read(dst, 7)).isEqualTo(BoundedIoFilePath.MAX_IO);
            DataUtils.readFully(ch, 7 + BoundedIoFilePath.MAX_IO, dst);
            assertThat(dst.array()).isEqualTo(data);
        }
        assertThat(Files.size(file)).isEqualTo(7 + data.length);
    }
}
