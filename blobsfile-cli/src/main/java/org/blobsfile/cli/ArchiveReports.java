package org.blobsfile.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.EvictionReport;
import org.blobsfile.api.StoreStats;

/** Text and JSON forms of what archive and restore did; shared by the commands and the demo. */
final class ArchiveReports {
    private ArchiveReports() {
    }

    /**
     * @param r     what archive did
     * @param after the store's stats afterwards, for where the archive is and what it holds
     * @return one line per pack left unarchived, then a summary
     */
    static List<String> lines(ArchiveReport r, StoreStats after) {
        List<String> out = new ArrayList<>();
        for (String p : r.problems()) {
            out.add("not archived  " + p);
        }
        out.add(summary(r, after));
        return out;
    }

    /**
     * The counts the report gives: a pack the store's background uploader got to first is
     * counted as there already, not as uploaded.
     *
     * @return the closing line of {@code archive}
     */
    static String summary(ArchiveReport r, StoreStats after) {
        String line = "archive: " + packs(after.archivedPacks()) + " archived in " + after.archive() + ": "
                + r.uploaded() + " uploaded now";
        if (r.uploaded() > 0) {
            line += " (" + Sizes.human(r.bytesUploaded()) + ", " + r.bytesUploaded() + " bytes)";
        }
        line += ", " + r.alreadyArchived() + " there already";
        if (!r.problems().isEmpty()) {
            line += "; " + packs(r.problems().size()) + " not archived (see above): the archived copies are kept as they are";
        }
        return line;
    }

    /**
     * @param dir   the store directory
     * @param r     what archive did
     * @param after the store's stats afterwards
     * @return the report as one JSON object
     */
    static String json(Path dir, ArchiveReport r, StoreStats after) {
        return new Json()
                .put("directory", dir.toAbsolutePath().toString())
                .put("archive", after.archive())
                .put("uploaded", r.uploaded())
                .put("bytes_uploaded", r.bytesUploaded())
                .put("already_archived", r.alreadyArchived())
                .put("archived_packs", after.archivedPacks())
                .put("upload_backlog", after.uploadBacklog())
                .put("problems", r.problems())
                .toString();
    }

    /**
     * @param archive where the store was restored from
     * @param s       the restored store's stats
     * @return the line {@code restore} prints
     */
    static String restored(String archive, StoreStats s) {
        // a lazy restore leaves every pack evicted: they count as restored, their bytes stay in the archive
        return "restore: " + packs(s.sealedPacks() + s.evictedPacks()) + " and " + s.blobs()
                + (s.blobs() == 1 ? " blob" : " blobs") + " (" + Sizes.human(s.bytes()) + ") restored from " + archive
                + (s.evictedPacks() == 0 ? "" : "; " + s.evictedPacks() + " of the packs stay there, read by range");
    }

    /**
     * @param dir     the restored store's directory
     * @param archive where it was restored from
     * @param s       its stats
     * @return what restore did as one JSON object
     */
    static String restoredJson(Path dir, String archive, StoreStats s) {
        return new Json()
                .put("directory", dir.toAbsolutePath().toString())
                .put("archive", archive)
                .put("packs", s.sealedPacks() + s.evictedPacks())
                .put("blobs", s.blobs())
                .put("bytes", s.bytes())
                .put("deleted_blobs", s.deletedBlobs())
                .put("evicted_packs", s.evictedPacks())
                .toString();
    }

    /**
     * @param r     what evict did
     * @param after the store's stats afterwards
     * @return one line per evicted pack and per archived pack kept, then a summary
     */
    static List<String> evictionLines(EvictionReport r, StoreStats after) {
        List<String> out = new ArrayList<>();
        r.evicted().forEach(p -> out.add("evicted  " + p.getFileName()));
        r.kept().forEach(k -> out.add("kept     " + k));
        out.add("evict: " + packs(r.evicted().size()) + " evicted, " + Sizes.human(r.bytesFreed()) + " (" + r.bytesFreed()
                + " bytes) freed; " + packs(after.evictedPacks()) + " evicted in all, read from " + after.archive());
        return out;
    }

    /**
     * @param dir       the store directory
     * @param keepLocal the sealed packs kept local, as asked
     * @param r         what evict did
     * @param after     the store's stats afterwards
     * @return the report as one JSON object
     */
    static String evictionJson(Path dir, int keepLocal, EvictionReport r, StoreStats after) {
        List<String> evicted = new ArrayList<>();
        r.evicted().forEach(p -> evicted.add(p.getFileName().toString()));
        return new Json()
                .put("directory", dir.toAbsolutePath().toString())
                .put("archive", after.archive())
                .put("keep_local", keepLocal)
                .put("evicted", evicted)
                .put("bytes_freed", r.bytesFreed())
                .put("kept", r.kept())
                .put("evicted_packs", after.evictedPacks())
                .toString();
    }

    private static String packs(long n) {
        return n + (n == 1 ? " pack" : " packs");
    }
}
