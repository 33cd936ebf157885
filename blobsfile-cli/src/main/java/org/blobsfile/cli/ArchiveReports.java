package org.blobsfile.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blobsfile.api.ArchiveReport;
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
     * The counts the report gives: the store also uploads in the background from the moment it
     * opens, so a pack it got there first to is counted as there already, not as uploaded.
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
        return "restore: " + packs(s.sealedPacks()) + " and " + s.blobs() + (s.blobs() == 1 ? " blob" : " blobs") + " ("
                + Sizes.human(s.bytes()) + ") restored from " + archive;
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
                .put("packs", s.sealedPacks())
                .put("blobs", s.blobs())
                .put("bytes", s.bytes())
                .put("deleted_blobs", s.deletedBlobs())
                .toString();
    }

    private static String packs(long n) {
        return n + (n == 1 ? " pack" : " packs");
    }
}
