package org.blobsfile.core.internal.rs;

import java.util.Arrays;

/**
 * A small dense matrix over {@link GaloisField GF(2^8)}, used to build the Reed-Solomon encoding
 * matrix and the decode matrices. Sizes are at most 256 x 256, so the straightforward cubic
 * algorithms are fine: none of this is on the per-byte path.
 *
 * <p>Instances are immutable: every operation returns a new matrix.
 */
final class Matrix {

    private final int rows;
    private final int cols;
    /** Row-major entries, each an element in [0, 255]. Never exposed. */
    private final byte[][] data;

    private Matrix(byte[][] data) {
        this.rows = data.length;
        this.cols = rows == 0 ? 0 : data[0].length;
        this.data = data;
    }

    /**
     * Creates a matrix holding a copy of the given rows.
     *
     * @param entries the rows, all of the same positive length; values are taken modulo 256
     * @return the matrix
     */
    static Matrix of(int[][] entries) {
        if (entries.length == 0 || entries[0].length == 0) {
            throw new IllegalArgumentException("a matrix needs at least one row and one column");
        }
        byte[][] d = new byte[entries.length][entries[0].length];
        for (int r = 0; r < entries.length; r++) {
            if (entries[r].length != d[0].length) {
                throw new IllegalArgumentException("row " + r + " has " + entries[r].length
                        + " columns, expected " + d[0].length);
            }
            for (int c = 0; c < d[0].length; c++) {
                d[r][c] = (byte) entries[r][c];
            }
        }
        return new Matrix(d);
    }

    /**
     * Returns the n x n identity matrix.
     *
     * @param n the size, at least 1
     * @return the identity
     */
    static Matrix identity(int n) {
        checkSize(n, n);
        byte[][] d = new byte[n][n];
        for (int i = 0; i < n; i++) {
            d[i][i] = 1;
        }
        return new Matrix(d);
    }

    /**
     * Returns the Vandermonde matrix whose entry (r, c) is {@code r^c} in GF(2^8), with
     * {@code 0^0 = 1}. Any {@code cols} of its rows are linearly independent as long as
     * {@code rows <= 256}, which is what makes every k-subset of shards decodable.
     *
     * @param rows number of rows, at most 256
     * @param cols number of columns
     * @return the matrix
     */
    static Matrix vandermonde(int rows, int cols) {
        checkSize(rows, cols);
        if (rows > GaloisField.SIZE) {
            throw new IllegalArgumentException("a Vandermonde matrix over GF(2^8) has at most 256 distinct rows, asked for " + rows);
        }
        byte[][] d = new byte[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                d[r][c] = (byte) GaloisField.pow(r, c);
            }
        }
        return new Matrix(d);
    }

    private static void checkSize(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix size must be positive, got " + rows + "x" + cols);
        }
    }

    int rows() {
        return rows;
    }

    int cols() {
        return cols;
    }

    /**
     * Returns entry (r, c) as an element in [0, 255].
     */
    int get(int r, int c) {
        return data[r][c] & 0xFF;
    }

    /**
     * Returns a copy of row {@code r}.
     */
    byte[] row(int r) {
        return data[r].clone();
    }

    /**
     * Returns {@code this * other}.
     *
     * @param other a matrix with as many rows as this one has columns
     * @return the product, {@code rows() x other.cols()}
     */
    Matrix times(Matrix other) {
        if (cols != other.rows) {
            throw new IllegalArgumentException("cannot multiply " + rows + "x" + cols + " by "
                    + other.rows + "x" + other.cols);
        }
        byte[][] d = new byte[rows][other.cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < other.cols; c++) {
                int acc = 0;
                for (int i = 0; i < cols; i++) {
                    acc ^= GaloisField.mul(get(r, i), other.get(i, c));
                }
                d[r][c] = (byte) acc;
            }
        }
        return new Matrix(d);
    }

    /**
     * Returns the sub-matrix of rows {@code [rowFrom, rowTo)} and columns {@code [colFrom, colTo)}.
     */
    Matrix submatrix(int rowFrom, int colFrom, int rowTo, int colTo) {
        if (rowFrom < 0 || colFrom < 0 || rowTo > rows || colTo > cols || rowFrom >= rowTo || colFrom >= colTo) {
            throw new IllegalArgumentException("sub-matrix [" + rowFrom + "," + rowTo + ")x[" + colFrom + ","
                    + colTo + ") is empty or outside a " + rows + "x" + cols + " matrix");
        }
        byte[][] d = new byte[rowTo - rowFrom][];
        for (int r = rowFrom; r < rowTo; r++) {
            d[r - rowFrom] = Arrays.copyOfRange(data[r], colFrom, colTo);
        }
        return new Matrix(d);
    }

    /**
     * Returns the matrix made of the given rows of this one, in the given order.
     *
     * @param rowIndexes indexes of rows of this matrix
     * @return a {@code rowIndexes.length x cols()} matrix
     */
    Matrix selectRows(int[] rowIndexes) {
        byte[][] d = new byte[rowIndexes.length][];
        for (int i = 0; i < rowIndexes.length; i++) {
            d[i] = data[rowIndexes[i]].clone();
        }
        return new Matrix(d);
    }

    /**
     * Returns the inverse, computed by Gauss-Jordan elimination.
     *
     * @return the matrix {@code x} with {@code this * x = x * this = identity}
     * @throws IllegalArgumentException if the matrix is not square
     * @throws ArithmeticException      if the matrix is singular
     */
    Matrix invert() {
        if (rows != cols) {
            throw new IllegalArgumentException("only a square matrix has an inverse, this one is " + rows + "x" + cols);
        }
        int n = rows;
        // Work on [this | I]; when the left half has become I, the right half is the inverse.
        int[][] w = new int[n][2 * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                w[r][c] = get(r, c);
            }
            w[r][n + r] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && w[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == n) {
                throw new ArithmeticException("matrix is singular (column " + col + " has no pivot), it has no inverse");
            }
            if (pivot != col) {
                int[] t = w[pivot];
                w[pivot] = w[col];
                w[col] = t;
            }
            int[] p = w[col];
            int scale = GaloisField.inverse(p[col]);
            if (scale != 1) {
                byte[] times = GaloisField.mulRow(scale);
                for (int c = 0; c < 2 * n; c++) {
                    p[c] = times[p[c]] & 0xFF;
                }
            }
            for (int r = 0; r < n; r++) {
                int f = w[r][col];
                if (r != col && f != 0) {
                    // Decoders of wide codes invert up to 255 x 255: table lookups keep that in milliseconds.
                    byte[] times = GaloisField.mulRow(f);
                    int[] row = w[r];
                    for (int c = 0; c < 2 * n; c++) {
                        row[c] ^= times[p[c]] & 0xFF;
                    }
                }
            }
        }
        byte[][] d = new byte[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                d[r][c] = (byte) w[r][n + c];
            }
        }
        return new Matrix(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix m && Arrays.deepEquals(data, m.data);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(data);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "[" : " ").append('[');
            for (int c = 0; c < cols; c++) {
                if (c > 0) {
                    sb.append(' ');
                }
                sb.append(String.format("%02x", get(r, c)));
            }
            sb.append(']').append(r == rows - 1 ? "]" : "\n");
        }
        return sb.toString();
    }
}
