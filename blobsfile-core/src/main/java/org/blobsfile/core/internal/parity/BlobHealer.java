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
 * {@link ShardStripes#CHUNK} bytes, whatever the pack size.
 */
public final class BlobHealer {
    private static final int TOTAL = ShardStripes.TOTAL;

    private final PackGeometry geometry;
    private final long shardSize;

    /** @param geometry the store's pack geometry, which says where each shard of a pack lies */
    public BlobHealer(PackGeometry geometry) {
        this.geometry = geometry;
        this.shardSize = geometry.shardSize();
    }

    /**
     * @param ch            a read channel on the sealed pack
     * @param payloadOffset where the entry's payload starts
     * @param storedSize    its length
     * @param good          says whether a candidate payload is the right one (decodes and hashes to the entry's hash)
     * @return the repaired payload, or null when no reconstruction of at most two shards yields a good one
     * @throws IOException when the pack cannot be read
     */
    public byte[] heal(FileChannel ch, long payloadOffset, int storedSize, Predicate<byte[]> good) throws IOException {
        long end = payloadOffset + storedSize;
        if (storedSize <= 0 || payloadOffset < PackFormat.HEADER_SIZE || end > geometry.dataAreaEnd()
                || ch.size() < geometry.sealedSize()) {
            return null;
        }
        byte[] current = new byte[storedSize];
        PositionalIo.readFully(ch, payloadOffset, current, 0, storedSize);
        int first = geometry.dataShardOf(payloadOffset);
        int last = geometry.dataShardOf(end - 1);
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
            this.shards = new byte[TOTAL][(int) Math.min(ShardStripes.CHUNK, Math.min(shardSize, to - from))];
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
                    long start = geometry.dataShardStart(i);
                    long a = Math.max(from, start);
                    long b = Math.min(to, start + shardSize);
                    if (a < b) {
                        lo = Math.min(lo, a - start);
                        hi = Math.max(hi, b - start);
                    }
                }
            }
            // one pass over the in-shard offsets that any rebuilt part of the payload covers
            for (ShardStripes.Stripe s : new ShardStripes(geometry, lo, hi, shards[0].length)) {
                for (int i = 0; i < TOTAL; i++) {
                    if (present[i]) {
                        s.read(ch, i, shards[i]);
                    }
                }
                Sealer.codec().reconstruct(shards, present, 0, s.length());
                for (int i = 0; i < PackFormat.DATA_SHARDS; i++) {
                    if (present[i]) {
                        continue;
                    }
                    long at = s.fileOffset(i);
                    long a = Math.max(from, at);
                    long b = Math.min(to, at + s.length());
                    if (a < b) {
                        System.arraycopy(shards[i], (int) (a - at), out, (int) (a - from), (int) (b - a));
                    }
                }
            }
            return out;
        }
    }
}
