package org.blobsfile.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.PackInspector;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;

/**
 * The blob entries of a closed store's packs, read at the file layer, and second copies of them
 * appended to the active pack: what a crash between an append and its index write, or a
 * compaction cut short, leaves behind. The store must be closed while this reads or writes.
 */
public final class PackEntryCopies {
    /**
     * A blob entry of a pack.
     *
     * @param pack   the pack's number
     * @param offset where its header begins
     * @param ref    its blob
     * @param length header and payload
     */
    public record Entry(int pack, long offset, BlobRef ref, long length) {
    }

    private PackEntryCopies() {
    }

    /**
     * @param dir a closed store's directory
     * @return every blob entry of its packs that parses, in pack and offset order
     * @throws IOException when the directory cannot be listed
     */
    public static List<Entry> entries(Path dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (int n = 0; n < packCount(dir); n++) {
            for (PackInspector.Entry e : PackInspector.inspect(PackFormat.path(dir, n)).entries()) {
                if (e.kind().equals("blob")) {
                    out.add(new Entry(n, e.offset(), BlobRef.parse(e.hash()), EntryHeader.LENGTH + e.storedSize()));
                }
            }
        }
        return out;
    }

    /**
     * @param dir a store directory
     * @return how many pack files it has (they are numbered densely from 0)
     * @throws IOException when the directory cannot be listed
     */
    public static int packCount(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> p.getFileName().toString().matches("blobs-[0-9]+")).count();
        }
    }

    /**
     * Appends a byte-for-byte copy of {@code entry} after the last entry of the store's last pack,
     * when that pack is not sealed and has room for it.
     *
     * @param dir      a closed store's directory
     * @param entry    one of {@link #entries}
     * @param geometry the store's pack geometry
     * @return where the copy went, or null when the last pack is sealed or full
     * @throws IOException when a pack cannot be read or written
     */
    public static Entry appendCopy(Path dir, Entry entry, PackGeometry geometry) throws IOException {
        int last = packCount(dir) - 1;
        if (last < 0) {
            return null;
        }
        Path active = PackFormat.path(dir, last);
        PackInspector.Report report = PackInspector.inspect(active);
        long end = PackFormat.HEADER_SIZE;
        for (PackInspector.Entry e : report.entries()) {
            if (!e.kind().equals("blob")) {
                return null; // sealed: its EOF entry and parity follow the blobs
            }
            end = Math.max(end, e.offset() + EntryHeader.LENGTH + e.storedSize());
        }
        if (!geometry.fits(end, entry.length() - EntryHeader.LENGTH)) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) entry.length());
        try (FileChannel in = FileChannel.open(PackFormat.path(dir, entry.pack()), StandardOpenOption.READ)) {
            PositionalIo.readFully(in, entry.offset(), bytes);
        }
        bytes.flip();
        try (FileChannel out = FileChannel.open(active, StandardOpenOption.WRITE)) {
            // zeros the writer wrote ahead of its entries may follow: the copy takes their place
            out.truncate(end);
            PositionalIo.writeFully(out, end, bytes);
            out.force(true);
        }
        return new Entry(last, end, entry.ref(), entry.length());
    }
}
