package org.blobsfile.core.internal.rs;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A systematic Reed-Solomon erasure code over GF(2^8) with {@code k} data shards and {@code m}
 * parity shards: any {@code k} of the {@code k + m} shards rebuild all the others.
 *
 * <p>The encoding matrix is the {@code (k+m) x k} Vandermonde matrix (entry (r, c) = {@code r^c})
 * multiplied by the inverse of its top {@code k x k} square. Its top is then the identity, so the
 * data shards are stored as they are, and parity shard {@code i} is row {@code k + i} applied to
 * the data shards. This is the construction the v1 pack format uses for its (10, 2) parity, and the
 * one of the widely deployed Backblaze and klauspost libraries, so the parity bytes agree with
 * theirs.
 *
 * <p>Every operation works on the byte range {@code [offset, offset + length)} of every shard and
 * touches nothing outside it, so a caller can stream a pack of any size through fixed-size
 * buffers: encoding, checking or rebuilding a pack chunk by chunk gives the same bytes as doing it
 * in one call. Shards need not have the same length, only cover the range.
 *
 * <p>Instances are immutable apart from an internal cache of decode matrices, which is a
 * concurrent map; they are safe to share between threads. The shard arrays are of course not
 * protected: callers must not let two threads write the same shard range.
 */
public final class ReedSolomon {

    /** Decoders kept at most; patterns of loss are few in practice, so this rarely fills. */
    private static final int MAX_CACHED_DECODERS = 64;

    /**
     * Decoders with larger tables are rebuilt on every call rather than cached: only very wide
     * codes reach this (tables are 1 KiB per input per pair of missing shards, 10 KiB for (10, 2)),
     * and it bounds the cache to a few MiB whatever the code.
     */
    private static final long MAX_CACHED_TABLE_BYTES = 256 * 1024;

    private final int dataShards;
    private final int parityShards;
    private final int totalShards;
    private final Matrix encodingMatrix;
    /** Rows {@code k..k+m} of the encoding matrix, applied to the data shards. */
    private final ShardCoder parityCoder;
    private final ConcurrentMap<BitSet, Decoder> decoders = new ConcurrentHashMap<>();

    /**
     * How to rebuild the shards missing in one pattern of present shards.
     *
     * @param inputs  indexes of the k present shards used as input, ascending
     * @param outputs indexes of the missing shards, ascending
     * @param coder   maps the inputs to the outputs
     */
    private record Decoder(int[] inputs, int[] outputs, ShardCoder coder) {
    }

    /**
     * Creates a code.
     *
     * @param dataShards   {@code k}, at least 1
     * @param parityShards {@code m}, at least 1
     * @throws IllegalArgumentException if a count is below 1 or {@code k + m > 256}, the most
     *                                  GF(2^8) can give distinct Vandermonde rows
     */
    public ReedSolomon(int dataShards, int parityShards) {
        this.encodingMatrix = encodingMatrix(dataShards, parityShards);
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        this.totalShards = dataShards + parityShards;
        byte[][] parityRows = new byte[parityShards][];
        for (int i = 0; i < parityShards; i++) {
            parityRows[i] = encodingMatrix.row(dataShards + i);
        }
        this.parityCoder = new ShardCoder(parityRows);
    }

    /**
     * Builds the systematic encoding matrix for {@code k} data and {@code m} parity shards.
     *
     * @return a {@code (k+m) x k} matrix whose top {@code k x k} square is the identity
     * @throws IllegalArgumentException if a count is below 1 or {@code k + m > 256}
     */
    static Matrix encodingMatrix(int dataShards, int parityShards) {
        if (dataShards < 1) {
            throw new IllegalArgumentException("need at least 1 data shard, got " + dataShards);
        }
        if (parityShards < 1) {
            throw new IllegalArgumentException("need at least 1 parity shard, got " + parityShards);
        }
        if (dataShards + parityShards > GaloisField.SIZE) {
            throw new IllegalArgumentException("data + parity shards must be at most 256 in GF(2^8), got "
                    + dataShards + " + " + parityShards + " = " + (dataShards + parityShards));
        }
        Matrix v = Matrix.vandermonde(dataShards + parityShards, dataShards);
        // The top square of a Vandermonde matrix with distinct rows is never singular.
        return v.times(v.submatrix(0, 0, dataShards, dataShards).invert());
    }

    int dataShards() {
        return dataShards;
    }

    int parityShards() {
        return parityShards;
    }

    int totalShards() {
        return totalShards;
    }

    /** Returns the encoding matrix (immutable). */
    Matrix encodingMatrix() {
        return encodingMatrix;
    }

    /**
     * Computes the parity of bytes {@code [offset, offset + length)}.
     *
     * @param shards {@code k + m} arrays: {@code shards[0..k)} are read, the same range of
     *               {@code shards[k..k+m)} is overwritten with parity
     * @param offset first byte of the range in every shard
     * @param length bytes in the range
     * @throws IllegalArgumentException if there are not {@code k + m} shards or one does not
     *                                  cover the range
     */
    public void encodeParity(byte[][] shards, int offset, int length) {
        checkShards(shards, offset, length);
        parityCoder.apply(Arrays.copyOfRange(shards, 0, dataShards),
                Arrays.copyOfRange(shards, dataShards, totalShards), offset, length);
    }

    /**
     * Tells whether the parity shards hold the parity of the data shards over bytes
     * {@code [offset, offset + length)}. Allocates one scratch buffer of at most 16 KiB.
     *
     * @param shards {@code k + m} shards covering the range, none modified
     * @param offset first byte of the range in every shard
     * @param length bytes in the range
     * @return true if every parity byte in the range is right
     */
    public boolean isParityCorrect(byte[][] shards, int offset, int length) {
        return isParityCorrect(shards, offset, length, new byte[2 * Math.max(1, Math.min(ShardCoder.WINDOW, length))]);
    }

