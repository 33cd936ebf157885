package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;

/**
 * The store's {@code quarantine/} directory: packs beyond repair are moved there with a note
 * saying why and which blobs were lost, and replaced in the store by an empty sealed pack (a
 * tombstone) so that pack numbers stay dense and every v1 tool still parses the directory.
 */
public final class Quarantine {
    /**
     * The directory's name under the store directory. An open looks there for a pack missing from
     * the store, to tell a crash mid-quarantine (a gap to fill) from a lost pack.
     */
    public static final String DIR = "quarantine";
    private static final String NOTE_SUFFIX = ".txt";
    private static final String LOST = "lost=";

    private final Path storeDir;
    private final Path dir;
    private final PackGeometry geometry;

    /**
     * @param storeDir the store directory; the quarantine directory is made in it when first needed
     * @param geometry the store's pack geometry, which the tombstones must have to pass for sealed packs
     */
    public Quarantine(Path storeDir, PackGeometry geometry) {
        this.storeDir = storeDir;
        this.dir = storeDir.resolve(DIR);
        this.geometry = geometry;
    }

    /**
     * @param n a pack number
     * @return where pack {@code n} goes when quarantined
     */
    public Path packPath(int n) {
        return dir.resolve(PackFormat.fileName(n));
    }

    /**
     * @param n a pack number
     * @return the note of pack {@code n}, saying why it was quarantined and which blobs were lost
     */
    public Path notePath(int n) {
        return dir.resolve(PackFormat.fileName(n) + NOTE_SUFFIX);
    }

    /**
     * @param n a pack number
     * @return whether pack {@code n} has been quarantined: its note exists, which is written first
     */
    public boolean contains(int n) {
        return Files.exists(notePath(n));
    }

    /**
     * Moves pack {@code n} aside with its note and puts a tombstone in its place. The note is
     * written first and the tombstone is complete before it is renamed into place, so a crash
     * leaves either the old pack or the tombstone, and at worst a gap that {@link #fillGap} closes.
     *
     * @param n      the pack to quarantine
     * @param reason why it could not be repaired, for the note
     * @param lost   the blobs that were in no other pack, for the note and for {@link #lostBlobs}
     * @throws IOException when the note, the tombstone or a move cannot be written
     */
    public void quarantine(int n, String reason, Collection<BlobRef> lost) throws IOException {
        Files.createDirectories(dir);
        StringBuilder note = new StringBuilder()
                .append("# BlobsFile quarantine note: this pack could not be repaired from its parity.\n")
                .append("# Its intact blobs were copied to newer packs; the blobs listed as lost were in no other pack.\n")
                .append("pack=").append(PackFormat.fileName(n)).append('\n')
                .append("date=").append(Instant.now()).append('\n')
                .append("reason=").append(reason.replace('\n', ' ')).append('\n');
        for (BlobRef r : lost) {
            note.append(LOST).append(r.hex()).append('\n');
        }
        Fsync.writeAtomically(notePath(n), note.toString().getBytes(StandardCharsets.UTF_8));
        Path tomb = storeDir.resolve(PackFormat.fileName(n) + ".tombstone");
        EmptyPack.write(tomb, geometry);
        Files.move(PackFormat.path(storeDir, n), packPath(n), StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(dir);
        Files.move(tomb, PackFormat.path(storeDir, n), StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(storeDir);
    }

    /**
     * Puts a tombstone where a quarantined pack is missing from the store (a crash mid-quarantine).
     *
     * @param n the number of the missing pack
     * @throws IOException when the tombstone cannot be written or moved into place
     */
    public void fillGap(int n) throws IOException {
        Path tomb = storeDir.resolve(PackFormat.fileName(n) + ".tombstone");
        EmptyPack.write(tomb, geometry);
        Files.move(tomb, PackFormat.path(storeDir, n), StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(storeDir);
    }

    /**
     * @return every blob lost to quarantine, with the pack it was in, read from the notes
     * @throws IOException when a note cannot be read
     */
    public Map<BlobRef, Integer> lostBlobs() throws IOException {
        Map<BlobRef, Integer> out = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "blobs-*" + NOTE_SUFFIX)) {
            for (Path note : ds) {
                String name = note.getFileName().toString();
                int n = PackFormat.packNumber(name.substring(0, name.length() - NOTE_SUFFIX.length()));
                for (String line : Files.readAllLines(note, StandardCharsets.UTF_8)) {
                    if (line.startsWith(LOST)) {
                        out.put(BlobRef.parse(line.substring(LOST.length()).trim()), n);
                    }
                }
            }
        }
        return out;
    }
}
