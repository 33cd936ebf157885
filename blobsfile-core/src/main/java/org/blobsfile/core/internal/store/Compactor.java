package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Progress;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.parity.EmptyPack;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the space of deleted blobs, one sealed pack at a time: the pack's live entries are
 * read and checked, copied to the write side a chunk at a time (each chunk appended as puts are,
 * committed by the durability mode with the puts around it and moved in the index by the index
 * queue), and the pack is then replaced by an {@link EmptyPack}, its copies forced first. Its dead
 * entries are the only bytes that go.
 *
 * <p>A crash at any point is safe. Before the replacement, the old pack still holds every blob,
 * and the copies lie after the index's checkpoint, so recovery indexes them again. After it, the
 * copies are what the index has. A deletion covers the copies of its blob as well, since they were
 * appended before it; and a blob is copied only while the index still has it in this pack, so a
 * copy is never made of a deleted blob. A pack a crash left rewritten but not recorded as such
 * still shows its garbage and is rewritten again, which finds nothing to copy.
 *
 * <p>A live entry that does not verify is read through the store, which heals it from the pack's
 * parity; if that fails too, or the walk finds bytes it cannot parse, the pack is left as it is
 * and reported: repair first.
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    /** Live bytes copied per chunk without a rate limit: a group commit carries one chunk at most. */
    private static final long CHUNK = 256L << 10;
    /** The least a chunk holds under a rate limit. */
    private static final long MIN_CHUNK = 8L << 10;
    /** Under a rate limit, a chunk holds what the rate moves in this many milliseconds. */
    private static final long CHUNK_MILLIS = 1;
    /** The suffix of the empty pack written beside a pack before it replaces it; one a crash left is removed at open. */
    static final String TEMP_SUFFIX = ".compacted";
    /** The fewest deletions of emptied packs worth pruning the deletion log for, unless {@link #PRUNE_AT_PROPERTY} says. */
    static final long PRUNE_AT = 4096;
    /** The system property that sets the fewest deletions worth a pruning (tests set 1). */
    static final String PRUNE_AT_PROPERTY = "blobsfile.deletions.pruneAt";

    private final Packs packs;
    private final StoreParts parts;
    private final PackAppender appender;
    private final BlobReader reader;
    private final Deletions deletions;
    /** One compaction at a time. */
    private final ReentrantLock running = new ReentrantLock();

    Compactor(Packs packs, StoreParts parts, PackAppender appender, BlobReader reader, Deletions deletions) {
        this.packs = packs;
        this.parts = parts;
        this.appender = appender;
        this.reader = reader;
        this.deletions = deletions;
    }

    /**
     * Runs {@code work} with no compaction running, for maintenance that removes pack files
     * (eviction): a compaction choosing a pack must find it as it chose it.
     */
    <T> T whileIdle(Durability.Exclusive<T> work) throws IOException {
        running.lock();
        try {
            return work.run();
        } finally {
            running.unlock();
        }
    }

    /** What compacting one pack did. */
    private record Outcome(long blobs, long bytes, long reclaimed, String skipped) {
    }

    /** Rewrites the sealed packs whose garbage reaches the threshold. */
    CompactionReport compact(CompactionOptions options, Progress progress) throws IOException {
        running.lock();
        try {
            parts.sealing().awaitIdle(); // a pack filled just before is sealed, and so a candidate
            // and its last entries are in the index, not only in the queue: else the scan takes them
            // for blobs the index lost, and finds them in the pack again at the swap
            appender.awaitIndexed();
            long dataArea = packs.geometry().dataAreaEnd() - PackFormat.HEADER_SIZE;
            long threshold = (long) Math.ceil(dataArea * options.minGarbagePercent() / 100);
            List<Integer> chosen = new ArrayList<>();
            long total = 0;
            for (Map.Entry<Integer, Long> g : deletions.garbageByPack().entrySet()) {
                int n = g.getKey();
                if (g.getValue() > 0 && g.getValue() >= threshold && parts.sealing().isSealed(n)
                        && !parts.quarantine().contains(n)) {
                    chosen.add(n);
                    total += Math.max(0, dataArea - g.getValue());
                }
            }
            RateLimit limit = new RateLimit(options.bytesPerSecond());
            long[] done = {0};
            long totalLive = total;
            Moved tick = moved -> progress.update(done[0] += moved, Math.max(totalLive, done[0]));
            List<Path> rewritten = new ArrayList<>();
            List<CompactionReport.Skipped> skipped = new ArrayList<>();
            long blobs = 0;
            long bytes = 0;
            long reclaimed = 0;
            // read once: a blob deleted later is absent from the index, which the copying asks under the lock
            DeadEntries dead = deletions.dead();
            for (int n : chosen) {
                Outcome o = compactPack(n, dead, limit, tick);
                if (o.skipped() != null) {
                    skipped.add(new CompactionReport.Skipped(packs.readers().path(n), o.skipped()));
                    LOG.warn("{}: not compacted: {}", packs.readers().path(n), o.skipped());
                    continue;
                }
                rewritten.add(packs.readers().path(n));
                blobs += o.blobs();
                bytes += o.bytes();
                reclaimed += o.reclaimed();
            }
            progress.update(done[0], Math.max(totalLive, done[0]));
            try {
                deletions.prune(packs, Long.getLong(PRUNE_AT_PROPERTY, PRUNE_AT), !rewritten.isEmpty());
            } catch (IOException | RuntimeException e) {
                // the packs' space is given back whatever became of the log, which the next open or
                // compaction takes as it finds it
                LOG.warn("{}: the deletion log was not pruned: {}", packs.dir(), e.toString());
            }
            return new CompactionReport(rewritten, blobs, bytes, reclaimed, skipped);
        } finally {
            running.unlock();
        }
    }

    /** Told of the live bytes moved, a chunk at a time. */
    @FunctionalInterface
    private interface Moved {
        void moved(long bytes);
    }

    /** Copies the live entries of pack {@code n} to the write side, then replaces the pack. */
    private Outcome compactPack(int n, DeadEntries dead, RateLimit limit, Moved progress) throws IOException {
        Path p = packs.readers().path(n);
        if (PackFormat.notRegular(p) != null) {
            return new Outcome(0, 0, 0, p.getFileName() + " is " + PackFormat.notRegular(p));
        }
        Chunk chunk = new Chunk(n, limit, progress);
        // every live entry's blob, copied or not: a rebuild meanwhile may index any copy of a blob
        List<byte[]> seenHere = new ArrayList<>();
        String[] problem = {null};
        long dataBytes;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            PackScanner scanner = new PackScanner(p, ch, ch.size(), packs.geometry());
            EntryCheck check = new EntryCheck(packs.codecs(), scanner.source(), packs.maxBlob());
            PackScanner.Result scanned = scanner.scan(PackFormat.HEADER_SIZE, check, (e, s) -> {
                if (problem[0] != null || dead.covers(e.hash(), n, e.offset())) {
                    return;
                }
                seenHere.add(e.hash());
                Location where = parts.index().get(e.hash());
                boolean here = where != null && where.pack() == n && where.offset() == e.offset();
                if (where != null && !here && reader.readsAt(e.hash(), where)) {
                    return; // a copy elsewhere is the one the store reads, and it reads back: this one is garbage
                }
                // indexed here, nowhere (the index lost it), or elsewhere where it no longer reads
                // back: this may be the one good copy, so it moves, and the index with it
                Prepared copy = copyOf(e, s, check, where);
                if (copy == null) {
                    problem[0] = "the blob " + BlobRef.of(e.hash()) + " at offset " + e.offset()
                            + " does not verify and parity cannot heal it; repair the pack first";
                    return;
                }
                chunk.add(copy, where, e.offset());
            });
            if (problem[0] == null && (scanned.damage() != null || !scanned.unreadable().isEmpty())) {
                problem[0] = "the pack is damaged (" + (scanned.damage() != null ? scanned.damage().reason()
                        : "bytes no entry explains") + "); repair it first";
            }
            dataBytes = scanned.endOfEntries() - PackFormat.HEADER_SIZE;
        }
        if (problem[0] != null) {
            chunk.flush(); // what was copied is a second copy of live blobs: harmless, and garbage later
            return new Outcome(chunk.blobs, chunk.bytes, 0, problem[0]);
        }
        chunk.flush();
        long reclaimed = Math.max(0, dataBytes - chunk.bytes);
        // written before appends are held back: sealing it reads and encodes a whole data area
        Path empty = p.resolveSibling(p.getFileName() + TEMP_SUFFIX);
        EmptyPack.write(empty, packs.geometry());
        String stillHere = appender.exclusively(() -> {
            for (byte[] h : seenHere) {
                Location now = parts.index().get(h);
                if (now != null && now.pack() == n) {
                    return "the index still places blob " + BlobRef.of(h) + " in it";
                }
            }
            // the copies must be on the disk before the pack that holds them too goes, even
            // where puts are not forced
            appender.forceAppended();
            if (parts.archive() != null && parts.archive().uploader() != null) {
                parts.archive().uploader().rewriting(n); // before the replacement: a crash after it still archives the new copy
            }
            replace(n, empty);
            deletions.compacted(n, reclaimed);
            return null;
        });
        if (stillHere != null) {
            Files.deleteIfExists(empty);
            return new Outcome(chunk.blobs, chunk.bytes, 0, stillHere);
        }
        parts.sealing().rewritten(n, 0);
        LOG.info("{}: compacted, {} live blobs ({} bytes) moved, {} bytes given back", p, chunk.blobs, chunk.bytes,
                reclaimed);
        return new Outcome(chunk.blobs, chunk.bytes, reclaimed, null);
    }

    /**
     * @return the entry as it is to be appended again, checked against its hash; read through
     *         the store (healing from parity) when the entry itself does not verify; null when
     *         nothing gives the blob back
     */
    private Prepared copyOf(PackScanner.Entry e, PackScanner s, EntryCheck check, Location where) throws IOException {
        EntryCheck.Verified v = check.verified(e);
        if (v != null) {
            return Prepared.copyOf(v, e.offset(), s, where);
        }
        if (where == null) {
            return null;
        }
        try {
            byte[] blob = reader.get(BlobRef.of(e.hash()));
            return new Prepared(e.hash(), blob, PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, blob.length);
        } catch (BlobStoreException unreadable) {
            return null;
        }
    }

    /**
     * Puts the empty sealed pack written beside pack {@code n} in its place. Readers that hold the
     * old file's channel go on reading it; the next ones open the new file.
     */
    private void replace(int n, Path empty) throws IOException {
        Path p = packs.readers().path(n);
        packs.readers().replacing().lock();
        try {
            Files.move(empty, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            packs.readers().replacing().unlock();
        }
        Fsync.directory(p.getParent());
        packs.readers().forget(n);
    }

    /** Live entries on their way to the write side, a chunk at a time. */
    private final class Chunk {
        private final int pack;
        private final RateLimit limit;
        private final Moved progress;
        private final List<Prepared> items = new ArrayList<>();
        /** Where the index had each item when it was read; null for one the index did not have. */
        private final List<Location> places = new ArrayList<>();
        /** Each item's offset in the pack. */
        private final List<Long> offsets = new ArrayList<>();
        private long held;
        long blobs;
        long bytes;

        Chunk(int pack, RateLimit limit, Moved progress) {
            this.pack = pack;
            this.limit = limit;
            this.progress = progress;
        }

        void add(Prepared p, Location where, long offset) throws IOException {
            items.add(p);
            places.add(where);
            offsets.add(offset);
            held += p.entryBytes();
            if (held >= limit.chunk(CHUNK, MIN_CHUNK, CHUNK_MILLIS)) {
                flush();
            }
        }

        /**
         * Appends the chunk's blobs that are still where they were read (a blob deleted or moved
         * meanwhile is left), and moves them in the index: those the index has as puts are
         * appended, with appends held back only for the append; those it lost, with appends held
         * back while the deletions are read, so none deleted meanwhile is copied back.
         */
        void flush() throws IOException {
            if (items.isEmpty()) {
                return;
            }
            limit.acquire(held);
            long[] moved = {0, 0};
            List<Prepared> indexed = new ArrayList<>();
            List<Location> from = new ArrayList<>();
            List<Prepared> orphans = new ArrayList<>();
            List<Long> orphanOffsets = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (places.get(i) != null) {
                    indexed.add(items.get(i));
                    from.add(places.get(i));
                } else {
                    orphans.add(items.get(i));
                    orphanOffsets.add(offsets.get(i));
                }
            }
            if (!indexed.isEmpty()) {
                for (int i = 0; i < indexed.size(); i++) {
                    deletions.moving(indexed.get(i).hash(), from.get(i));
                }
                for (Prepared p : appender.appendMovedLive(indexed, from)) {
                    moved[0]++;
                    moved[1] += p.entryBytes();
                }
            }
            if (!orphans.isEmpty()) {
                appender.exclusively(() -> {
                    DeadEntries dead = deletions.dead(); // deletions hold appends back too: none is missed
                    List<Prepared> still = new ArrayList<>();
                    for (int i = 0; i < orphans.size(); i++) {
                        Prepared p = orphans.get(i);
                        if (parts.index().get(p.hash()) == null && !dead.covers(p.hash(), pack, orphanOffsets.get(i))) {
                            still.add(p);
                            moved[0]++;
                            moved[1] += p.entryBytes();
                        }
                    }
                    appender.appendMoved(still);
                    return null;
                });
            }
            blobs += moved[0];
            bytes += moved[1];
            progress.moved(held);
            items.clear();
            places.clear();
            offsets.clear();
            held = 0;
        }
    }
}
