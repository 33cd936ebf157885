package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
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
            long padding = geometry.dataAreaEnd() - PackFormat.HEADER_SIZE - EntryHeader.LENGTH;
            PositionalIo.writeFully(ch, PackFormat.HEADER_SIZE, ByteBuffer.wrap(EntryHeader.eof(padding).encode()));
            // one zero byte at the end leaves the padding a hole: the file costs no disk for it
            PositionalIo.writeFully(ch, geometry.dataAreaEnd() - 1, ByteBuffer.wrap(new byte[1]));
        }
        new Sealer(geometry).seal(p);
    }

    /**
     * Tells an empty sealed pack by its length and first entry, without reading the rest: a pack
     * sealed because it was full never starts with the EOF entry.
     *
     * @param p        a pack file
     * @param geometry the store's pack geometry
     * @return whether it is an empty sealed pack as {@link #write} makes them: a compaction's, or a
     *         quarantine's tombstone
     * @throws IOException when the file cannot be read
     */
    public static boolean isEmpty(Path p, PackGeometry geometry) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() != geometry.sealedSize()) {
                return false;
            }
            byte[] b = new byte[PackFormat.HEADER_SIZE + EntryHeader.LENGTH];
            PositionalIo.readFully(ch, 0, b, 0, b.length);
            if (PackFormat.headerProblem(b, PackFormat.HEADER_SIZE) != null) {
                return false;
            }
            EntryHeader first = EntryHeader.decode(b, PackFormat.HEADER_SIZE);
            return first.flag() == PackFormat.FLAG_EOF
                    && first.size() == geometry.dataAreaEnd() - PackFormat.HEADER_SIZE - EntryHeader.LENGTH;
        }
    }
}
