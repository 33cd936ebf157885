package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.Predicate;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;

/**
 * Rebuilds the bytes of one entry of a sealed pack from the other shards, in memory, when they
 * fail their hash: the read path's self-healing. Thread-safe.
 *
 * <p>Only the byte ranges of the payload are rebuilt: for a shard the payload lies in, the
 * payload's range within that shard is recomputed from the other shards' bytes at the same
 * in-shard offsets. Hypotheses are tried one shard at a time, then two: pairs of shards the
 * payload spans, then one of those with any other shard, because damage in another shard at the
 * same in-shard offsets spoils a reconstruction that uses it as input. The caller's predicate
 * decides which candidate is right. Memory is the payload twice plus twelve windows of at most
 * {@link Sealer#CHUNK} bytes, whatever the pack size.
 */
public final class BlobHealer {
    private static final int TOTAL = PackFormat.DATA_SHARDS + PackFormat.PARITY_SHARDS;

    private final PackGeometry geometry;
    private final long shardSize;
    private final Sealer sealer;

    public BlobHealer(PackGeometry geometry) {
        this.geometry = geometry;
        this.shardSize = geometry.shardSize();
        this.sealer = new Sealer(geometry);
    }

    /**
     * @param ch            a read channel on the sealed pack
     * @param payloadOffset where the entry's payload starts
     * @param storedSize    its length
     * @param good          says whether a candidate payload is the right one (decodes and hashes to the entry's hash)
     * @return the repaired payload, or null when no reconstruction of at most two shards yields a good one
     */
    public byte[] heal(FileChannel ch, long payloadOffset, int storedSize, Predicate<byte[]> good) throws IOException {
        long end = payloadOffset + storedSize;
        if (storedSize <= 0 || payloadOffset < PackFormat.HEADER_SIZE || end > geometry.dataAreaEnd()
                || ch.size() < geometry.sealedSize()) {
            return null;
        }
        byte[] current = new byte[storedSize];
        PositionalIo.readFully(ch, payloadOffset, current, 0, storedSize);
        int first = (int) (payloadOffset / shardSize);
        int last = (int) ((end - 1) / shardSize);
        Window w = new Window(ch, payloadOffset, end, current);
        for (int i = first; i <= last; i++) {
            byte[] c = w.rebuild(1 << i);
            if (good.test(c)) {
                return c;
            }
        }
        for (int i = first; i <= last; i++) {
            for (int j = i + 1; j <= last; j++) {
                byte[] c = w.rebuild(1 << i | 1 << j);
                if (good.test(c)) {
                    return c;
                }
            }
        }
        for (int i = first; i <= last; i++) {
            for (int j = 0; j < TOTAL; j++) {
                if (j >= first && j <= last) {
                    continue;
                }
                byte[] c = w.rebuild(1 << i | 1 << j);
                if (good.test(c)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The buffers of one heal call, reused by every hypothesis. */
    private final class Window {
        private final FileChannel ch;
        private final long from;
        private final long to;
        private final byte[] current;
        private final byte[][] shards;

        Window(FileChannel ch, long from, long to, byte[] current) {
            this.ch = ch;
            this.from = from;
            this.to = to;
            this.current = current;
            this.shards = new byte[TOTAL][(int) Math.min(Sealer.CHUNK, Math.min(shardSize, to - from))];
        }

        /** @return the payload with its bytes in the data shards of {@code missing} rebuilt from the other shards */
        byte[] rebuild(int missing) throws IOException {
            byte[] out = current.clone();
            boolean[] present = new boolean[TOTAL];
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (int i = 0; i < TOTAL; i++) {
                present[i] = (missing & (1 << i)) == 0;
                if (!present[i] && i < PackFormat.DATA_SHARDS) {
                    long start = i * shardSize;
                    long a = Math.max(from, start);
                    long b = Math.min(to, start + shardSize);
                    if (a < b) {
                        lo = Math.min(lo, a - start);
                        hi = Math.max(hi, b - start);
                    }
                }
            }
            // one pass over the in-shard offsets that any rebuilt part of the payload covers
            for (long x = lo; x < hi; x += shards[0].length) {
                int len = (int) Math.min(shards[0].length, hi - x);
                for (int i = 0; i < TOTAL; i++) {
                    if (!present[i]) {
                        continue;
                    }
                    if (i < PackFormat.DATA_SHARDS) {
                        sealer.readDataArea(ch, i * shardSize + x, shards[i], len);
                    } else {
                        PositionalIo.readFully(ch, geometry.parityPayload(i - PackFormat.DATA_SHARDS) + x,
                                shards[i], 0, len);
                    }
                }
                Sealer.codec().reconstruct(shards, present, 0, len);
                for (int i = 0; i < PackFormat.DATA_SHARDS; i++) {
                    if (present[i]) {
                        continue;
                    }
                    long a = Math.max(from, i * shardSize + x);
                    long b = Math.min(to, i * shardSize + x + len);
                    if (a < b) {
                        System.arraycopy(shards[i], (int) (a - i * shardSize - x), out, (int) (a - from), (int) (b - a));
                    }
                }
            }
            return out;
        }
    }
}
