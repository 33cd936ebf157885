package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.plainEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only an EOF entry states the pack size; a pack whose entries fill it to the last byte without
 * one is recognised as full without EOF entry, and only under the pack size it fills.
 */
class FullWithoutEofScanTest {
    private static final long MAX = 10_000;

    @TempDir
    Path tmp;

    private static boolean fullWithoutEof(Path p, long max) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return PackScanner.dataArea(p, ch, PackGeometry.of(max)) == PackScanner.DataArea.FULL_WITHOUT_EOF;
        }
    }

    private static long sizeFromEof(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return PackScanner.packSizeFromEof(p, ch);
        }
    }

    private Path handWritten(String name, int... sizes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PackFormat.header());
        for (int s : sizes) {
            for (ByteBuffer b : plainEntry(new byte[s])) {
                out.write(b.array());
            }
        }
        Path p = tmp.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    @Test
    void aPackFilledToTheLastByteHasNoEofAndStatesNoSize() throws IOException {
        Path p = handWritten("full", 100, (int) (MAX - 64 - 38 - 100 - 38));
        assertThat(Files.size(p)).isEqualTo(MAX);
        assertThat(fullWithoutEof(p, MAX)).isTrue();
        assertThat(fullWithoutEof(p, MAX + 1)).as("shorter than that pack size").isFalse();
        assertThat(fullWithoutEof(p, 8_270)).as("its last entry runs past that pack size").isFalse();
        assertThat(sizeFromEof(p)).isEqualTo(-1);
    }

    @Test
    void anActivePackIsNeitherFullNorSized() throws IOException {
        Path p = handWritten("active", 100, 200);
        assertThat(fullWithoutEof(p, MAX)).isFalse();
        assertThat(sizeFromEof(p)).isEqualTo(-1);
    }

    @Test
    void anEofEntryStatesThePackSize() throws IOException {
        try (PackWriter w = PackWriter.create(tmp, 0, PackGeometry.of(MAX))) {
            w.append(plainEntry(new byte[3000]), 1);
            w.finish();
        }
        Path p = PackFormat.path(tmp, 0);
        assertThat(Files.size(p)).isEqualTo(MAX);
        assertThat(sizeFromEof(p)).isEqualTo(MAX);
        assertThat(fullWithoutEof(p, MAX)).as("its data area ends with an EOF entry").isFalse();
    }
}
