package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;

/**
 * A sealed pack that holds no blob: the header, an EOF entry whose padding fills the data area,
 * and parity. It takes the place of a pack that must go (quarantined, or rewritten by compaction)
 * so that pack numbers stay dense and every v1 tool still reads the directory. Its zeros are holes
 * in the file, parity included, so it costs a few KiB of disk.
 */
public final class EmptyPack {
    private EmptyPack() {
    }

    /**
     * Writes an empty sealed pack, forced.
     *
     * @param p        where; replaced if it exists
     * @param geometry the store's pack geometry
     * @throws IOException when the file cannot be written
     */
    public static void write(Path p, PackGeometry geometry) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            PositionalIo.writeFully(ch, 0, ByteBuffer.wrap(PackFormat.header()));
            PositionalIo.writeFully(ch, PackFormat.HEADER_SIZE,
                    ByteBuffer.wrap(EntryHeader.eofAt(geometry, PackFormat.HEADER_SIZE).encode()));
            // one zero byte at the end leaves the padding a hole: the file costs no disk for it
            PositionalIo.writeFully(ch, geometry.dataAreaEnd() - 1, ByteBuffer.wrap(new byte[1]));
        }
        new Sealer(geometry).seal(p);
    }
}
