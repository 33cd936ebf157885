package org.blobsfile.core.internal.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmptyPackTest {
    @TempDir
    Path tmp;

    @Test
    void anEmptyPackIsToldFromAFullOneAndFromOneOfAnotherGeometry() throws Exception {
        PackGeometry g = PackGeometry.of(64 * 1024);
        Path empty = tmp.resolve("blobs-00000");
        EmptyPack.write(empty, g);
        assertThat(EmptyPack.isEmpty(empty, g)).isTrue();
        assertThat(EmptyPack.isEmpty(empty, PackGeometry.of(128 * 1024))).isFalse();

        // a pack that holds an entry first: its EOF entry comes later
        Path full = tmp.resolve("blobs-00001");
        Files.copy(empty, full);
        byte[] blob = new EntryHeader(new byte[EntryHeader.HASH_LENGTH], PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, 10)
                .encode();
        try (FileChannel ch = FileChannel.open(full, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(blob), PackFormat.HEADER_SIZE);
        }
        assertThat(EmptyPack.isEmpty(full, g)).isFalse();
    }

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
