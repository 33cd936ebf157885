package org.blobsfile.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an empty index from the packs. Packs are scanned in parallel (structure only, no
 * hashing: reads check hashes anyway), each scanning thread writing its entries to the index in
 * batches, so memory is bounded by one batch per thread whatever the store's size.
 */
final class IndexRebuilder {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRebuilder.class);
    private static final int BATCH = 4096;

    /** What the scan of one pack found. */
    record PackScan(int pack, long entries, PackScanner.Result result) {
    }

    private final PackReaders readers;
    private final CodecRegistry codecs;
    private final long maxPackSize;
    private final int threads;

    IndexRebuilder(PackReaders readers, CodecRegistry codecs, long maxPackSize, int threads) {
        this.readers = readers;
        this.codecs = codecs;
        this.maxPackSize = maxPackSize;
        this.threads = Math.max(1, threads);
    }

    /**
     * Scans packs {@code 0..lastPack} and writes them to {@code index}.
     *
     * @return the scan of every pack, without the entry lists (for the caller's checks)
     */
    List<PackScanner.Result> rebuild(BlobIndex index, int lastPack) throws IOException {
        List<PackScanner.Result> results = new ArrayList<>();
        if (lastPack < 0) {
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "blobsfile-rebuild");
            t.setDaemon(true);
            return t;
        });
        try {
            // every thread scans a pack and writes its entries itself: the index takes concurrent
            // batches, and a blob stored twice is found at either place, both of them good
            List<Future<PackScan>> scans = new ArrayList<>();
            for (int pack = 0; pack <= lastPack; pack++) {
                final int n = pack;
                scans.add(pool.submit(() -> scanInto(index, n)));
            }
            for (Future<PackScan> f : scans) {
                results.add(get(f).result());
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    private static PackScan get(Future<PackScan> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("index rebuild interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    /** Scans one pack and writes its entries to the index in batches. */
    PackScan scanInto(BlobIndex index, int pack) throws IOException {
        IndexBatch[] batch = {new IndexBatch()};
        long[] count = {0};
        try (FileChannel ch = FileChannel.open(readers.path(pack), StandardOpenOption.READ)) {
            PackScanner scanner = new PackScanner(readers.path(pack), ch, ch.size(), maxPackSize);
            PackScanner.Result r = scanner.scan(PackFormat.HEADER_SIZE, (e, s) -> {
                batch[0].put(e.hash(), new Location(pack, e.offset(), e.storedSize(), blobLength(e, s), e.algo()).encode());
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
            return new PackScan(pack, count[0], r);
        }
    }

    private long blobLength(PackScanner.Entry e, PackScanner s) throws IOException {
        byte[] prefix = Payloads.isPlain(e.flag(), e.algo()) ? new byte[0] : s.payloadPrefix(e, Payloads.LENGTH_PREFIX);
        long n = Payloads.length(codecs, e.flag(), e.algo(), e.storedSize(), prefix);
        if (n == -2) {
            byte[] blob = Payloads.decode(codecs, e.flag(), e.algo(), s.payload(e), Integer.MAX_VALUE - 8);
            n = blob.length;
        }
        return n;
    }
}
