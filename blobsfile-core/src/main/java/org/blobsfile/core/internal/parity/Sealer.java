package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.hash.FastBlake2b;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.io.Zeros;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.rs.ReedSolomon;

/**
 * Seals a pack whose data area is complete: computes the Reed-Solomon parity of
 * {@code [0, maxPackSize)} by streaming it in bounded chunks, appends the two parity entries and
 * forces the file. Memory is {@code 12 * ShardStripes.CHUNK} bytes whatever the pack size. Thread-safe:
 * each call works on its own buffers.
 *
 * <p>Parity payloads are written and forced before their entry headers, so a crash or a power
 * cut mid-seal leaves a pack whose parity headers are missing or zero; {@link #isSealed} then
 * says no and the seal is simply done again.
 */
public final class Sealer {
    /** Parity zeros are left as holes a block of this many bytes at a time. */
    private static final int SPARSE_BLOCK = 4096;

    /** Holds the code, built at its first use: its tables cost a short command's start-up otherwise. */
    private static final class Code {
        static final ReedSolomon RS = new ReedSolomon(PackFormat.DATA_SHARDS, PackFormat.PARITY_SHARDS);
    }

    private final PackGeometry geometry;

    /** @param geometry the store's pack geometry: where the data area ends and the parity entries go */
    public Sealer(PackGeometry geometry) {
        this.geometry = geometry;
    }

    /**
     * @return the (10, 2) Reed-Solomon code of sealed packs, shared because it caches its decode
     *         matrices and is thread-safe; repair and healing rebuild shards with it
     */
    public static ReedSolomon codec() {
        return Code.RS;
    }

    /**
     * @param ch a read channel on the pack
     * @return whether the pack is sealed: its length is that of a sealed pack and both parity
     *         entry headers are in place (their content is for verify to judge)
     * @throws IOException when the channel cannot be read
     */
    public boolean isSealed(FileChannel ch) throws IOException {
        if (ch.size() != geometry.sealedSize()) {
            return false;
        }
        byte[] h = new byte[EntryHeader.LENGTH];
        for (int k = 0; k < PackFormat.PARITY_SHARDS; k++) {
            if (PositionalIo.readUpTo(ch, geometry.parityOffset(k), h, h.length) < h.length) {
                return false;
            }
            EntryHeader header = EntryHeader.decode(h, 0);
            if (!header.isParity() || header.size() != geometry.shardSize()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes parity for a pack whose data area is complete, replacing any partial parity an
     * interrupted seal left behind, and forces the file.
     *
     * @param pack a pack whose data area is finished with its EOF entry and padding
     * @throws IOException when the pack is shorter than its data area, or reading or writing it fails
     */
    public void seal(Path pack) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long dataEnd = geometry.dataAreaEnd();
            if (ch.size() < dataEnd) {
                throw new IOException(pack + " is " + ch.size() + " bytes, shorter than its data area of " + dataEnd);
            }
            ch.truncate(dataEnd);
            byte[][] parity = writeParity(ch, ch);
            if (ch.size() < geometry.sealedSize()) {
                // the last parity chunk was zeros, left a hole: the file still ends where a sealed pack does
                PositionalIo.writeFully(ch, geometry.sealedSize() - 1, ByteBuffer.wrap(new byte[1]));
            }
            // the payloads reach the disk before any header says they are there: a power cut may
            // keep any subset of unforced writes, and headers without their payloads would make
            // the pack look sealed with parity that protects nothing
            ch.force(false);
            for (int k = 0; k < PackFormat.PARITY_SHARDS; k++) {
                byte[] h = EntryHeader.parity(parity[k], geometry.shardSize()).encode();
                PositionalIo.writeFully(ch, geometry.parityOffset(k), ByteBuffer.wrap(h));
            }
            ch.force(true);
        }
    }

    /**
     * Writes {@code len} bytes of {@code src} at {@code pos}, leaving each 4 KiB block of zeros a
     * hole: parity is written into the space seal() truncated, where holes read as zeros, and the
     * parity of a mostly empty pack (compacted, quarantined) is mostly zeros.
     */
    private static void writeSparse(FileChannel out, long pos, byte[] src, int len) throws IOException {
        int i = 0;
        while (i < len) {
            int j = i;
            // blocks end where the file's blocks do, so a block of zeros is a whole hole
            while (j < len && !Zeros.isZero(src, j, blockAt(pos + j, len - j))) {
                j += blockAt(pos + j, len - j);
            }
            if (j > i) {
                PositionalIo.writeFully(out, pos + i, ByteBuffer.wrap(src, i, j - i));
                i = j;
            } else {
                i += blockAt(pos + i, len - i);
            }
        }
    }

    /** @return the bytes from file offset {@code at} to the end of its block, at most {@code left} */
    private static int blockAt(long at, int left) {
        return (int) Math.min(left, SPARSE_BLOCK - at % SPARSE_BLOCK);
    }

    /**
     * Streams the data area of {@code in} through the encoder and writes the parity payloads
     * to {@code out} at their places.
     *
     * @return the BLAKE2b-256 of each parity payload
     */
    byte[][] writeParity(FileChannel in, FileChannel out) throws IOException {
        ShardStripes stripes = ShardStripes.whole(geometry);
        byte[][] shards = stripes.newBuffers();
        FastBlake2b[] digests = new FastBlake2b[PackFormat.PARITY_SHARDS];
        for (int k = 0; k < digests.length; k++) {
            digests[k] = Blake2b.newDigest();
        }
        for (ShardStripes.Stripe s : stripes) {
            int len = s.length();
            for (int i = 0; i < PackFormat.DATA_SHARDS; i++) {
                s.read(in, i, shards[i]);
            }
            Code.RS.encodeParity(shards, 0, len);
            for (int k = 0; k < PackFormat.PARITY_SHARDS; k++) {
                byte[] p = shards[PackFormat.DATA_SHARDS + k];
                writeSparse(out, s.fileOffset(PackFormat.DATA_SHARDS + k), p, len);
                digests[k].update(p, 0, len);
            }
        }
        byte[][] hashes = new byte[PackFormat.PARITY_SHARDS][];
        for (int k = 0; k < digests.length; k++) {
            hashes[k] = digests[k].digest();
        }
        return hashes;
    }
}
