package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;

/**
 * The stripes of a sealed pack: the ten data shards and two parity shards side by side, walked in
 * steps of at most a chunk over a range of in-shard offsets. Reed-Solomon works on the bytes at
 * the same in-shard offset of every shard, so sealing, the parity check, repair and healing all
 * stream a pack this way, each with memory of twelve chunks whatever the pack size. Immutable;
 * each iteration is independent.
 */
public final class ShardStripes implements Iterable<ShardStripes.Stripe> {
    /** Bytes of each shard processed per stripe when the whole pack is streamed. */
    public static final int CHUNK = 1 << 19;
    /** Data and parity shards of a sealed pack. */
    public static final int TOTAL = PackFormat.DATA_SHARDS + PackFormat.PARITY_SHARDS;

    private final PackGeometry geometry;
    private final long from;
    private final long to;
    private final int chunk;

    /**
     * @param geometry the pack's geometry
     * @param from     the first in-shard offset
     * @param to       the in-shard offset after the last, at most the shard size
     * @param chunk    the most bytes of each shard a stripe spans
     */
    public ShardStripes(PackGeometry geometry, long from, long to, int chunk) {
        this.geometry = geometry;
        this.from = from;
        this.to = to;
        this.chunk = chunk;
    }

    /**
     * @param geometry the pack's geometry
     * @return the stripes over whole shards, in steps of {@link #CHUNK}
     */
    public static ShardStripes whole(PackGeometry geometry) {
        return new ShardStripes(geometry, 0, geometry.shardSize(), (int) Math.min(CHUNK, geometry.shardSize()));
    }

    /** @return buffers for one stripe: one chunk for each of the twelve shards */
    public byte[][] newBuffers() {
        return new byte[TOTAL][chunk];
    }

    @Override
    public Iterator<Stripe> iterator() {
        return new Iterator<>() {
            private long next = from;

            @Override
            public boolean hasNext() {
                return next < to;
            }

            @Override
            public Stripe next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Stripe s = new Stripe(next, (int) Math.min(chunk, to - next));
                next += s.length;
                return s;
            }
        };
    }

    /** The same in-shard range of every shard. */
    public final class Stripe {
        private final long offset;
        private final int length;

        Stripe(long offset, int length) {
            this.offset = offset;
            this.length = length;
        }

        /** @return the in-shard offset where the stripe starts */
        public long offset() {
            return offset;
        }

        /** @return how many bytes of each shard it spans */
        public int length() {
            return length;
        }

        /**
         * @param shard 0-9 for a data shard, 10-11 for a parity shard
         * @return where the stripe's bytes of that shard are in the file
         */
        public long fileOffset(int shard) {
            return shard < PackFormat.DATA_SHARDS ? geometry.dataShardStart(shard) + offset
                    : geometry.parityPayload(shard - PackFormat.DATA_SHARDS) + offset;
        }

        /**
         * @param shard a shard
         * @return how many of the stripe's bytes of that shard are in the file: fewer than
         *         {@link #length} only in the last data shard, whose padding past the pack size
         *         exists in the computation alone
         */
        public int inFile(int shard) {
            if (shard >= PackFormat.DATA_SHARDS) {
                return length;
            }
            return (int) Math.max(0, Math.min(length, geometry.dataAreaEnd() - fileOffset(shard)));
        }

        /**
         * Reads the stripe's bytes of {@code shard} into the start of {@code dst}; bytes past the
         * pack size read as zeros.
         *
         * @param ch    a read channel on the pack
         * @param shard the shard
         * @param dst   at least {@link #length} bytes
         * @throws IOException when the file ends early or the channel fails
         */
        public void read(FileChannel ch, int shard, byte[] dst) throws IOException {
            int n = inFile(shard);
            PositionalIo.readFully(ch, fileOffset(shard), dst, 0, n);
            Arrays.fill(dst, n, length, (byte) 0);
        }

        /**
         * Writes the stripe's bytes of {@code shard} from the start of {@code src} to their place,
         * leaving out the implicit padding past the pack size.
         *
         * @param ch    a write channel on the pack
         * @param shard the shard
         * @param src   at least {@link #length} bytes
         * @throws IOException when the channel fails
         */
        public void write(FileChannel ch, int shard, byte[] src) throws IOException {
            int n = inFile(shard);
            if (n > 0) {
                PositionalIo.writeFully(ch, fileOffset(shard), ByteBuffer.wrap(src, 0, n));
            }
        }
    }
}
