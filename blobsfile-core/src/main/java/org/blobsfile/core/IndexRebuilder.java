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
 * hashing: reads check hashes anyway) and written to the index in pack order, so when a blob
 * appears twice the later entry is the one indexed. Memory is bounded by the packs in flight.
 */
final class IndexRebuilder {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRebuilder.class);
    private static final int BATCH = 4096;

    /** A pack's blob entries, as scanned. */
    record PackScan(int pack, List<byte[]> keys, List<Location> locations, PackScanner.Result result) {
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
            List<Future<PackScan>> inFlight = new ArrayList<>();
            int next = 0;
            for (int pack = 0; pack <= lastPack; pack++) {
                // keep a bounded number of packs scanned ahead of the writer
                while (next <= lastPack && next < pack + threads + 1) {
                    final int n = next++;
                    inFlight.add(pool.submit(() -> scan(n)));
                }
                PackScan s = get(inFlight.get(pack));
                inFlight.set(pack, null);
                write(index, s);
                results.add(s.result());
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

    PackScan scan(int pack) throws IOException {
        List<byte[]> keys = new ArrayList<>();
        List<Location> locations = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(readers.path(pack), StandardOpenOption.READ)) {
            PackScanner scanner = new PackScanner(readers.path(pack), ch, ch.size(), maxPackSize);
            PackScanner.Result r = scanner.scan(PackFormat.HEADER_SIZE, (e, s) -> {
                keys.add(e.hash());
                locations.add(new Location(pack, e.offset(), e.storedSize(), blobLength(e, s), e.algo()));
            });
            return new PackScan(pack, keys, locations, r);
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

    private static void write(BlobIndex index, PackScan s) throws IOException {
        IndexBatch batch = new IndexBatch();
        int n = 0;
        for (int i = 0; i < s.keys().size(); i++) {
            batch.put(s.keys().get(i), s.locations().get(i).encode());
            if (++n == BATCH) {
                index.write(batch);
                batch = new IndexBatch();
                n = 0;
            }
        }
        if (!batch.isEmpty()) {
            index.write(batch);
        }
        LOG.debug("indexed {} entries of pack {}", s.keys().size(), s.pack());
    }
}