    /**
     * Like {@link #isParityCorrect(byte[][], int, int)}, with a caller-provided scratch buffer so
     * that checking a pack chunk by chunk allocates no byte buffers.
     *
     * @param shards {@code k + m} shards covering the range, none modified
     * @param offset first byte of the range in every shard
     * @param length bytes in the range
     * @param temp   scratch space of at least 2 bytes, overwritten; the range is checked in windows
     *               of {@code temp.length / 2} bytes, so 16 KiB is plenty
     * @return true if every parity byte in the range is right
     * @throws IllegalArgumentException if the shards do not match the code or cover the range, or
     *                                  {@code temp} is shorter than 2 bytes
     */
    public boolean isParityCorrect(byte[][] shards, int offset, int length, byte[] temp) {
        checkShards(shards, offset, length);
        if (temp.length < 2) {
            throw new IllegalArgumentException("scratch buffer needs at least 2 bytes, has " + temp.length);
        }
        byte[][] data = Arrays.copyOfRange(shards, 0, dataShards);
        int half = temp.length / 2;
        for (int pos = offset, end = offset + length; pos < end; pos += half) {
            int n = Math.min(half, end - pos);
            for (int p = 0; p < parityCoder.pairCount(); p++) {
                // Parity 2p goes to temp[0, n), parity 2p+1 to temp[half, half + n).
                parityCoder.applyPair(p, data, pos, pos + n, temp, -pos, temp, half - pos);
                byte[] first = shards[dataShards + 2 * p];
                if (!Arrays.equals(temp, 0, n, first, pos, pos + n)) {
                    return false;
                }
                if (parityCoder.isFullPair(p)) {
                    byte[] second = shards[dataShards + 2 * p + 1];
                    if (!Arrays.equals(temp, half, half + n, second, pos, pos + n)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Rebuilds every missing shard, data or parity, over bytes {@code [offset, offset + length)},
     * from {@code k} of the present ones. The missing shards' arrays receive the bytes in place;
     * present shards are only read.
     *
     * <p>The decode matrix for a pattern of present shards is computed once and cached, so calling
     * this for every chunk of a large pack costs only the byte work.
     *
     * @param shards  {@code k + m} arrays covering the range, including those of missing shards
     * @param present {@code present[i]} tells whether {@code shards[i]} holds valid bytes
     * @param offset  first byte of the range in every shard
     * @param length  bytes in the range
     * @throws IllegalArgumentException if fewer than {@code k} shards are present, or the arrays
     *                                  do not match the code
     */
    public void reconstruct(byte[][] shards, boolean[] present, int offset, int length) {
        checkShards(shards, offset, length);
        if (present.length != totalShards) {
            throw new IllegalArgumentException("expected " + totalShards + " presence flags, got " + present.length);
        }
        BitSet pattern = new BitSet(totalShards);
        for (int i = 0; i < totalShards; i++) {
            if (present[i]) {
                pattern.set(i);
            }
        }
        int count = pattern.cardinality();
        if (count < dataShards) {
            throw new IllegalArgumentException("cannot reconstruct: " + count + " shards present, need at least "
                    + dataShards + " of " + totalShards);
        }
        if (count == totalShards) {
            return;
        }
        Decoder d = decoders.get(pattern);
        if (d == null) {
            d = newDecoder(pattern);
            if (d.coder.tableBytes() <= MAX_CACHED_TABLE_BYTES) {
                if (decoders.size() >= MAX_CACHED_DECODERS) {
                    decoders.clear();
                }
                decoders.putIfAbsent(pattern, d);
            }
        }
        byte[][] in = new byte[dataShards][];
        for (int j = 0; j < dataShards; j++) {
            in[j] = shards[d.inputs[j]];
        }
        byte[][] out = new byte[d.outputs.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = shards[d.outputs[i]];
        }
        d.coder.apply(in, out, offset, length);
    }

    private Decoder newDecoder(BitSet present) {
        int[] inputs = new int[dataShards];
        int[] outputs = new int[totalShards - present.cardinality()];
        for (int i = 0, in = 0, out = 0; i < totalShards; i++) {
            if (!present.get(i)) {
                outputs[out++] = i;
            } else if (in < dataShards) {
                inputs[in++] = i;
            }
        }
        // The chosen rows map the data to the present shards; inverting gives data from them, and
        // the rows of the missing shards times that inverse give them straight from the inputs
        // (for a data shard the row is a unit vector, so this is simply the inverse's row).
        Matrix decode = encodingMatrix.selectRows(inputs).invert();
        Matrix rebuild = encodingMatrix.selectRows(outputs).times(decode);
        byte[][] coefficients = new byte[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            coefficients[i] = rebuild.row(i);
        }
        return new Decoder(inputs, outputs, new ShardCoder(coefficients));
    }

    private void checkShards(byte[][] shards, int offset, int length) {
        if (shards.length != totalShards) {
            throw new IllegalArgumentException("expected " + totalShards + " shards (" + dataShards + " data + "
                    + parityShards + " parity), got " + shards.length);
        }
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
        }
        for (int i = 0; i < totalShards; i++) {
            if (shards[i] == null) {
                throw new IllegalArgumentException("shard " + i + " is null");
            }
            if (shards[i].length - offset < length) {
                throw new IllegalArgumentException("shard " + i + " has " + shards[i].length
                        + " bytes, range [" + offset + ", " + ((long) offset + length) + ") does not fit");
            }
        }
    }
}
