package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.blobsfile.core.internal.io.Failures;
import org.blobsfile.core.internal.parity.PackRepairer;
import org.blobsfile.core.internal.parity.PackVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs one damaged sealed pack from its parity: the one path that {@code repair} and the
 * background repair a healing read queues both take, so that a repaired pack is always read
 * from its new file afterwards and counted once.
 */
final class PackRepairs {
    private static final Logger LOG = LoggerFactory.getLogger(PackRepairs.class);

    private final Packs packs;
    private final StoreParts parts;
    /** Packs queued for a background repair: a pack many reads heal is repaired once. */
    private final Set<Integer> queued = ConcurrentHashMap.newKeySet();
    /** False in a store opened read-only, which never repairs. */
    private final boolean mayRepair;

    /** @param mayRepair false for a store opened read-only: no pack is repaired in the background */
    PackRepairs(Packs packs, StoreParts parts, boolean mayRepair) {
        this.packs = packs;
        this.parts = parts;
        this.mayRepair = mayRepair;
    }

    /** @return whether packs are repaired in the background: not in a store opened read-only */
    boolean mayRepair() {
        return mayRepair;
    }

    /**
     * Rebuilds the damaged shards of sealed pack {@code pack} and replaces its file.
     *
     * @param check what verifying the pack found
     * @return what the repairer did; a pack it cannot repair is left as it was
     */
    PackRepairer.Outcome repair(int pack, PackVerifier.PackCheck check) throws IOException {
        Path p = packs.readers().path(pack);
        PackRepairer.Outcome o = new PackRepairer(packs.geometry(), packs.codecs()).repair(p, check, n -> { });
        if (o.status() == PackRepairer.Status.REPAIRED) {
            packs.readers().forget(pack); // the channel still reads the file the rename replaced
            parts.meters().repairs.increment();
            LOG.info("{}: repaired from parity (shards {})", p, o.rebuiltShards());
        }
        return o;
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
                PackRepairer.Outcome o = repair(pack, check);
                if (o.status() == PackRepairer.Status.UNRECOVERABLE) {
                    LOG.error("{}: cannot be repaired in the background ({}); run repair to quarantine it", p, o.reason());
                }
            } catch (IOException | RuntimeException e) {
                Failures.error(LOG, "background repair of pack " + pack + " failed (" + Failures.describe(e)
                        + "); run repair to try again", e);
            } finally {
                queued.remove(pack);
            }
        });
    }
}
