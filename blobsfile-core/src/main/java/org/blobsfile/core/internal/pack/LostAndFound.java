package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.blobsfile.api.BlobRef;
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
    /** At most this many blobs are named for one range, so garbage cannot flood a note. */
    private static final int MAX_NAMED = 1024;
    /** Copied through a buffer this large, so a long tail costs no more memory than a short one. */
    private static final int CHUNK = 1 << 20;

    /** The name of a note naming blobs the index held that no pack holds any more starts so. */
    public static final String VANISHED = "index-vanished-";
    /** The name of a note naming blobs an index older than the deletion log held that no pack holds starts so. */
    public static final String UNACCOUNTED = "index-unaccounted-";
    /** How a note names a blob whose entry started in the saved bytes. */
    public static final String LOST = "lost=";

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
        Path out = unusedName(pack.getFileName() + "." + from);
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
        StringBuilder note = new StringBuilder()
                .append("# BlobsFile lost+found note: these bytes were cut off a pack; no blob in them verifies.\n")
                .append("# Blobs named here had entries starting in them; their bytes are incomplete or damaged.\n")
                .append("pack=").append(pack.getFileName()).append('\n')
                .append("offset=").append(from).append('\n')
                .append("length=").append(to - from).append('\n')
                .append("date=").append(Instant.now()).append('\n')
                .append("reason=").append(reason.replace('\n', ' ')).append('\n');
        for (byte[] hash : namedIn(ch, from, to)) {
            note.append(LOST).append(HexFormat.of().formatHex(hash)).append('\n');
        }
        Fsync.writeAtomically(out.resolveSibling(out.getFileName() + ".txt"), note.toString().getBytes(StandardCharsets.UTF_8));
        Fsync.directory(dir);
        return out;
    }

    /** @return a name in the directory, made if need be, that nothing has: {@code base}, else with a count after it */
    private Path unusedName(String base) throws IOException {
        Files.createDirectories(dir);
        Fsync.directory(dir.getParent());
        Path out = dir.resolve(base);
        for (int n = 1; Files.exists(out); n++) {
            out = dir.resolve(base + "-" + n); // an earlier run saved bytes under the same name
        }
        return out;
    }

    /**
     * Copies a whole file that is about to be replaced by one without its damaged parts to
     * {@code lost+found/NAME.MILLIS}, with a note saying why, and forces both to disk.
     *
     * @param file   the file
     * @param reason why it is replaced, for the note
     * @return the copy
     * @throws IOException when it cannot be read or saved; then it must not be replaced
     */
    public Path saveWhole(Path file, String reason) throws IOException {
        Path out = unusedName(file.getFileName() + "." + System.currentTimeMillis());
        Files.copy(file, out);
        try (FileChannel w = FileChannel.open(out, StandardOpenOption.WRITE)) {
            w.force(true);
        }
        String note = "# BlobsFile lost+found note: a copy of a file of the store, taken before it was replaced.\n"
                + "file=" + file.getFileName() + "\n"
                + "date=" + Instant.now() + "\n"
                + "reason=" + reason.replace('\n', ' ') + "\n";
        Fsync.writeAtomically(out.resolveSibling(out.getFileName() + ".txt"), note.getBytes(StandardCharsets.UTF_8));
        Fsync.directory(dir);
        return out;
    }

    /**
     * The blobs whose entries start in {@code [from, to)} as far as their headers tell: the
     * header at {@code from}, then each one its predecessor's size field points to. Their bytes
     * did not verify, but the hash field still names what was lost.
     *
     * @param ch   a channel on the pack
     * @param from where an entry is thought to start
     * @param to   where the range ends
     * @return the hash fields of the blob entry headers found, in file order
     * @throws IOException when the pack cannot be read
     */
    public static List<byte[]> namedIn(FileChannel ch, long from, long to) throws IOException {
        List<byte[]> out = new ArrayList<>();
        byte[] h = new byte[EntryHeader.LENGTH];
        for (long pos = from; to - pos >= EntryHeader.LENGTH && out.size() < MAX_NAMED; ) {
            PositionalIo.readFully(ch, pos, h, 0, h.length);
            EntryHeader e = EntryHeader.decode(h, 0);
            if ((e.flag() != PackFormat.FLAG_BLOB && e.flag() != PackFormat.FLAG_COMPRESSED) || e.hasZeroHash()) {
                break;
            }
            out.add(e.hash());
            pos += EntryHeader.LENGTH + e.size();
        }
        return out;
    }

    /**
     * Writes a note naming blobs the index held that no pack holds any more, found when the
     * index was rebuilt. Verify reports such a note as damage until it is removed: the blobs
     * are gone, and only the operator can say that this is accepted.
     *
     * @param vanished the blobs, as many as are named
     * @param total    how many vanished, named or not
     * @return the note
     * @throws IOException when it cannot be written
     */
    public Path noteVanished(List<BlobRef> vanished, long total) throws IOException {
        return noteBlobs(VANISHED, vanished, total,
                "# BlobsFile lost+found note: the index held these blobs, and no pack holds them any more.\n"
                + "# Restore the packs they were in and run reindex, or remove this note to accept the loss.\n");
    }

    /**
     * Names blobs an index older than the deletion log held that no pack holds, in a note that
     * asks nothing of anyone: such blobs were deleted and their deletions pruned from the log,
     * or were lost, and nothing here tells which.
     *
     * @param blobs the first of them, in key order
     * @param total how many there were
     * @return the note
     * @throws IOException when it cannot be written
     */
    public Path noteUnaccounted(List<BlobRef> blobs, long total) throws IOException {
        return noteBlobs(UNACCOUNTED, blobs, total,
                "# BlobsFile lost+found note: an index older than the deletion log held these blobs, and no pack\n"
                + "# holds them. Most were deleted since, their deletions pruned from the log; a pack lost since\n"
                + "# would show too, and verify and repair report that as damage.\n");
    }

    private Path noteBlobs(String prefix, List<BlobRef> blobs, long total, String heading) throws IOException {
        Files.createDirectories(dir);
        Path note = dir.resolve(prefix + Instant.now().toEpochMilli() + ".txt");
        StringBuilder text = new StringBuilder(heading)
                .append("date=").append(Instant.now()).append('\n')
                .append("vanished=").append(total).append('\n');
        for (BlobRef r : blobs) {
            text.append(LOST).append(r.hex()).append('\n');
        }
        Fsync.writeAtomically(note, text.toString().getBytes(StandardCharsets.UTF_8));
        return note;
    }

    /**
     * @return the notes of blobs that vanished from the index, oldest first
     * @throws IOException when the directory cannot be listed
     */
    public List<Path> vanishedNotes() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, VANISHED + "*.txt")) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }
}
