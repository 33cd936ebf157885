package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.io.PositionalIo;

/**
 * The store's {@code lost+found/} directory: bytes the store cuts off a pack (a torn tail at
 * open) are copied there first, with a note, so the store never destroys bytes itself. A saved
 * range is forced to disk, with its directory entry, before the caller may cut it.
 */
public final class LostAndFound {
    /** The directory's name under the store directory. */
    public static final String DIR = "lost+found";
    /** Copied through a buffer this large, so a long tail costs no more memory than a short one. */
    private static final int CHUNK = 1 << 20;

    private final Path dir;

    /** @param storeDir the store directory; {@code lost+found/} is made in it when first needed */
    public LostAndFound(Path storeDir) {
        this.dir = storeDir.resolve(DIR);
    }

    /**
     * Copies bytes {@code [from, to)} of a pack to {@code lost+found/blobs-NNNNN.OFFSET}, with a
     * note beside it saying where they came from and why, and forces both to disk.
     *
     * @param pack   the pack's path, for its name
     * @param ch     a channel on the pack
     * @param from   where the bytes start
     * @param to     where they end
     * @param reason why they are cut, for the note
     * @return the file the bytes were saved to
     * @throws IOException when they cannot be read or saved; then nothing may be cut
     */
    public Path save(Path pack, FileChannel ch, long from, long to, String reason) throws IOException {
        Files.createDirectories(dir);
        Fsync.directory(dir.getParent());
        String base = pack.getFileName() + "." + from;
        Path out = dir.resolve(base);
        for (int n = 1; Files.exists(out); n++) {
            out = dir.resolve(base + "-" + n); // an earlier run saved a tail from the same place
        }
        try (FileChannel w = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, to - from)));
            for (long pos = from; pos < to; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
                PositionalIo.readFully(ch, pos, buf);
                buf.flip();
                PositionalIo.writeFully(w, pos - from, buf);
                pos += buf.limit();
            }
            w.force(true);
        }
        String note = "# BlobsFile lost+found note: these bytes were cut off a pack; no blob in them verifies.\n"
                + "pack=" + pack.getFileName() + "\n"
                + "offset=" + from + "\n"
                + "length=" + (to - from) + "\n"
                + "date=" + Instant.now() + "\n"
                + "reason=" + reason.replace('\n', ' ') + "\n";
        Fsync.writeAtomically(out.resolveSibling(out.getFileName() + ".txt"), note.getBytes(StandardCharsets.UTF_8));
        Fsync.directory(dir);
        return out;
    }
}
