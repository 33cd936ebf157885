package org.blobsfile.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.PackFormat;

/**
 * What a closed store's deletion log and packs say, read at the file layer, independently of the
 * store's own pruning: whether every entry of a deleted blob is covered by a deletion (else a
 * rebuild of the index from the packs brings it back), whether every live blob keeps an entry no
 * deletion covers, and which deletions of compacted packs the log still holds though no pack
 * needs them (what a pruning is for).
 *
 * @param records   the log's records, in order
 * @param generation the generation its first record gives, 0 for a log never pruned
 * @param fileSize  the log's length in bytes
 * @param uncovered entries of blobs not live that no deletion covers: each one a deleted blob a rebuild brings back
 * @param lost      live blobs every entry of which a deletion covers: each one a blob a rebuild loses
 * @param candidates deletions whose pack was compacted after them
 * @param fresh     of those, the ones whose pack was compacted since the last pruning: what makes the next one run
 * @param unneeded  of those, the ones a pruning may drop: not their blob's latest deletion, or
 *                  covering no entry any pack still holds
 * @param misplaced problems with the log's shape: a pruning record that is not the first
 */
public record DeletionLogAudit(List<DeletionLog.Record> records, int generation, long fileSize,
                               List<PackEntryCopies.Entry> uncovered, Set<BlobRef> lost, int candidates, int fresh,
                               List<DeletionLog.Record> unneeded, List<String> misplaced) {

    /**
     * @param dir  a closed store's directory
     * @param live the blobs that must be stored
     * @return what the log and the packs say
     * @throws IOException when a file cannot be read
     */
    public static DeletionLogAudit of(Path dir, Set<BlobRef> live) throws IOException {
        List<DeletionLog.Record> records = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        DeletionLog log = DeletionLog.open(dir);
        log.read(DeletionLog.HEADER_SIZE, (r, end) -> {
            records.add(r);
            at.add(end - DeletionLog.RECORD_SIZE);
        });
        List<String> misplaced = new ArrayList<>();
        Map<BlobRef, DeletionLog.Record> latest = new HashMap<>();
        Map<Integer, Long> compactedAt = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            DeletionLog.Record r = records.get(i);
            switch (r.kind()) {
                case DELETED -> latest.merge(BlobRef.of(r.hash()), r, (a, b) -> PackFormat.isBefore(a.endPack(),
                        a.endOffset(), b.endPack(), b.endOffset()) ? b : a);
                case COMPACTED -> compactedAt.put(r.pack(), at.get(i));
                case PRUNED -> {
                    if (i != 0) {
                        misplaced.add("a pruning record at offset " + at.get(i) + ", not first");
                    }
                }
                default -> throw new IllegalStateException(r.kind().name());
            }
        }
        List<PackEntryCopies.Entry> entries = PackEntryCopies.entries(dir);
        List<PackEntryCopies.Entry> uncovered = new ArrayList<>();
        Set<BlobRef> readable = new HashSet<>();
        Set<BlobRef> stillHeld = new HashSet<>();
        for (PackEntryCopies.Entry e : entries) {
            DeletionLog.Record d = latest.get(e.ref());
            boolean covered = d != null && d.covers(e.pack(), e.offset());
            if (covered) {
                stillHeld.add(e.ref());
            } else if (live.contains(e.ref())) {
                readable.add(e.ref());
            } else {
                uncovered.add(e);
            }
        }
        Set<BlobRef> lost = new HashSet<>(live);
        lost.removeAll(readable);
        int candidates = 0;
        int fresh = 0;
        long since = !records.isEmpty() && records.get(0).kind() == DeletionLog.Kind.PRUNED
                ? records.get(0).resumeAt() : DeletionLog.HEADER_SIZE;
        List<DeletionLog.Record> unneeded = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            DeletionLog.Record r = records.get(i);
            Long compacted = compactedAt.get(r.pack());
            if (r.kind() != DeletionLog.Kind.DELETED || compacted == null || compacted < at.get(i)) {
                continue;
            }
            candidates++;
            if (compacted >= since) {
                fresh++;
            }
            BlobRef ref = BlobRef.of(r.hash());
            if (latest.get(ref) != r || !stillHeld.contains(ref)) {
                unneeded.add(r);
            }
        }
        long size = Files.exists(log.file()) ? Files.size(log.file()) : 0;
        return new DeletionLogAudit(records, records.isEmpty() || records.get(0).kind() != DeletionLog.Kind.PRUNED
                ? 0 : records.get(0).pack(), size, uncovered, lost, candidates, fresh, unneeded, misplaced);
    }

    /** @return how many deletions the log holds */
    public long deletions() {
        return records.stream().filter(r -> r.kind() == DeletionLog.Kind.DELETED).count();
    }

    /**
     * @param ref a blob
     * @return whether the log holds a deletion of it
     */
    public boolean deletes(BlobRef ref) {
        return records.stream().anyMatch(r -> r.kind() == DeletionLog.Kind.DELETED && BlobRef.of(r.hash()).equals(ref));
    }
}
