package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.core.internal.io.Uninterruptibly;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.blobsfile.core.internal.plugin.Payloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an empty index from the packs. Packs are scanned in parallel (structure only, no
 * hashing: reads check hashes anyway; only the last pack, whose end a power cut may have torn, has
 * its entries' hashes checked, so that a torn hash field is not indexed as a blob), each scanning thread writing its entries to the index in
 * batches, so memory is bounded by one batch and one read window per thread whatever the
 * store's size.
 *
 * <p>Each thread takes the next pack from a shared list, largest first: a pack per task in
 * numeric order can leave one thread scanning the last big pack while the others idle. A thread
 * keeps its read window (in native memory, so the channel reads into it without a second copy)
 * for every pack it scans.
 */
final class IndexRebuilder {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRebuilder.class);
    private static final int BATCH = 4096;
    /** What {@link #blobLength} returns for a payload that neither states nor decodes to a length. */
    private static final long UNDECODABLE = -3;

    /** What the scan of one pack found. */
    record PackScan(int pack, PackScanner.Result result) {
    }

    private final PackReaders readers;
    private final EvictedPacks evicted;
    private final CodecRegistry codecs;
    private final PackGeometry geometry;
    private final int threads;
    private final DeadEntries dead;

    /**
     * @param dead    the entries to leave out: those of deleted blobs
     * @param evicted the packs whose entries come from their manifests
     */
    IndexRebuilder(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, int threads, DeadEntries dead,
                   EvictedPacks evicted) {
        this.dead = dead;
        this.evicted = evicted;
        this.readers = readers;
        this.codecs = codecs;
        this.geometry = geometry;
        this.threads = Math.max(1, threads);
    }

    /**
     * Scans packs {@code 0..lastPack} and writes them to {@code index}.
     *
     * @param written counts every entry written, a key written twice twice
     * @return the scan of every pack in pack order, without the entry lists (for the caller's checks)
     */
    List<PackScanner.Result> rebuild(BlobIndex index, int lastPack, EntryTally written) throws IOException {
        if (lastPack < 0) {
            return new ArrayList<>();
        }
        int[] order = largestFirst(lastPack);
        PackScanner.Result[] results = new PackScanner.Result[lastPack + 1];
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(threads, order.length);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "blobsfile-rebuild");
            t.setDaemon(true);
            return t;
        });
        try {
            // every thread scans packs and writes their entries itself: the index takes
            // concurrent batches, and a blob stored twice is found at either place, both good
            List<Future<Void>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                running.add(pool.submit(() -> {
                    ByteBuffer window = PackScanner.newDirectWindow();
                    for (int i = next.getAndIncrement(); i < order.length; i = next.getAndIncrement()) {
                        int pack = order[i];
                        EntryTally tally = new EntryTally();
                        results[pack] = scanInto(index, pack, pack == lastPack, window, tally).result();
                        synchronized (written) {
                            written.addAll(tally);
                        }
                    }
                    return null;
                }));
            }
            awaitAll(running, next, order.length);
        } finally {
            pool.shutdown(); // not shutdownNow: an interrupt mid-write would close the index's file
        }
        return new ArrayList<>(Arrays.asList(results));
    }

    /** @return pack numbers {@code 0..lastPack}, largest file first (ties in pack order) */
    private int[] largestFirst(int lastPack) throws IOException {
        long[] sizes = new long[lastPack + 1];
        Integer[] packs = new Integer[lastPack + 1];
        for (int p = 0; p <= lastPack; p++) {
            packs[p] = p;
            sizes[p] = PackFormat.regularFileSize(readers.path(p));
        }
        Arrays.sort(packs, Comparator.comparingLong((Integer p) -> -sizes[p]).thenComparingInt(p -> p));
        int[] order = new int[packs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = packs[i];
        }
        return order;
    }

    /**
     * Waits for every worker, whatever happens: on a failure the others stop at their next pack,
     * and an interrupt is kept for later rather than leaving workers writing to the index after
     * the rebuild has returned.
     */
    private static void awaitAll(List<Future<Void>> running, AtomicInteger next, int packs) throws IOException {
        Throwable failure = null;
        for (Future<Void> f : running) {
            try {
                Uninterruptibly.get(f);
            } catch (ExecutionException e) {
                next.set(packs);
                if (failure == null) {
                    failure = e.getCause();
                } else {
                    failure.addSuppressed(e.getCause());
                }
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    /**
     * Scans one pack through the thread's window and writes its entries to the index in batches.
     *
     * @param checkHashes whether to index only entries whose payload hashes to their hash: for
     *                    the last pack, the one whose end a power cut may have torn (a page with
     *                    a header's hash half written, its size and flag whole, would otherwise list
     *                    a blob nobody stored); the closed packs before it were forced whole
     * @param tally       counts each entry written
     */
    private PackScan scanInto(BlobIndex index, int pack, boolean checkHashes, ByteBuffer window, EntryTally tally)
            throws IOException {
        IndexBatch[] batch = {new IndexBatch()};
        long[] count = {0};
        if (evicted.isEvicted(pack)) {
            evicted.entries(pack, (key, loc) -> {
                if (dead.covers(key, pack, loc.offset())) {
                    return;
                }
                batch[0].put(key, loc.encode());
                tally.add(key, loc);
                if (batch[0].puts().size() == BATCH) {
                    index.write(batch[0]);
                    batch[0] = new IndexBatch();
                }
            });
            if (!batch[0].isEmpty()) {
                index.write(batch[0]);
            }
            return new PackScan(pack, new PackScanner.Result(PackFormat.HEADER_SIZE, null, List.of(), null));
        }
        String notRegular = PackFormat.notRegular(readers.path(pack));
        if (notRegular != null) {
            // never opened nor followed: its blobs are absent, and verify reports it
            return new PackScan(pack, new PackScanner.Result(PackFormat.HEADER_SIZE, null, List.of(),
                    new PackScanner.Damage(0, readers.path(pack).getFileName() + " is " + notRegular, false)));
        }
        try (FileChannel ch = FileChannel.open(readers.path(pack), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            PackScanner scanner = new PackScanner(readers.path(pack), ch, ch.size(), geometry, window);
            EntryCheck check = new EntryCheck(codecs, scanner.source(), geometry.isKnown() ? geometry.maxPackSize() : ch.size());
            PackScanner.Result r = scanner.scan(PackFormat.HEADER_SIZE, check, (e, s) -> {
                EntryHeader h = e.header();
                // a flag that says plain beside a codec id, or compressed with none: one of them is damaged
                boolean inconsistent = h.flag() == PackFormat.FLAG_BLOB && h.codecId() != PackFormat.CODEC_NONE
                        || h.flag() == PackFormat.FLAG_COMPRESSED && h.codecId() == PackFormat.CODEC_NONE;
                long length = checkHashes || inconsistent ? UNDECODABLE : blobLength(e, s);
                if (length < 0) {
                    // checked by hash: where a power cut may have torn it, where its header disagrees
                    // with itself, or where its payload does not give its length; a damaged flag or
                    // codec byte is recovered on the way
                    EntryCheck.Verified v = check.verified(e);
                    if (v != null) {
                        h = v.header();
                        length = v.length();
                    } else if (checkHashes) {
                        LOG.warn("{} at {}: the entry's payload does not hash to its hash (a torn write); not indexed",
                                readers.path(pack), e.offset());
                        return;
                    } else {
                        // indexed all the same: a read of it heals from parity, or fails as damage
                        LOG.error("{}: the payload of the entry at offset {} does not decode; verify or repair the pack",
                                readers.path(pack), e.offset());
                        length = -1;
                    }
                }
                if (dead.covers(h.hash(), pack, e.offset())) {
                    return; // deleted: a copy put again later is indexed where it is
                }
                int codec = Payloads.storedCodec(h.flag(), h.codecId());
                batch[0].put(h.hash(), Location.encode(pack, e.offset(), h.size(), length, codec));
                tally.add(h.hash(), e.offset(), h.size(), length, codec);
                if (batch[0].puts().size() == BATCH) {
                    index.write(batch[0]);
                    batch[0] = new IndexBatch();
                }
                count[0]++;
            });
            if (!batch[0].isEmpty()) {
                index.write(batch[0]);
            }
            LOG.debug("indexed {} entries of pack {}", count[0], pack);
            return new PackScan(pack, r);
        }
    }

    /**
     * @return the blob's length, -1 when its codec is missing, or {@link #UNDECODABLE} when the
     *         payload does not say or decode (a damaged length prefix): the entry is left to
     *         verify and repair rather than failing the whole rebuild
     */
    private long blobLength(PackScanner.Entry e, PackScanner s) throws IOException {
        byte[] prefix = Payloads.isPlain(e.flag(), e.codecId()) ? new byte[0] : s.payloadPrefix(e, Payloads.LENGTH_PREFIX);
        long n;
        try {
            n = Payloads.length(codecs, e.flag(), e.codecId(), e.storedSize(), prefix);
        } catch (UnsupportedCodecException missing) {
            return -1;
        } catch (IOException | RuntimeException malformed) {
            return UNDECODABLE;
        }
        if (n != -2) {
            return n;
        }
        byte[] payload = s.payload(e);
        try {
            return Payloads.decode(codecs, e.flag(), e.codecId(), payload, Integer.MAX_VALUE - 8).length;
        } catch (IOException | RuntimeException undecodable) {
            return UNDECODABLE;
        }
    }
}
