package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiPredicate;
import java.util.stream.IntStream;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.io.Uninterruptibly;

/**
 * Compares an index rebuilt from the packs with the index it replaces, and carries into the new
 * one what only the old one holds where the packs still hold it: a blob whose entry header lost
 * its hash field lies intact where the old index put it, though no walk of the packs finds it.
 * Keys of the old index whose place holds nothing of them any more are the blobs that vanished.
 *
 * <p>Most rebuilds find exactly the keys the old index held: the old index is walked once and
 * tallied, and when its tally equals that of the entries the rebuild wrote (each key written
 * once, and the same keys at the same places, but by a 2<sup>-64</sup> chance) there is nothing
 * to carry over, no blob vanished, and the new index's totals are those of the entries written,
 * with no walk of it. Otherwise both indexes are walked once more, side by side in key order, a
 * page at a time, so no set of keys is held in memory. Keys are hashes, so each value of their
 * first byte leads about as many of them: each walk goes through the 256 slices side by side on
 * the common pool, and the side-by-side walk totals the new index too. The old index is only
 * read, so its tally is taken on a thread of its own while the walk of the packs fills the new
 * one, on a core that walk leaves idle.
 */
final class CarryOver implements AutoCloseable {
    /** At most this many blobs that vanished are named: a whole pack gone could hold millions. */
    static final int MAX_VANISHED = 100_000;
    private static final int PAGE = 4096;
    /** Keys carried over per write. */
    private static final int BATCH = 4096;

    /**
     * What the comparison found.
     *
     * @param counters  the totals over the new index, the keys carried into it included
     * @param carried   keys carried over
     * @param vanishedCount keys of the old index that no pack holds any more
     * @param vanished  the first {@link #MAX_VANISHED} of those in key order
     */
    record Result(IndexMeta.Counters counters, long carried, long vanishedCount, List<BlobRef> vanished) {
    }

    private final BlobIndex old;
    private final BlobIndex fresh;
    private final LocationProbe probe;
    private final BiPredicate<byte[], Location> readable;
    /** The smallest vanished keys seen, at most {@link #MAX_VANISHED}; guarded by itself. */
    private final TreeSet<BlobRef> named = new TreeSet<>();
    /** The tally of the old index, under way from construction. */
    private final CompletableFuture<EntryTally> oldTally = new CompletableFuture<>();

