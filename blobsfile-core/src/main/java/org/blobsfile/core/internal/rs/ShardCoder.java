package org.blobsfile.core.internal.rs;

import java.util.Arrays;

/**
 * Applies a fixed GF(2^8) coefficient matrix to byte ranges of shards: output {@code i} at byte
 * {@code b} is {@code sum_j coefficients[i][j] * input_j[b]}. This is the whole per-byte cost of
 * {@link ReedSolomon}: encoding applies the parity rows of the encoding matrix, and
 * reconstruction applies the rows that map the surviving shards to the missing ones.
 *
 * <p>The inner loop is table driven. Outputs are taken two at a time, and for each input the two
 * 256-entry rows of the multiplication table (one per output's coefficient) are merged into one
 * {@code int[256]}: the low byte holds {@code c0 * x}, the next byte {@code c1 * x}. Each input
 * byte then costs one lookup for both outputs. Inputs are taken four at a time and their lookups
 * XORed in a register, so an output byte is read and written once per four inputs. Measured on
 * (10, 2), this is about twice as fast as one table lookup and one output read-modify-write per
 * (input, output, byte). Ranges are processed in windows so that, when there are more than two
 * outputs, the inputs are still in cache for the next pair.
 *
 * <p>Immutable and thread-safe.
 */
public final class ShardCoder {

    /** Bytes per shard processed for every output pair before moving on to the next window. */
    public static final int WINDOW = 32 * 1024;

    private final int inputCount;
    private final int outputCount;
    /**
     * {@code tables[p][j][x]}: for output pair {@code p} and input {@code j}, the products of
     * {@code x} by the coefficients of outputs {@code 2p} (bits 0-7) and {@code 2p+1} (bits 8-15;
     * zero when the pair has a single output).
     */
    private final int[][][] tables;

    /**
     * Precomputes the tables for a coefficient matrix.
     *
     * @param coefficients {@code coefficients[i][j]} multiplies input {@code j} into output
     *                     {@code i}; at least one row, all rows of the same positive length
     */
    ShardCoder(byte[][] coefficients) {
        this.outputCount = coefficients.length;
        this.inputCount = coefficients[0].length;
        int pairs = (outputCount + 1) / 2;
        this.tables = new int[pairs][inputCount][256];
        for (int p = 0; p < pairs; p++) {
            for (int j = 0; j < inputCount; j++) {
                byte[] lo = GaloisField.mulRow(coefficients[2 * p][j] & 0xFF);
                byte[] hi = 2 * p + 1 < outputCount ? GaloisField.mulRow(coefficients[2 * p + 1][j] & 0xFF)
                        : GaloisField.mulRow(0);
                int[] t = tables[p][j];
                for (int x = 0; x < 256; x++) {
                    t[x] = (lo[x] & 0xFF) | (hi[x] & 0xFF) << 8;
                }
            }
        }
    }

    int inputCount() {
        return inputCount;
    }

    int outputCount() {
        return outputCount;
    }

    /** Number of output pairs (the last one may hold a single output). */
    int pairCount() {
        return tables.length;
    }

    /** Heap taken by the tables, to decide whether an instance is worth caching. */
    long tableBytes() {
        return (long) tables.length * inputCount * 256 * Integer.BYTES;
    }

    /**
     * Computes bytes {@code [offset, offset + length)} of every output from the same range of the
     * inputs.
     *
     * @param inputs  {@link #inputCount()} arrays covering the range, only read
     * @param outputs {@link #outputCount()} arrays covering the range, overwritten there; must not
     *                be among the inputs
     */
    void apply(byte[][] inputs, byte[][] outputs, int offset, int length) {
        int end = offset + length;
        for (int from = offset; from < end; from += WINDOW) {
            int to = Math.min(end, from + WINDOW);
            for (int p = 0; p < tables.length; p++) {
                if (2 * p + 1 < outputCount) {
                    pair(tables[p], inputs, from, to, outputs[2 * p], 0, outputs[2 * p + 1], 0);
                } else {
                    single(tables[p], inputs, from, to, outputs[2 * p], 0);
                }
            }
        }
    }

