package org.blobsfile.core.internal.rs;

/**
 * Arithmetic in GF(2^8) defined by the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D)
 * with generator 2, the field of the v1 Reed-Solomon parity.
 *
 * <p>Elements are passed as {@code int} values in {@code [0, 255]}. Addition and subtraction are
 * both XOR and need no method. Multiplication goes through log/exp tables; bulk code uses
 * {@link #mulRow(int)}, a 256-byte row of the full multiplication table, so that the inner loop
 * of the coder is a single array lookup per byte.
 *
 * <p>All tables are built once when the class is initialized and never change afterwards, so the
 * class is thread-safe.
 */
final class GaloisField {

    /** Number of elements in the field. */
    static final int SIZE = 256;

    /** Order of the multiplicative group: exponents are taken modulo this. */
    static final int ORDER = 255;

    /** The reduction polynomial, including the x^8 term. */
    static final int POLYNOMIAL = 0x11D;

    /** LOG[a] = n such that 2^n = a, for a != 0. LOG[0] is meaningless and never read. */
    private static final int[] LOG = new int[SIZE];

    /**
     * EXP[n] = 2^n. Twice the group order long so that LOG[a] + LOG[b] (at most 508) indexes it
     * directly, without a modulo in {@link #mul}.
     */
    private static final int[] EXP = new int[2 * ORDER + 2];

    /** MUL[a][b] = a * b. 64 KiB: rows are handed out to the coder's inner loop. */
    private static final byte[][] MUL = new byte[SIZE][SIZE];

    static {
        int x = 1;
        for (int n = 0; n < ORDER; n++) {
            EXP[n] = x;
            LOG[x] = n;
            x <<= 1;
            if ((x & 0x100) != 0) {
                x ^= POLYNOMIAL;
            }
        }
        if (x != 1) {
            // 2 would not be a generator: the tables would be wrong in a way no test of mul could miss,
            // but failing here names the cause.
            throw new ExceptionInInitializerError("0x11D is not primitive with generator 2");
        }
        for (int n = ORDER; n < EXP.length; n++) {
            EXP[n] = EXP[n - ORDER];
        }
        for (int a = 0; a < SIZE; a++) {
            for (int b = 0; b < SIZE; b++) {
                MUL[a][b] = (byte) mul(a, b);
            }
        }
    }

    private GaloisField() {
    }

    /**
     * Returns {@code a * b}.
     *
     * @param a an element in [0, 255]
     * @param b an element in [0, 255]
     * @return the product in [0, 255]
     */
    static int mul(int a, int b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return EXP[LOG[a] + LOG[b]];
    }

    /**
     * Returns {@code a / b}.
     *
     * @param a the dividend in [0, 255]
     * @param b the divisor in [1, 255]
     * @return the quotient in [0, 255]
     * @throws ArithmeticException if {@code b} is zero
     */
    static int div(int a, int b) {
        if (b == 0) {
            throw new ArithmeticException("division by zero in GF(2^8)");
        }
        if (a == 0) {
            return 0;
        }
        return EXP[LOG[a] - LOG[b] + ORDER];
    }

    /**
     * Returns the multiplicative inverse of {@code a}.
     *
     * @param a an element in [1, 255]
     * @return the element {@code x} with {@code a * x = 1}
     * @throws ArithmeticException if {@code a} is zero
     */
    static int inverse(int a) {
        if (a == 0) {
            throw new ArithmeticException("zero has no inverse in GF(2^8)");
        }
        return EXP[ORDER - LOG[a]];
    }

    /**
     * Returns {@code a} raised to the power {@code n}, with {@code 0^0 = 1} as the Vandermonde
     * construction of the encoding matrix requires.
     *
     * @param a an element in [0, 255]
     * @param n a non-negative exponent
     * @return {@code a^n}
     */
    static int pow(int a, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative exponent " + n);
        }
        if (n == 0) {
            return 1;
        }
        if (a == 0) {
            return 0;
        }
        return EXP[(int) ((long) LOG[a] * n % ORDER)];
    }

    /**
     * Returns the row of the multiplication table for {@code c}: {@code mulRow(c)[x & 0xFF] = c * x}.
     * The array is shared and must not be modified.
     *
     * @param c the coefficient in [0, 255]
     * @return a 256-byte table
     */
    static byte[] mulRow(int c) {
        return MUL[c];
    }
}
