package org.blobsfile.core.internal.rs;

/**
 * A deliberately simple Reed-Solomon encoder: the same code as {@link ReedSolomon}, computed one
 * byte at a time with log/exp multiplication. It exists as a reference for tests and as the
 * baseline of the benchmarks, which call it through the same signatures as the fast path; the
 * store never uses it.
 */
public final class NaiveReedSolomon {

    private final int dataShards;
    private final int parityShards;
    /** Rows {@code k..k+m} of the encoding matrix. */
    private final int[][] parityRows;

    /**
     * Creates an encoder for {@code k} data and {@code m} parity shards, with the same limits as
     * {@link ReedSolomon#ReedSolomon(int, int)}.
     */
    public NaiveReedSolomon(int dataShards, int parityShards) {
        Matrix e = ReedSolomon.encodingMatrix(dataShards, parityShards);
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        this.parityRows = new int[parityShards][dataShards];
        for (int i = 0; i < parityShards; i++) {
            for (int j = 0; j < dataShards; j++) {
                parityRows[i][j] = e.get(dataShards + i, j);
            }
        }
    }

    /**
     * Same contract as {@link ReedSolomon#encodeParity(byte[][], int, int)}.
     */
    public void encodeParity(byte[][] shards, int offset, int length) {
        if (shards.length != dataShards + parityShards) {
            throw new IllegalArgumentException("expected " + (dataShards + parityShards) + " shards, got " + shards.length);
        }
        for (int b = offset; b < offset + length; b++) {
            for (int i = 0; i < parityShards; i++) {
                int acc = 0;
                for (int j = 0; j < dataShards; j++) {
                    acc ^= GaloisField.mul(parityRows[i][j], shards[j][b] & 0xFF);
                }
                shards[dataShards + i][b] = (byte) acc;
            }
        }
    }

    /**
     * One-shot form for callers that do not keep an encoder.
     */
    static void encodeParity(int dataShards, int parityShards, byte[][] shards, int offset, int length) {
        new NaiveReedSolomon(dataShards, parityShards).encodeParity(shards, offset, length);
    }
}
