package org.blobsfile.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.StoreStats;

/** Text and JSON forms of what compact did; shared by the command and the demo. */
final class CompactionReports {
    private CompactionReports() {
    }

    /**
     * A pack compaction left as it was.
     *
     * @param pack   its file name
     * @param reason why, one sentence
     */
    record Skip(String pack, String reason) {
    }

    /** @return the skipped packs of a report, each with its reason */
    static List<Skip> skips(CompactionReport r) {
        List<Skip> out = new ArrayList<>();
        for (CompactionReport.Skipped s : r.skipped()) {
            out.add(new Skip(s.pack().getFileName().toString(), s.reason()));
        }
        return out;
    }

    /**
     * @param pack a pack number
     * @return its file name, {@code blobs-NNNNN}
     */
    static String packName(int pack) {
        String digits = Integer.toString(pack); // not String.format: see Sizes
        return "blobs-" + "0".repeat(Math.max(0, 5 - digits.length())) + digits;
    }

    /**
     * @param percent a percentage
     * @return it as people write it: {@code 25%}, {@code 12.5%}
     */
    static String percent(BigDecimal percent) {
        return percent.stripTrailingZeros().toPlainString() + "%";
    }

    /**
     * @param r          what compact did
     * @param minGarbage the threshold it used, in percent
     * @param after      the store's stats afterwards, for the garbage left
     * @return one line per rewritten and per skipped pack, then a summary
     */
    static List<String> lines(CompactionReport r, BigDecimal minGarbage, StoreStats after) {
        List<String> out = new ArrayList<>();
        for (Path p : r.rewritten()) {
            out.add("rewritten  " + p.getFileName());
        }
        for (Skip s : skips(r)) {
            out.add("skipped    " + s.pack() + "  " + s.reason());
        }
        out.add(summary(r, minGarbage, after));
        return out;
    }

    /** @return the closing line of {@code compact} */
    static String summary(CompactionReport r, BigDecimal minGarbage, StoreStats after) {
        String left = "garbage left: " + garbage(after);
        int tried = r.rewritten().size() + r.skipped().size();
        if (tried == 0) {
            return "compact: no sealed pack has " + percent(minGarbage) + " garbage or more, nothing to do; " + left;
        }
        String head = String.format(Locale.ROOT, "compact: rewrote %d of %d %s with %s garbage or more: moved %d live %s"
                        + " (%s), reclaimed %s (%d bytes); %s", r.rewritten().size(), tried, tried == 1 ? "pack" : "packs",
                percent(minGarbage), r.blobsMoved(), r.blobsMoved() == 1 ? "blob" : "blobs", Sizes.human(r.bytesMoved()),
                Sizes.human(r.bytesReclaimed()), r.bytesReclaimed(), left);
        if (r.skipped().isEmpty()) {
            return head;
        }
        return head + "; " + r.skipped().size() + (r.skipped().size() == 1 ? " pack" : " packs")
                + " skipped: run 'blobsfile repair', then compact again";
    }

    /**
     * @param s a store's stats
     * @return its garbage for people: {@code 1.2 MiB in 2 packs}, or {@code none}
     */
    static String garbage(StoreStats s) {
        if (s.garbageBytes() == 0) {
            return "none";
        }
        int packs = s.garbageByPack().size();
        return Sizes.human(s.garbageBytes()) + " in " + packs + (packs == 1 ? " pack" : " packs");
    }

    /**
     * @param s a store's stats
     * @return the garbage of each pack that has any, keyed by file name
     */
    static Json garbageByPack(StoreStats s) {
        Json j = new Json();
        for (Map.Entry<Integer, Long> e : s.garbageByPack().entrySet()) {
            j.put(packName(e.getKey()), e.getValue());
        }
        return j;
    }

    /**
     * @param dir          the store directory
     * @param r            what compact did
     * @param minGarbage   the threshold it used, in percent
     * @param bytesPerSec  the rate limit it used, 0 for none
     * @param after        the store's stats afterwards
     * @return the report as one JSON object
     */
    static String json(Path dir, CompactionReport r, BigDecimal minGarbage, long bytesPerSec, StoreStats after) {
        List<String> rewritten = new ArrayList<>();
        r.rewritten().forEach(p -> rewritten.add(p.getFileName().toString()));
        List<Json> skipped = new ArrayList<>();
        for (Skip s : skips(r)) {
            skipped.add(new Json().put("pack", s.pack()).put("reason", s.reason()));
        }
        return new Json()
                .put("directory", dir.toAbsolutePath().toString())
                .put("min_garbage_percent", minGarbage)
                .put("bytes_per_second", bytesPerSec)
                .put("rewritten", rewritten)
                .put("blobs_moved", r.blobsMoved())
                .put("bytes_moved", r.bytesMoved())
                .put("bytes_reclaimed", r.bytesReclaimed())
                .put("skipped", skipped)
                .put("garbage_bytes", after.garbageBytes())
                .put("garbage_by_pack", garbageByPack(after))
                .toString();
    }
}
