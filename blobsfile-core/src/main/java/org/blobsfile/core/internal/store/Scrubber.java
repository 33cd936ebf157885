package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.io.Failures;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.VerifyLedger;
import org.blobsfile.core.internal.parity.PackVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background scrub of a store opened for writing ({@code builder.scrub(rate)}): one thread
 * verifies the closed packs in the verify ledger's order at the rate, records each result there,
 * and hands a damaged sealed pack to the store's one repair path ({@link PackRepairs#inBackground}),
 * the one a read that heals takes. A round over every closed pack is followed by the next, which
 * starts with the pack verified longest ago. Close interrupts a wait or a read and joins the thread.
 */
final class Scrubber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
    /** How long the thread waits when no pack is closed yet, or after a failure, before it looks again. */
    private static final long IDLE_MILLIS = 10_000;
    /** The least time between the starts of two rounds: a small store is not read, and recorded, without pause. */
    private static final long ROUND_MILLIS = 1_000;

    private final Packs packs;
    private final StoreParts parts;
    private final PackAppender appender;
    private final PackRepairs repairs;
    private final VerifyLedger ledger;
    private final long bytesPerSecond;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long roundPacks;
    private volatile long roundDone;
    private final LongAdder rounds = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    /** Whether a failed ledger append was logged: once is enough until one succeeds again. */
    private boolean appendFailed;
    /** Paces the reads across rounds; a new one after an idle wait, which must not become a burst. */
    private RateLimit limit;

    private Scrubber(Packs packs, StoreParts parts, PackAppender appender, PackRepairs repairs, VerifyLedger ledger,
                     long bytesPerSecond) {
        this.packs = packs;
        this.parts = parts;
        this.appender = appender;
        this.repairs = repairs;
        this.ledger = ledger;
        this.bytesPerSecond = bytesPerSecond;
        this.thread = new Thread(this::run, "blobsfile-scrub " + packs.dir().getFileName());
        thread.setDaemon(true);
    }

    /**
     * @param bytesPerSecond the rate; 0 for no scrub
     * @return the started scrubber, or null when there is none: no rate, or a store opened read-only
     */
    static Scrubber start(Packs packs, StoreParts parts, PackAppender appender, PackRepairs repairs,
                          VerifyLedger ledger, long bytesPerSecond) {
        if (bytesPerSecond <= 0 || !repairs.mayRepair()) {
            return null;
        }
        Scrubber s = new Scrubber(packs, parts, appender, repairs, ledger, bytesPerSecond);
        s.thread.start();
        return s;
    }

    /** @return packs in the current round */
    long roundPacks() {
        return roundPacks;
    }

    /** @return packs verified in the current round */
    long roundDone() {
        return roundDone;
    }

    /** @return rounds finished since open */
    long rounds() {
        return rounds.sum();
    }

    /** @return bytes read since open */
    long bytes() {
        return bytes.sum();
    }

    private void run() {
        while (!stopped) {
            try {
                long start = System.nanoTime();
                if (!round()) {
                    idle(IDLE_MILLIS);
                    continue;
                }
                idle(ROUND_MILLIS - (System.nanoTime() - start) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    return; // a read cut short by close
                }
                Failures.error(LOG, "the scrub of " + packs.dir() + " failed (" + Failures.describe(e)
                        + "); it starts again in " + IDLE_MILLIS / 1000 + " s", e);
                idle(IDLE_MILLIS);
            }
        }
    }

    /**
     * Verifies every closed pack once, longest ago first.
     *
     * @return whether there was a pack to verify
     */
    private boolean round() throws IOException {
        List<Integer> closed = closedPacks();
        if (closed.isEmpty()) {
            return false;
        }
        List<Integer> order = VerifyLedger.order(closed, ledger.latest(), System.currentTimeMillis(), 0);
        roundDone = 0;
        roundPacks = order.size();
        if (limit == null) {
            limit = new RateLimit(bytesPerSecond);
        }
        RateLimit pace = limit;
        PackVerifier verifier = new PackVerifier(packs.geometry(), packs.codecs());
        ArchiveTier archive = parts.archive();
        for (int n : order) {
            if (stopped) {
                return true;
            }
            if (archive != null && archive.isEvicted(n)) {
                checkEvicted(archive, n);
                roundDone++;
                continue;
            }
            Path p = packs.readers().path(n);
            PackVerifier.PackCheck c;
            try {
                c = verifier.check(p, n, PackFormat.regularFileSize(p), chunk -> {
                    bytes.add(chunk);
                    pace.acquire(chunk);
                });
            } catch (IOException e) {
                if (stopped) {
                    return true;
                }
                // a pack that cannot be read goes to the back of the order, so the others are still scrubbed;
                // parity rebuilds what a failing disk no longer gives back
                LOG.warn("scrub of {}: cannot be read ({})", p, Failures.describe(e));
                if (parts.sealing().isSealed(n) && PackFormat.notRegular(p) == null) {
                    repairs.inBackground(n);
                }
                record(n, 0, false);
                roundDone++;
                continue;
            }
            if (stopped) {
                return true; // the check may have been cut short: no result to record
            }
            if (!c.isClean()) {
                LOG.warn("scrub of {}: {} problems; the first: {}", p, c.damage().size(), c.damage().get(0));
                if (c.sealed() && PackFormat.notRegular(p) == null) {
                    repairs.inBackground(n); // queued before the record, so a close after it still repairs
                } else {
                    LOG.error("{}: damaged and without parity; run repair to save its intact blobs", p);
                }
            }
            record(n, c.bytesRead(), c.isClean());
            roundDone++;
        }
        rounds.increment();
        ledger.compactIfLarge(appender.packCount());
        return true;
    }

    /**
     * Checks the archived copy of an evicted pack by a sample of ranged reads, as verify does, so
     * its record in the ledger does not grow old for good. Damage there has no local copy to
     * repair from: it is logged. An archive out of reach leaves the pack for the next round.
     */
    private void checkEvicted(ArchiveTier archive, int n) {
        Path p = packs.readers().path(n);
        try {
            List<String> problems = archive.checkEvicted(n, false, sample);
            if (!problems.isEmpty()) {
                LOG.error("scrub of {} (evicted): its archived copy is damaged: {}", p, problems.get(0));
            }
            record(n, 0, problems.isEmpty());
        } catch (IOException e) {
            LOG.warn("scrub of {} (evicted): its archived copy was not checked ({})", p, Failures.describe(e));
        }
    }

    /** @return the packs the scrub checks: closed (sealed, or full without an EOF entry), or evicted */
    private List<Integer> closedPacks() {
        PackAppender.Extent extent = appender.extent();
        ArchiveTier archive = parts.archive();
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < extent.packs(); n++) {
            if (n == extent.active()) {
                continue;
            }
            if (archive != null && archive.isEvicted(n)) {
                out.add(n);
                continue;
            }
            // a pack waiting for its seal is neither: it is checked once sealed
            if (parts.sealing().isSealed(n) || parts.sealing().isUnprotected(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private final java.util.Random sample = new java.util.Random();

    private void record(int n, long bytesRead, boolean clean) {
        try {
            ledger.append(n, System.currentTimeMillis(), bytesRead, clean);
            appendFailed = false;
        } catch (IOException | UnsupportedOperationException e) {
            if (!appendFailed) {
                LOG.warn("scrub of {}: results not recorded in {} ({})", packs.dir(), ledger.file().getFileName(),
                        StoreMaintenance.whyNotWritable(e));
            }
            appendFailed = true;
        }
    }

    /** Waits, and starts the rate anew when the wait is long enough to count as idle. */
    private void idle(long millis) {
        if (millis <= 0) {
            return;
        }
        if (millis >= IDLE_MILLIS) {
            limit = null;
        }
        try {
            Thread.sleep(millis); // close interrupts it
        } catch (InterruptedException e) {
            // stopped is set: the loop ends
        }
    }

    /** Stops the thread: a wait or a read under way is interrupted. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