    /**
     * @param old      the index being replaced
     * @param fresh    the index rebuilt from the packs; carried keys are written to it
     * @param probe    looks where the old index puts a key the new one lacks
     * @param readable whether a blob of the old index still reads back at its place, healing
     *                 from parity if need be, when the probe finds nothing of it; or null
     */
    CarryOver(BlobIndex old, BlobIndex fresh, LocationProbe probe, BiPredicate<byte[], Location> readable) {
        this.old = old;
        this.fresh = fresh;
        this.probe = probe;
        this.readable = readable;
        Thread t = new Thread(() -> {
            try {
                oldTally.complete(tally(old));
            } catch (IOException | RuntimeException | Error e) {
                oldTally.completeExceptionally(e);
            }
        }, "blobsfile-rebuild-tally");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Compares the two indexes, writes the carried keys to the new one and totals it.
     *
     * @param written the entries the rebuild wrote to the new index, a key written twice counted twice
     * @return the totals, and what was carried over or vanished
     * @throws IOException when an index or a pack cannot be read, or the new index written
     */
    Result run(EntryTally written) throws IOException {
        if (awaitTally().sameEntries(written)) {
            return new Result(written.counters(), 0, 0, List.of());
        }
        try {
            Slice all = IntStream.range(0, 256).parallel()
                    .mapToObj(first -> {
                        try {
                            return slice((byte) first);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .reduce(Slice.EMPTY, Slice::plus);
            List<BlobRef> vanished;
            synchronized (named) {
                vanished = new ArrayList<>(named);
            }
            return new Result(all.counters(), all.carried(), all.vanished(), vanished);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Waits for the tally of the old index to end, whatever it gives: a rebuild that fails reads it no more. */
    @Override
    public void close() {
        try {
            Uninterruptibly.get(oldTally);
        } catch (ExecutionException ignored) {
            // the failure that made the rebuild give up is the one reported
        }
    }

    private EntryTally awaitTally() throws IOException {
        try {
            return Uninterruptibly.get(oldTally);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    /** @return the tally of every entry of {@code of}, walked in 256 slices side by side */
    private static EntryTally tally(BlobIndex of) throws IOException {
        try {
            return IntStream.range(0, 256).parallel()
                    .mapToObj(first -> {
                        EntryTally t = new EntryTally();
                        try {
                            Pages p = new Pages(of, new byte[] {(byte) first});
                            for (IndexRecord r = p.next(); r != null; r = p.next()) {
                                t.add(r.key(), Location.decode(r.value()));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        return t;
                    })
                    .reduce(new EntryTally(), (a, b) -> {
                        EntryTally sum = new EntryTally();
                        sum.addAll(a);
                        sum.addAll(b);
                        return sum;
                    });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** What one slice of keys gave. */
    private record Slice(IndexMeta.Counters counters, long carried, long vanished) {
        static final Slice EMPTY = new Slice(IndexMeta.Counters.ZERO, 0, 0);

        Slice plus(Slice o) {
            return new Slice(counters.plus(o.counters), carried + o.carried, vanished + o.vanished);
        }
    }

    /** Compares the keys that start with {@code first} in both indexes, in one ordered pass over each. */
    private Slice slice(byte first) throws IOException {
        byte[] prefix = {first};
        Pages inFresh = new Pages(fresh, prefix);
        Pages inOld = new Pages(old, prefix);
        IndexMeta.Counters counters = IndexMeta.Counters.ZERO;
        IndexBatch batch = new IndexBatch();
        long carried = 0;
        long vanished = 0;
        for (IndexRecord r = inOld.next(); r != null; r = inOld.next()) {
            byte[] key = r.key();
            int c = -1;
            for (IndexRecord f = inFresh.peek(); f != null; f = inFresh.peek()) {
                c = Arrays.compareUnsigned(f.key(), key);
                if (c >= 0) {
                    break;
                }
                counters = counters.plus(Location.decode(f.value()));
                inFresh.next();
            }
            Location loc = Location.decode(r.value());
            if (c == 0) {
                // the packs hold it. The walk read a sealed pack's headers unchecked, though: where
                // it recorded the blob otherwise (a damaged codec byte) and only the old place
                // verifies, the old place stays
                Location now = Location.decode(inFresh.next().value());
                if (now.equals(loc) || probe.probe(key, now) == LocationProbe.Verdict.VERIFIED
                        || probe.probe(key, loc) != LocationProbe.Verdict.VERIFIED) {
                    counters = counters.plus(now);
                    continue;
                }
            } else if (probe.probe(key, loc) == LocationProbe.Verdict.ABSENT
                    && (readable == null || !readable.test(key, loc))) {
                vanished++;
                name(BlobRef.of(key));
                continue;
            }
            // verified there, or damaged there with its header intact, or in a pack that is not a
            // regular file: the blob is where the old index put it, and reads there heal or say why not.
            // Written behind the walk of the new index, whose next page starts past it.
            batch.put(key, loc.encode());
            counters = counters.plus(loc);
            carried++;
            if (batch.puts().size() == BATCH) {
                fresh.write(batch);
                batch = new IndexBatch();
            }
        }
        for (IndexRecord f = inFresh.next(); f != null; f = inFresh.next()) {
            counters = counters.plus(Location.decode(f.value()));
        }
        if (!batch.isEmpty()) {
            fresh.write(batch);
        }
        return new Slice(counters, carried, vanished);
    }

    /** Keeps {@code ref} among the named when it is one of the {@link #MAX_VANISHED} smallest. */
    private void name(BlobRef ref) {
        synchronized (named) {
            if (named.size() < MAX_VANISHED) {
                named.add(ref);
            } else if (ref.compareTo(named.last()) < 0) {
                named.pollLast();
                named.add(ref);
            }
        }
    }

    /** The records of one index under a prefix, in key order, fetched a page at a time. */
    private static final class Pages {
        private final BlobIndex of;
        private final byte[] prefix;
        private List<IndexRecord> page = List.of();
        private int at;
        private boolean done;

        Pages(BlobIndex of, byte[] prefix) {
            this.of = of;
            this.prefix = prefix;
        }

        /** @return the next record without passing it, or null at the end */
        IndexRecord peek() throws IOException {
            if (at == page.size()) {
                if (done) {
                    return null;
                }
                byte[] from = page.isEmpty() ? prefix : after(page.get(page.size() - 1).key());
                page = of.scanPrefix(prefix, from, PAGE);
                at = 0;
                done = page.size() < PAGE;
                if (page.isEmpty()) {
                    return null;
                }
            }
            return page.get(at);
        }

        /** @return the next record, passing it, or null at the end */
        IndexRecord next() throws IOException {
            IndexRecord r = peek();
            if (r != null) {
                at++;
            }
            return r;
        }

        /** @return the smallest key after {@code key}: where the next page starts */
        private static byte[] after(byte[] key) {
            return Arrays.copyOf(key, key.length + 1);
        }
    }
}
