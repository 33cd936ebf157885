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
     * @param index an index, as it was opened
     * @param log   the store's deletion log
     * @return whether the index can be brought up to date from the log; false when the log was
     *         pruned past what the index applied (an index kept from before, of another plugin
     *         say): the blobs the pruned deletions removed would stay in it, so it must be built
     *         from the packs
     * @throws IOException when the index cannot be read
     */
    public static boolean canFollow(StoreIndex index, DeletionLog log) throws IOException {
        if (!index.hasDeletions()) {
            // built from the packs, or never saw a deletion: if the log was pruned, it may hold
            // blobs whose deletions are gone
            return log.generation() == 0;
        }
        // an index of a later generation than the log's meets a log whose first record was damaged
        return from(index.deletions(), true, log) >= 0;
    }

    /**
     * @return the offset in the log from which the index has records to apply, or -1 when it
     *         applied a log that a pruning replaced, up to a point the new log no longer holds
     */
    private static long from(IndexMeta.Deletions applied, boolean recorded, DeletionLog log) {
        if (!recorded) {
            return DeletionLog.HEADER_SIZE; // built from the packs: every deletion applies
        }
        if (applied.generation() == log.generation()) {
            // past the end when the log lost a tail it had not forced: what it holds is applied
            return Math.min(applied.logApplied(), log.end());
        }
        DeletionLog.Record pruning = log.pruning();
        if (pruning != null && applied.generation() == pruning.previousGeneration()
                && applied.logApplied() >= pruning.previousEnd()) {
            return pruning.resumeAt(); // a crash came between the pruning and the index's write
        }
        return -1;
    }

    /**
     * @param index an index
     * @param log   the store's deletion log
     * @return whether the index has applied every record of the log, by its offsets
     * @throws IOException when the index cannot be read
     */
    public static boolean isApplied(StoreIndex index, DeletionLog log) throws IOException {
        IndexMeta.Deletions d = index.deletions();
        return d.generation() == log.generation() && d.logApplied() == log.end();
    }

    /**
     * Applies the records of {@code log} that {@code index} has not applied yet. The caller holds
     * every other write of the index back, and built the index from the packs when it could not
     * follow the log ({@link #canFollow}).
     *
     * @param index the index
     * @param log   the store's deletion log
     * @return how many blobs it removed from the index
     * @throws IOException when the log or the index cannot be read, or the index cannot be written
     */
    public static long apply(StoreIndex index, DeletionLog log) throws IOException {
        IndexMeta.Deletions before = index.deletions();
        long from = from(before, index.hasDeletions(), log);
        if (from < 0) {
            throw new IllegalStateException("the index " + index.name() + " applied generation "
                    + before.generation() + " of " + log.file() + ", which is at generation " + log.generation()
                    + ": it must be built from the packs");
        }
        if (from >= log.end()) {
            if (from != before.logApplied() || before.generation() != log.generation()) {
                index.commit(new IndexBatch(), null, index.totals(),
                        before.applying().generation(log.generation()).upTo(log.end()).done());
            }
            return 0;
        }
        IndexMeta.Applying d = before.applying().generation(log.generation());
        IndexMeta.Counters[] c = {index.totals()};
        IndexBatch batch = new IndexBatch();
        Set<BlobRef> removed = new HashSet<>();
        log.read(from, (r, end) -> {
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
