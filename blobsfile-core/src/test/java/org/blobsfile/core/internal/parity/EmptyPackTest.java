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
        // Java reads no allocated size; du does, where there is one
        Process du;
        try {
            du = new ProcessBuilder("du", "-k", p.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException noDu) {
            org.junit.jupiter.api.Assumptions.abort("no du here to measure the allocated size");
            return;
        }
        String out = new String(du.getInputStream().readAllBytes()).trim();
        assertThat(du.waitFor()).as(out).isZero();
        long kib = Long.parseLong(out.split("\\s+")[0]);
        assertThat(kib).as("KiB allocated").isLessThan(64);
    }
}
