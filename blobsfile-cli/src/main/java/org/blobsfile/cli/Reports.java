package org.blobsfile.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.Damage;
import org.blobsfile.api.IndexFinding;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.VerifyReport;

/** Text and JSON forms of what verify and repair report; shared by the commands and the demo. */
final class Reports {
    private Reports() {
    }

    /**
     * @param d a finding
     * @return {@code PACK offset N shard S blob HASH|-: WHAT}, one line
     */
    static String line(Damage d) {
        return String.format(Locale.ROOT, "%s  offset %d  shard %s  blob %s  %s", d.pack().getFileName(), d.offset(),
                d.shard() >= 0 ? String.valueOf(d.shard()) : "-", d.blob() == null ? "-" : d.blob().hex(), d.what());
    }

    /** @return a finding as a JSON object */
    static Json json(Damage d) {
        return new Json()
                .put("pack", d.pack().getFileName().toString())
                .put("path", d.pack().toAbsolutePath().toString())
                .put("offset", d.offset())
                .put("shard", d.shard())
                .put("blob", d.blob() == null ? null : d.blob().hex())
                .put("what", d.what());
    }

    static List<Json> json(List<Damage> damage) {
        List<Json> out = new ArrayList<>();
        for (Damage d : damage) {
            out.add(json(d));
        }
        return out;
    }

    /** @return how many distinct packs the findings are in */
    static long packs(List<Damage> damage) {
        return damage.stream().map(Damage::pack).distinct().count();
    }

    /**
     * @param f a difference between the index and the packs
     * @return {@code index PACK offset N blob HASH: WHAT}, one line
     */
    static String line(IndexFinding f) {
        return String.format(Locale.ROOT, "index  %s  offset %d  blob %s  %s: %s", f.pack().getFileName(), f.offset(),
                f.blob().hex(), f.kind() == IndexFinding.Kind.MISSING ? "missing" : "stale", f.what());
    }

    /** @return a difference between the index and the packs as a JSON object */
    static Json json(IndexFinding f) {
        return new Json()
                .put("kind", f.kind().name().toLowerCase(Locale.ROOT))
                .put("pack", f.pack().getFileName().toString())
                .put("path", f.pack().toAbsolutePath().toString())
                .put("offset", f.offset())
                .put("blob", f.blob().hex())
                .put("what", f.what());
    }

    /**
     * @param r what verify found
     * @return the lines of {@code verify} before its summary: damage, index differences, warnings
     */
    static List<String> lines(VerifyReport r) {
        List<String> out = new ArrayList<>();
        for (Damage d : r.damage()) {
            out.add(line(d));
        }
        for (IndexFinding f : r.index()) {
            out.add(line(f));
        }
        for (String w : r.warnings()) {
            out.add("warning  " + w);
        }
        return out;
    }

    /**
     * @param r what verify found
     * @return the closing line of {@code verify}
     */
    static String summary(VerifyReport r) {
        String head = String.format(Locale.ROOT, "verified %d packs (%s), %d blobs: ", r.packs(), Sizes.human(r.bytesRead()),
                r.blobs());
        String warned = r.warnings().isEmpty() ? ""
                : " (" + r.warnings().size() + (r.warnings().size() == 1 ? " warning)" : " warnings)");
        if (r.isClean()) {
            return head + "clean" + warned;
        }
        List<String> parts = new ArrayList<>();
        if (!r.damage().isEmpty()) {
            parts.add(r.damage().size() + (r.damage().size() == 1 ? " problem" : " problems") + " in "
                    + packs(r.damage()) + (packs(r.damage()) == 1 ? " pack" : " packs")
                    + "; run 'blobsfile repair' to repair sealed packs from their parity");
        }
        if (!r.index().isEmpty()) {
            parts.add("the index differs from the packs in " + r.index().size()
                    + (r.index().size() == 1 ? " blob" : " blobs") + "; run 'blobsfile reindex' to rebuild it from the packs");
        }
        return head + String.join("; ", parts) + warned;
    }

    /** @return a verify report as one JSON object */
    static String json(Path dir, VerifyReport r) {
        return new Json()
                .put("directory", dir.toAbsolutePath().toString())
                .put("clean", r.isClean())
                .put("packs", r.packs())
                .put("bytes_read", r.bytesRead())
                .put("blobs", r.blobs())
                .put("damage", json(r.damage()))
                .put("index", indexJson(r.index()))
                .put("warnings", r.warnings())
                .put("recorded", r.notRecorded().isEmpty())
                .toString();
    }

    private static List<Json> indexJson(List<IndexFinding> findings) {
        List<Json> out = new ArrayList<>();
        for (IndexFinding f : findings) {
            out.add(json(f));
        }
        return out;
    }

    /**
     * @param r what repair did
     * @return its lines: one per repaired or quarantined pack, lost blob and damage left, then a summary
     */
    static List<String> lines(RepairReport r) {
        List<String> out = new ArrayList<>();
        for (Path p : r.repaired()) {
            out.add("repaired     " + p.getFileName() + "  rebuilt from parity");
        }
        for (Path p : r.quarantined()) {
            out.add("quarantined  " + p.getFileName() + "  beyond repair, moved to " + p
                    + " (see " + p.getFileName() + ".txt there); its intact blobs were copied to a newer pack");
        }
        for (BlobRef b : r.lost()) {
            out.add("lost         " + b.hex());
        }
        for (Damage d : r.remaining()) {
            out.add("remaining    " + line(d));
        }
        out.add(summary(r));
        return out;
    }

    /** @return the closing line of {@code repair} */
    static String summary(RepairReport r) {
        if (r.damage().isEmpty()) {
            return "repair: nothing to repair, every pack is intact";
        }
        String head = "repair: found " + r.damage().size() + (r.damage().size() == 1 ? " problem" : " problems")
                + " in " + packs(r.damage()) + (packs(r.damage()) == 1 ? " pack" : " packs") + "; repaired "
                + r.repaired().size() + ", quarantined " + r.quarantined().size() + ", " + r.lost().size()
                + " blobs lost";
        if (r.isComplete()) {
            return head + "; the store is intact";
        }
        return head + (r.remaining().isEmpty() ? "" : "; " + r.remaining().size()
                + " problems remain in the active pack, which has no parity yet");
    }

    /** @return a repair report as one JSON object */
    static String json(Path dir, RepairReport r) {
        List<String> repaired = new ArrayList<>();
        r.repaired().forEach(p -> repaired.add(p.toAbsolutePath().toString()));
        List<String> quarantined = new ArrayList<>();
        r.quarantined().forEach(p -> quarantined.add(p.toAbsolutePath().toString()));
        List<String> lost = new ArrayList<>();
        r.lost().forEach(b -> lost.add(b.hex()));
        return new Json()
                .put("directory", dir.toAbsolutePath().toString())
                .put("complete", r.isComplete())
                .put("repaired", repaired)
                .put("quarantined", quarantined)
                .put("lost", lost)
                .put("damage", json(r.damage()))
                .put("remaining", json(r.remaining()))
                .toString();
    }
}
