package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;

/**
 * A closed pack left short of the pack size without its EOF entry, though the entry fit after its
 * last blob: earlier versions opened a store whose last pack had room for its EOF entry but for
 * no other entry by starting the next pack, and nothing closed that one afterwards, so it stayed
 * without parity. A crash while this class closed one leaves the EOF entry torn, or whole with its
 * padding cut short, which it recognises too: it forces the EOF entry before writing the padding,
 * so what follows the last blob is a prefix of what closing writes until the pack is full length.
 *
 * <p>Closing writes only past the last blob, and writes bytes a complete close would have there,
 * so nothing readable can change. It runs only on packs whose every entry verifies: sealing
 * computes parity over whatever the data area holds, and parity over damage repairs nothing.
 */
final class UnclosedPack {
    /** Where the pack's last blob entry ends: the EOF entry goes here. */
    private final long end;

    private UnclosedPack(long end) {
        this.end = end;
    }

    /**
     * Looks at the structure of a closed pack shorter than its data area: entries, then nothing,
     * or the start of the close. Reads the entry headers and the bytes after them, not payloads.
     *
     * @param path     the pack
     * @param ch       an open channel on it
     * @param geometry the store's pack geometry
     * @return the pack to close, or null when it is something else
     * @throws IOException when the pack cannot be read
     */
    static UnclosedPack find(Path path, FileChannel ch, PackGeometry geometry) throws IOException {
        long size = ch.size();
        if (!geometry.isKnown() || size >= geometry.dataAreaEnd()) {
            return null;
        }
        PackScanner scanner = new PackScanner(path, ch, size, geometry);
        if (scanner.headerProblem() != null) {
            return null;
        }
        PackScanner.Result r = scanner.scan(PackFormat.HEADER_SIZE, null);
        long end = r.endOfEntries();
        // the window in which earlier versions left a pack: room for the EOF entry, none for another entry
        if (!geometry.closes(end) || geometry.fits(end, 0) || end > size) {
            return null;
        }
        return startsTheClose(ch, geometry, end, size) ? new UnclosedPack(end) : null;
    }

    /** @return whether {@code [end, size)} holds what closing at {@code end} writes there, or a prefix of it */
    private static boolean startsTheClose(FileChannel ch, PackGeometry geometry, long end, long size) throws IOException {
        byte[] eof = EntryHeader.eofAt(geometry, end).encode();
        int headerBytes = (int) Math.min(EntryHeader.LENGTH, size - end);
        byte[] found = new byte[headerBytes];
        PositionalIo.readFully(ch, end, found, 0, headerBytes);
        return Arrays.equals(found, 0, headerBytes, eof, 0, headerBytes)
                && PositionalIo.isZero(ch, end + headerBytes, size);
    }

    /**
     * Writes and forces the EOF entry, then the padding: the pack then has the length of a full
     * pack and is sealed like one. A power cut may keep any part of unforced writes, and padding
     * kept without its EOF entry would look like a full pack whose entries do not walk.
     *
     * @param ch       a channel open for writing on the pack {@link #find} was given
     * @param geometry the store's pack geometry
     * @throws IOException when the pack cannot be written or forced
     */
    void close(FileChannel ch, PackGeometry geometry) throws IOException {
        PositionalIo.writeFully(ch, end, ByteBuffer.wrap(EntryHeader.eofAt(geometry, end).encode()));
        ch.force(true);
        PositionalIo.writeZeros(ch, end + EntryHeader.LENGTH, geometry.dataAreaEnd());
        ch.force(true);
    }

    /** @return where the pack's entries end */
    long end() {
        return end;
    }
}
