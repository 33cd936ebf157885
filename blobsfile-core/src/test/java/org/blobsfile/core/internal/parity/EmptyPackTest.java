package org.blobsfile.core.internal.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmptyPackTest {
    @TempDir
    Path tmp;

    @Test
    void anEmptyPackOfTheDefaultSizeIsSealedAndCostsAFewKibOfDisk() throws Exception {
        PackGeometry g = PackGeometry.of(256L << 20);
        Path p = tmp.resolve("blobs-00000");
        EmptyPack.write(p, g);
        assertThat(Files.size(p)).isEqualTo(g.sealedSize());
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            assertThat(new Sealer(g).isSealed(ch)).isTrue();
            PackScanner.Result r = new PackScanner(p, ch, ch.size(), g).scan(64, (e, s) -> {
                throw new AssertionError("an empty pack holds a blob at " + e.offset());
            });
            assertThat(r.damage()).isNull();
            assertThat(r.hasEof()).isTrue();
            assertThat(r.parity()).hasSize(2);
        }
        Object blocks;
        try {
            blocks = Files.getAttribute(p, "unix:blocks");
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            return; // no way to ask for the allocated size here
        }
        assertThat(((Number) blocks).longValue() * 512).as("bytes allocated").isLessThan(64 << 10);
    }
}
