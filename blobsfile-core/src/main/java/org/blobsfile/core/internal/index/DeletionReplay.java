package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the index up to date with the deletion log: the records after the point the index
 * recorded (all of them, for an index just built from the packs) remove the blobs they cover
 * and add their garbage, in one write. What a crash left unapplied, or what a rebuild from the
 * packs could not know, is applied so; a blob put again after its deletion is at a later
 * position, which its deletion does not cover, and stays.
 */
public final class DeletionReplay {
    private static final Logger LOG = LoggerFactory.getLogger(DeletionReplay.class);

    private DeletionReplay() {
    }

    /**
     * Applies the records of {@code log} that {@code index} has not applied yet. The caller holds
     * every other write of the index back.
     *
     * @param index the index
     * @param log   the store's deletion log
     * @return how many blobs it removed from the index
     * @throws IOException when the log or the index cannot be read, or the index cannot be written
     */
    public static long apply(StoreIndex index, DeletionLog log) throws IOException {
        IndexMeta.Deletions before = index.deletions();
        if (before.logApplied() > log.end()) {
            // the log was pruned after the index applied it (a crash came between the two), or lost
            // a tail it had not forced: all it holds is applied, and the next record, at its end, is not
            index.commit(new IndexBatch(), null, index.totals(), before.applying().upTo(log.end()).done());
            return 0;
        }
        if (before.logApplied() == log.end()) {
            return 0;
        }
        IndexMeta.Applying d = before.applying();
        IndexMeta.Counters[] c = {index.totals()};
        IndexBatch batch = new IndexBatch();
        Set<BlobRef> removed = new HashSet<>();
        log.read(before.logApplied(), (r, end) -> {
            if (r.kind() == DeletionLog.Kind.DELETED && !removed.contains(BlobRef.of(r.hash()))) {
                Location at = index.get(r.hash());
                if (at != null && r.covers(at.pack(), at.offset())) {
                    batch.delete(r.hash());
                    c[0] = c[0].minus(at);
                    removed.add(BlobRef.of(r.hash()));
                }
            }
            d.apply(r, end);
        });
        // past damaged slots too: they are skipped, not read again at every open
        index.commit(batch, null, c[0], d.upTo(log.end()).done());
        if (!removed.isEmpty()) {
            LOG.info("{} deleted blobs removed from the index {}", removed.size(), index.name());
        }
        return removed.size();
    }
}
