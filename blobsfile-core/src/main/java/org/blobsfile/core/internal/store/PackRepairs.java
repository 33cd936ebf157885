package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.index.PackReindex;
import org.blobsfile.core.internal.io.Failures;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.parity.PackRepairer;
import org.blobsfile.core.internal.parity.PackVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs one damaged sealed pack from its parity: the one path that {@code repair} and the
 * background repair a healing read queues both take, so that a repaired pack is always read
 * from its new file afterwards, counted once, and its index entries re-derived from it (an index
 * built while the pack was damaged may place its blobs where a damaged size field said).
 */
final class PackRepairs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PackRepairs.class);

    private final Packs packs;
    private final StoreParts parts;
    private final PackAppender appender;
    /** Packs queued for a background repair: a pack many reads heal is repaired once. */
    private final Set<Integer> queued = ConcurrentHashMap.newKeySet();
    /** False in a store opened read-only, which never repairs. */
    private final boolean mayRepair;
    /**
     * Applies the index changes of a background repair. Not the sealing thread: applying holds
     * puts back, and {@code repair}, which holds them back too, waits for the sealing thread.
     */
    private final ExecutorService reindexer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "blobsfile-reindex");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param appender  whose exclusive section the index changes of a repair are written in
     * @param mayRepair false for a store opened read-only: no pack is repaired in the background
     */
    PackRepairs(Packs packs, StoreParts parts, PackAppender appender, boolean mayRepair) {
        this.packs = packs;
        this.parts = parts;
        this.appender = appender;
        this.mayRepair = mayRepair;
    }

    /** @return whether packs are repaired in the background: not in a store opened read-only */
    boolean mayRepair() {
        return mayRepair;
    }

    /**
     * Rebuilds the damaged shards of sealed pack {@code pack}, replaces its file, and makes the
     * index follow it. Runs with puts held back ({@link PackAppender#exclusively}).
     *
     * @param check what verifying the pack found
     * @return what the repairer did; a pack it cannot repair is left as it was
     */
    PackRepairer.Outcome repair(int pack, PackVerifier.PackCheck check) throws IOException {
        PackRepairer.Outcome o = replace(pack, check);
        if (o.status() == PackRepairer.Status.REPAIRED) {
            rederive(pack, plan(pack));
        }
        return o;
    }

    /** Rebuilds the pack's damaged shards into a new file in its place, and reads it from there on. */
    private PackRepairer.Outcome replace(int pack, PackVerifier.PackCheck check) throws IOException {
        return replace(pack, check, PackRepairer.locked(packs.readers().replacing()));
    }

    /**
     * As {@link #replace(int, PackVerifier.PackCheck)}, for a repair beside compaction and other
     * maintenance ({@link PackRepairer#unlessReplaced}). Not under the appender's exclusive hold:
     * maintenance holding it waits for this thread, the sealing thread, to be idle.
     */
    private PackRepairer.Outcome replaceUnlessReplaced(int pack, PackVerifier.PackCheck check) throws IOException {
        return replace(pack, check, PackRepairer.unlessReplaced(packs.readers().replacing()));
    }

    private PackRepairer.Outcome replace(int pack, PackVerifier.PackCheck check, PackRepairer.Placement placement)
            throws IOException {
        Path p = packs.readers().path(pack);
        PackRepairer.Outcome o = new PackRepairer(packs.geometry(), packs.codecs(), placement).repair(p, check, n -> { });
        if (o.status() == PackRepairer.Status.REPAIRED) {
            packs.readers().forget(pack); // the channel still reads the file the rename replaced
            parts.meters().repairs.increment();
            LOG.info("{}: repaired from parity (shards {})", p, o.rebuiltShards());
        }
        return o;
    }

    /** @return the index changes that make the index hold exactly the verified entries of pack {@code pack} */
    private PackReindex.Changes plan(int pack) throws IOException {
        return new PackReindex(packs.readers(), packs.codecs(), packs.geometry())
                .plan(parts.index(), pack, PackFormat.regularFileSize(packs.readers().path(pack)),
                        DeadEntries.read(parts.deletions()));
    }

    /** Writes the changes with puts held back, so the totals the appender carries stay those of the index. */
    private void rederive(int pack, PackReindex.Changes changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        appender.exclusively(() -> {
            // a blob deleted since the plan read the deletions must not be put back
            appender.rederived(changes.without(DeadEntries.read(parts.deletions())));
            return null;
        });
    }

    /**
     * Puts a pack that parity cannot repair (or a missing one) right from its archived copy,
     * before anything would be quarantined: the copy is checked against its digest first and the
     * damaged file saved. As a repair by parity, the copy is renamed over the pack: a read of
     * the file it replaces fails its hash and reads again.
     *
     * @return whether the pack is now its archived copy
     */
    boolean fromArchive(int pack) {
        ArchiveTier archive = parts.archive();
        if (archive == null || !archive.hasCopy(pack)) {
            return false;
        }
        try {
            if (!archive.restoreCopy(pack)) {
                return false;
            }
            packs.readers().forget(pack);
            parts.sealing().forget(pack);
            return true;
        } catch (IOException e) {
            LOG.warn("{}: its archived copy could not be put in place ({}); parity and quarantine decide",
                    packs.readers().path(pack), e.getMessage());
            return false;
        }
    }

    /**
     * Fetches a pack a lazy restore left in the archive, whole, in the sealing thread, after a
     * read of one of its blobs: the reads after it are local. A pack already queued is not
     * queued again; a fetch that fails leaves the pack read by range.
     */
    void fetchLater(int pack) {
        if (!mayRepair || !queued.add(pack)) {
            return;
        }
        parts.sealing().runLater(() -> {
            try {
                fromArchive(pack);
            } finally {
                queued.remove(pack);
            }
        });
    }

    /**
     * Verifies and repairs sealed pack {@code pack} in the sealing thread, after a read had to
     * heal one of its blobs: the read returns at once, and the pack is fixed before more of it
     * decays. A pack already queued is not queued again.
     */
    void inBackground(int pack) {
        if (!mayRepair || !queued.add(pack)) {
            return;
        }
        parts.sealing().runLater(() -> {
            try {
                Path p = packs.readers().path(pack);
                PackVerifier.PackCheck check = new PackVerifier(packs.geometry(), packs.codecs())
                        .check(p, pack, Files.size(p), n -> { });
                PackRepairer.Outcome o;
                try {
                    o = replaceUnlessReplaced(pack, check);
                } catch (PackRepairer.PackReplacedException e) {
                    LOG.info("{}", e.getMessage());
                    return;
                }
                if (o.status() == PackRepairer.Status.UNRECOVERABLE && fromArchive(pack)) {
                    parts.meters().repairs.increment();
                    LOG.warn("{}: beyond its parity, restored from its archived copy", p);
                } else if (o.status() == PackRepairer.Status.UNRECOVERABLE) {
                    LOG.error("{}: cannot be repaired in the background ({}); run repair to quarantine it", p, o.reason());
                } else if (o.status() == PackRepairer.Status.REPAIRED) {
                    PackReindex.Changes changes = plan(pack);
                    if (!changes.isEmpty()) {
                        reindexer.execute(() -> {
                            try {
                                rederive(pack, changes);
                            } catch (IOException | RuntimeException e) {
                                LOG.error("{}: the index could not follow its repair ({}); run reindex", p, e.toString());
                            }
                        });
                    }
                }
            } catch (IOException | RuntimeException e) {
                Failures.error(LOG, "background repair of pack " + pack + " failed (" + Failures.describe(e)
                        + "); run repair to try again", e);
            } finally {
                queued.remove(pack);
            }
        });
    }

    /**
     * Waits for the index changes of background repairs; the store closes the sealing thread,
     * which queues them, first.
     */
    @Override
    public void close() {
        reindexer.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (reindexer.awaitTermination(10, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