    /**
     * Computes one output pair over input bytes {@code [from, to)}, writing input position
     * {@code b} of output {@code 2p} at {@code out0[b + shift0]} and of output {@code 2p+1} at
     * {@code out1[b + shift1]}. The shifts let a caller compute into a small scratch buffer, as a
     * parity check does, without copying the inputs. {@code out1} is ignored when the pair has a
     * single output.
     */
    void applyPair(int p, byte[][] inputs, int from, int to, byte[] out0, int shift0, byte[] out1, int shift1) {
        if (2 * p + 1 < outputCount) {
            pair(tables[p], inputs, from, to, out0, shift0, out1, shift1);
        } else {
            single(tables[p], inputs, from, to, out0, shift0);
        }
    }

    /** Tells whether output pair {@code p} has two outputs. */
    boolean isFullPair(int p) {
        return 2 * p + 1 < outputCount;
    }

    // The two kernels below share one loop index for inputs and outputs (the outputs shifted by a
    // loop-invariant amount): that form lets the JIT hoist the array bounds checks out of the loop,
    // which separately computed input and output indexes measurably defeated.

    private static void pair(int[][] t, byte[][] in, int from, int to, byte[] o0, int d0, byte[] o1, int d1) {
        Arrays.fill(o0, from + d0, to + d0, (byte) 0);
        Arrays.fill(o1, from + d1, to + d1, (byte) 0);
        int n = in.length;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int[] t0 = t[j];
            int[] t1 = t[j + 1];
            int[] t2 = t[j + 2];
            int[] t3 = t[j + 3];
            byte[] s0 = in[j];
            byte[] s1 = in[j + 1];
            byte[] s2 = in[j + 2];
            byte[] s3 = in[j + 3];
            for (int b = from; b < to; b++) {
                int a = t0[s0[b] & 0xFF] ^ t1[s1[b] & 0xFF] ^ t2[s2[b] & 0xFF] ^ t3[s3[b] & 0xFF];
                o0[b + d0] ^= (byte) a;
                o1[b + d1] ^= (byte) (a >>> 8);
            }
        }
        if (j + 2 <= n) {
            int[] t0 = t[j];
            int[] t1 = t[j + 1];
            byte[] s0 = in[j];
            byte[] s1 = in[j + 1];
            for (int b = from; b < to; b++) {
                int a = t0[s0[b] & 0xFF] ^ t1[s1[b] & 0xFF];
                o0[b + d0] ^= (byte) a;
                o1[b + d1] ^= (byte) (a >>> 8);
            }
            j += 2;
        }
        if (j < n) {
            int[] t0 = t[j];
            byte[] s0 = in[j];
            for (int b = from; b < to; b++) {
                int a = t0[s0[b] & 0xFF];
                o0[b + d0] ^= (byte) a;
                o1[b + d1] ^= (byte) (a >>> 8);
            }
        }
    }

    private static void single(int[][] t, byte[][] in, int from, int to, byte[] o0, int d0) {
        Arrays.fill(o0, from + d0, to + d0, (byte) 0);
        int n = in.length;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int[] t0 = t[j];
            int[] t1 = t[j + 1];
            int[] t2 = t[j + 2];
            int[] t3 = t[j + 3];
            byte[] s0 = in[j];
            byte[] s1 = in[j + 1];
            byte[] s2 = in[j + 2];
            byte[] s3 = in[j + 3];
            for (int b = from; b < to; b++) {
                o0[b + d0] ^= (byte) (t0[s0[b] & 0xFF] ^ t1[s1[b] & 0xFF] ^ t2[s2[b] & 0xFF] ^ t3[s3[b] & 0xFF]);
            }
        }
        if (j + 2 <= n) {
            int[] t0 = t[j];
            int[] t1 = t[j + 1];
            byte[] s0 = in[j];
            byte[] s1 = in[j + 1];
            for (int b = from; b < to; b++) {
                o0[b + d0] ^= (byte) (t0[s0[b] & 0xFF] ^ t1[s1[b] & 0xFF]);
            }
            j += 2;
        }
        if (j < n) {
            int[] t0 = t[j];
            byte[] s0 = in[j];
            for (int b = from; b < to; b++) {
                o0[b + d0] ^= (byte) t0[s0[b] & 0xFF];
            }
        }
    }
}
