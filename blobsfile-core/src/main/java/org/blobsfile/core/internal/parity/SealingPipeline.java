package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.blobsfile.api.SealListener;
import org.blobsfile.core.internal.io.Failures;
import org.blobsfile.core.internal.io.Uninterruptibly;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals full packs in one background thread, in the order they filled, while puts go on in the
 * next pack. Knows which packs are sealed. Thread-safe.
 */
public final class SealingPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SealingPipeline.class);

    private final Path dir;
    private final PackGeometry geometry;
    private final Sealer sealer;
    private final PackVerifier verifier;
    private final NavigableSet<Integer> sealed = new ConcurrentSkipListSet<>();
    private final NavigableSet<Integer> unprotected = new ConcurrentSkipListSet<>();
    /** The packs found closed at open, and what each was found to be once looked at. */
    private volatile Sorting sorted = new Sorting(0);
    private final List<SealListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder seals = new LongAdder();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "blobsfile-sealer");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts the pipeline with nothing queued; its thread is a daemon, so a store left open does
     * not keep the JVM alive.
     *
     * @param dir      the store directory
     * @param geometry the store's pack geometry
     * @param codecs   to check the entries of a pack before closing it (see {@link UnclosedPack})
     */
    public SealingPipeline(Path dir, PackGeometry geometry, CodecRegistry codecs) {
        this.dir = dir;
        this.geometry = geometry;
        this.sealer = new Sealer(geometry);
        this.verifier = new PackVerifier(geometry, codecs);
    }

    /**
     * Sorts the closed packs {@code 0..closedPacks-1} found at open into sealed ones, ones whose
     * seal never finished, which it queues, and unprotected ones: packs another v1 writer filled
     * to the last byte and closed without an EOF entry. Those are left exactly as they are, since
     * v1 readers take such a pack as closed; an EOF entry or parity appended to it would break it.
     * A pack an earlier version left short of its EOF entry ({@link UnclosedPack}) is closed and
     * sealed, unless the store is read-only or one of its entries does not verify or has a codec
     * the store lacks.
     *
     * <p>The sorting reads every closed pack, so it runs in the sealing thread rather than in
     * the open: the store opens in a time that does not grow with it. A question about one pack
     * ({@link #isSealed}, {@link #isUnprotected}) asked before the sorting reached it looks at that
     * pack at once, and {@link #sealedPacks} finishes the sorting first, so no answer depends on
     * how far it got.
     *
     * @param closedPacks how many packs are closed: all of them, or all but the last when it takes puts still
     * @param seal        whether to queue the seals that never finished; false for a store opened
     *                    read-only, which leaves such a pack as it is, unsealed
     */
    public void resume(int closedPacks, boolean seal) {
        sorted = new Sorting(closedPacks);
        if (closedPacks == 0) {
            return; // nothing to sort: the thread starts with the first seal
        }
        thread.execute(() -> {
            for (int n = 0; n < closedPacks; n++) {
                try {
                    PackState state = sort(n, true);
                    if (state == PackState.UNCLOSED && seal) {
                        close(n);
                        continue;
                    }
                    if (state != PackState.INTERRUPTED_SEAL) {
                        continue;
                    }
                    if (seal) {
                        LOG.info("{} is full but not sealed (an interrupted seal): sealing it", PackFormat.path(dir, n));
                        seal(n, -1);
                    } else {
                        LOG.info("{} is full but not sealed (an interrupted seal); left unsealed: the store is read-only",
                                PackFormat.path(dir, n));
                    }
                } catch (IOException | RuntimeException e) {
                    Failures.error(LOG, "looking at the seal of " + PackFormat.path(dir, n) + " failed ("
                            + Failures.describe(e) + "); it is looked at again at the next open", e);
                }
            }
        });
    }

    /** What opening found a closed pack to be. */
    private enum PackState {
        /** Sealed, or as long as a sealed pack with a damaged parity header: for repair, never sealed again. */
        SEALED,
        /** Full to the pack size without an EOF entry, as the Go writer closes a pack a blob fills exactly. */
        UNPROTECTED,
        /** Full but not sealed: a seal that never finished. */
        INTERRUPTED_SEAL,
        /** Short of the pack size with room for its EOF entry only, and not closed: see {@link UnclosedPack}. */
        UNCLOSED,
        /** Closed short of the pack size, or not a regular file: it cannot be sealed. */
        UNSEALABLE
    }

    /** Which of the packs found closed at open have been sorted; the packs past them are this run's. */
    private static final class Sorting {
        final int closedPacks;
        final Map<Integer, PackState> states = new ConcurrentHashMap<>();
        /** Where the entries of each pack sorted {@link PackState#UNCLOSED} end. */
        final Map<Integer, Long> unclosedEnds = new ConcurrentHashMap<>();

        Sorting(int closedPacks) {
            this.closedPacks = closedPacks;
        }
    }

    /**
     * Sorts pack {@code n} once; the sealing thread and a caller asking about the pack may both
     * look at it, and find the same, but only the sealing thread logs what it found.
     */
    private PackState sort(int n, boolean report) throws IOException {
        Sorting s = sorted;
        PackState known = s.states.get(n);
        if (known != null && !report) {
            return known;
        }
        Path p = PackFormat.path(dir, n);
        PackState state;
        UnclosedPack unclosed;
        PackScanner.DataArea area;
        if (PackFormat.notRegular(p) != null) {
            state = PackState.UNSEALABLE; // never opened nor sealed: verify reports it
        } else {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                if (sealer.isSealed(ch)) {
                    state = PackState.SEALED;
                } else if (ch.size() >= geometry.sealedSize() && !PackVerifier.parityConsistent(geometry, ch)) {
                    // as long as a sealed pack, but its parity does not match its data: a header is
                    // damaged, and the data or parity too. Sealing it again would compute parity over
                    // the damage and lose the parity that can repair it: it is sealed, for repair.
                    // (A seal stopped between its parity payloads and their headers leaves parity
                    // that matches the data: that one is sealed again, which changes nothing.)
                    state = PackState.SEALED;
                    if (report) {
                        LOG.warn("{} has the length of a sealed pack but a damaged parity header: verify reports it"
                                + " and repair fixes it", p);
                    }
                } else if ((area = PackScanner.dataArea(p, ch, geometry)) == PackScanner.DataArea.FULL_WITHOUT_EOF) {
                    state = PackState.UNPROTECTED;
                    if (report) {
                        LOG.warn("{} is full to the pack size without an EOF entry (as the Go writer closes a pack a"
                                + " blob fills exactly): closed and unprotected, it has no parity and gets none", p);
                    }
                } else if (area != PackScanner.DataArea.SHORT) {
                    // sealing adds parity to whatever the data area holds: only to one that is closed
                    state = area == PackScanner.DataArea.CLOSED ? PackState.INTERRUPTED_SEAL : PackState.UNSEALABLE;
                    if (report && state == PackState.UNSEALABLE) {
                        LOG.warn("{} is as long as a full pack, but its entries do not walk to an EOF entry at the pack"
                                + " size: it is not sealed, and verify reports it", p);
                    }
                } else if ((unclosed = UnclosedPack.find(p, ch, geometry)) != null) {
                    state = PackState.UNCLOSED;
                    s.unclosedEnds.putIfAbsent(n, unclosed.end());
                    if (report) {
                        LOG.warn("{} is closed at {} bytes short of the pack size, with room for its EOF entry only and"
                                + " no whole EOF entry (as earlier versions left such a pack): the next open for writing"
                                + " closes and seals it once every entry verifies", p, ch.size());
                    }
                } else {
                    state = PackState.UNSEALABLE;
                    if (report) {
                        LOG.warn("{} is closed at {} bytes, short of the pack size {}: it cannot be sealed", p, ch.size(),
                                geometry.maxPackSize());
                    }
                }
            }
        }
        if (state == PackState.SEALED) {
            sealed.add(n);
        } else if (state == PackState.UNPROTECTED) {
            unprotected.add(n);
        }
        s.states.putIfAbsent(n, state);
        return state;
    }

    /** Sorts pack {@code n} now if it was closed at open and the sealing thread has not got to it. */
    private void sortNow(int n) {
        Sorting s = sorted;
        if (n >= 0 && n < s.closedPacks && !s.states.containsKey(n)) {
            try {
                sort(n, false);
            } catch (IOException e) {
                // as if unsealed: the sealing thread looks again and logs why
            }
        }
    }

    /**
     * @param n a pack number
     * @return whether pack {@code n} was found at open full without an EOF entry: closed, but
     *         without parity, so verify notes it and no read can heal it
     */
    public boolean isUnprotected(int n) {
        sortNow(n);
        return unprotected.contains(n);
    }

    /**
     * @param n a pack number
     * @return whether pack {@code n} was found at open full, with its EOF entry, but with its
     *         parity missing or cut short: a seal under way in the process writing the store, or
     *         one that stopped, which the next open for writing finishes
     */
    public boolean isSealUnfinished(int n) {
        sortNow(n);
        return sorted.states.get(n) == PackState.INTERRUPTED_SEAL;
    }

    /**
     * @param n a pack number
     * @return where the entries of pack {@code n} end when it was found at open short of the pack
     *         size without its EOF entry, which the next open for writing closes and seals (see
     *         {@link UnclosedPack}); -1 for any other pack, and once it has been closed
     */
    public long unclosedEnd(int n) {
        sortNow(n);
        Sorting s = sorted;
        return s.states.get(n) == PackState.UNCLOSED ? s.unclosedEnds.getOrDefault(n, -1L) : -1;
    }

    /**
     * Queues pack {@code n} for sealing. A seal that fails is logged and left for the next open
     * to redo, as {@link #resume} finds the pack unsealed.
     *
     * @param n         a full pack, its EOF entry and padding written
     * @param blobCount its blob entries, or -1 to count them
     */
    public void submit(int n, long blobCount) {
        thread.execute(() -> seal(n, blobCount));
    }

    /**
     * Runs a task in the sealing thread, after the seals queued before it: work that must not hold
     * up its caller, such as the repair a healing read queues, uses the thread the store has already.
     *
     * @param task the work; it must not wait for the pipeline, which would be waiting for itself
     */
    public void runLater(Runnable task) {
        thread.execute(task);
    }

    /**
     * Closes a pack sorted {@link PackState#UNCLOSED} and seals it, in the sealing thread; one whose
     * entries do not all verify, or whose codec the store lacks, is left as it is, for verify to report.
     */
    private void close(int n) throws IOException {
        Path p = PackFormat.path(dir, n);
        long end = sorted.unclosedEnds.get(n);
        PackVerifier.PackCheck check = verifier.check(p, n, end, read -> { });
        if (!check.isClean() || check.unchecked() > 0) {
            LOG.warn("{} is left without its EOF entry and parity: {}", p, check.isClean()
                    ? check.unchecked() + " of its entries use a codec this store lacks, so they cannot be checked"
                    : "its entries do not all verify (" + check.damage().get(0).what() + "); verify reports it");
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            UnclosedPack pack = UnclosedPack.find(p, ch, geometry);
            if (pack == null || pack.end() != end) {
                return; // changed since it was sorted: the next open looks again
            }
            pack.close(ch, geometry);
        }
        sorted.states.put(n, PackState.INTERRUPTED_SEAL);
        LOG.info("{}: wrote its EOF entry at {}; sealing it", p, end);
        seal(n, check.blobs());
    }

    private void seal(int n, long blobCount) {
        Path p = PackFormat.path(dir, n);
        long t0 = System.nanoTime();
        try {
            sealer.seal(p);
            long count = blobCount >= 0 ? blobCount : countBlobs(p);
            sealed.add(n);
            sorted.states.computeIfPresent(n, (k, was) -> PackState.SEALED); // a pack found at open unsealed
            seals.increment();
            LOG.info("sealed {} ({} blobs) in {} ms", p, count, (System.nanoTime() - t0) / 1_000_000);
            tell(p, n, count);
        } catch (IOException | RuntimeException e) {
            Failures.error(LOG, "sealing " + p + " failed (" + Failures.describe(e)
                    + "); it will be sealed again at the next open", e);
        }
    }

    /**
     * Tells the listeners of a sealed pack that was replaced by a new sealed file (a compaction
     * rewrote it), as of a seal: a listener that ships sealed packs ships the new file.
     *
     * @param n         the pack
     * @param blobCount the blobs the new file holds
     */
    public void rewritten(int n, long blobCount) {
        tell(PackFormat.path(dir, n), n, blobCount);
    }

    private void tell(Path p, int n, long count) {
        for (SealListener l : listeners) {
            try {
                l.sealed(p, n, count);
            } catch (RuntimeException e) {
                Failures.error(LOG, "seal listener " + l + " failed for " + p + ": " + Failures.describe(e), e);
            }
        }
    }

    private static long countBlobs(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long[] n = {0};
            new PackScanner(p, ch, ch.size(), PackGeometry.unknown()).scan(PackFormat.HEADER_SIZE, (e, s) -> n[0]++);
            return n[0];
        }
    }

    /**
     * Registers a listener, told of each seal from the sealing thread; one that throws is logged
     * and does not stop the others.
     *
     * @param l the listener
     */
    public void addListener(SealListener l) {
        listeners.add(l);
    }

    /**
     * @param n a pack number
     * @return whether pack {@code n} is sealed, so the read path may rebuild its damaged entries
     */
    public boolean isSealed(int n) {
        if (sealed.contains(n)) {
            return true;
        }
        sortNow(n);
        return sealed.contains(n);
    }

    /**
     * Forgets what pack {@code n} was found to be, after its file was removed (evicted to the
     * archive) or put back (fetched from it): the next question about it looks at the file again.
     *
     * @param n a closed pack's number
     */
    public void forget(int n) {
        sealed.remove(n);
        unprotected.remove(n);
        Sorting s = sorted;
        if (n < s.closedPacks) {
            s.states.remove(n);
        }
    }

    /** @return the sealed pack numbers, ascending */
    public List<Integer> sealedPacks() {
        Sorting s = sorted;
        for (int n = 0; n < s.closedPacks; n++) {
            sortNow(n);
        }
        return List.copyOf(sealed);
    }

    /**
     * @return the seals this pipeline has done since the store opened, for the stats; packs found
     *         sealed at open do not count
     */
    public long seals() {
        return seals.sum();
    }

    /**
     * Waits until every pack queued so far is sealed (or failed). An interrupt does not cut the
     * wait short, since callers go on to read the packs as settled; it is kept for the caller.
     */
    public void awaitIdle() {
        try {
            Uninterruptibly.get(thread.submit(() -> { }));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Finishes the queued seals, then stops the thread. An interrupted close stops the seal in
     * progress instead (the next open redoes it), but still waits for the thread to end, so no
     * seal writes to a pack once the store is closed.
     */
    @Override
    public void close() {
        thread.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (thread.awaitTermination(10, TimeUnit.SECONDS)) {
                    break;
                }
                LOG.info("waiting for the sealer to finish before closing {}", dir);
            } catch (InterruptedException e) {
                interrupted = true;
                thread.shutdownNow();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
