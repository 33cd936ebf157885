package org.blobsfile.core.internal.rs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MatrixTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();


    private static Matrix random(Random rnd, int rows, int cols) {
        int[][] e = new int[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                e[r][c] = rnd.nextInt(256);
            }
        }
        return Matrix.of(e);
    }

    @Test
    void multiplyUsesFieldArithmetic() {
        Matrix a = Matrix.of(new int[][] {{1, 2}, {3, 4}});
        Matrix b = Matrix.of(new int[][] {{5, 6}, {7, 8}});
        // 1*5 ^ 2*7 = 5 ^ 14 = 11; 1*6 ^ 2*8 = 6 ^ 16 = 22; 3*5 ^ 4*7 = 15 ^ 28 = 19; 3*6 ^ 4*8 = 10 ^ 32 = 42
        assertThat(a.times(b)).isEqualTo(Matrix.of(new int[][] {{11, 22}, {19, 42}}));
        assertThat(Matrix.identity(2).times(a)).isEqualTo(a);
        assertThat(a.times(Matrix.identity(2))).isEqualTo(a);
        assertThatThrownBy(() -> a.times(Matrix.identity(3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2x2 by 3x3");
    }

    @Test
    void inverseTimesMatrixIsIdentity() {
        Random rnd = new Random(SEED.seed(42));
        int inverted = 0;
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(20);
            Matrix m = random(rnd, n, n);
            Matrix inv;
            try {
                inv = m.invert();
            } catch (ArithmeticException singular) {
                continue;
            }
            inverted++;
            assertThat(m.times(inv)).as("trial %d: M * M^-1\n%s", trial, m).isEqualTo(Matrix.identity(n));
            assertThat(inv.times(m)).as("trial %d: M^-1 * M\n%s", trial, m).isEqualTo(Matrix.identity(n));
            assertThat(inv.invert()).isEqualTo(m);
        }
        // About 99.6% of random matrices over GF(256) are invertible: this guards the test itself.
        assertThat(inverted).isGreaterThan(280);
    }

    @Test
    void knownInverse() {
        Matrix m = Matrix.of(new int[][] {{56, 23, 98}, {3, 100, 200}, {45, 201, 123}});
        Matrix inv = m.invert();
        assertThat(m.times(inv)).isEqualTo(Matrix.identity(3));
        assertThat(inv).isEqualTo(Matrix.of(new int[][] {{175, 133, 33}, {130, 13, 245}, {112, 35, 126}}));
    }

    @Test
    void singularMatrixIsAClearError() {
        Matrix twoEqualRows = Matrix.of(new int[][] {{1, 2, 3}, {4, 5, 6}, {1, 2, 3}});
        assertThatThrownBy(twoEqualRows::invert).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("singular");
        Matrix zero = Matrix.of(new int[][] {{0}});
        assertThatThrownBy(zero::invert).isInstanceOf(ArithmeticException.class).hasMessageContaining("singular");
        assertThatThrownBy(() -> Matrix.vandermonde(3, 2).invert()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("square");
    }

    @Test
    void vandermondeEntriesArePowersOfTheRowIndex() {
        Matrix v = Matrix.vandermonde(256, 4);
        assertThat(v.get(0, 0)).isEqualTo(1);
        assertThat(v.get(0, 1)).isZero();
        for (int r = 0; r < 256; r++) {
            assertThat(v.get(r, 0)).isEqualTo(1);
            assertThat(v.get(r, 1)).isEqualTo(r);
            assertThat(v.get(r, 3)).isEqualTo(GaloisField.mul(r, GaloisField.mul(r, r)));
        }
        assertThatThrownBy(() -> Matrix.vandermonde(257, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void submatrixAndRowSelection() {
        Matrix m = Matrix.of(new int[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        assertThat(m.submatrix(1, 1, 3, 3)).isEqualTo(Matrix.of(new int[][] {{5, 6}, {8, 9}}));
        assertThat(m.submatrix(0, 0, 1, 3)).isEqualTo(Matrix.of(new int[][] {{1, 2, 3}}));
        assertThat(m.selectRows(new int[] {2, 0})).isEqualTo(Matrix.of(new int[][] {{7, 8, 9}, {1, 2, 3}}));
        assertThatThrownBy(() -> m.submatrix(0, 0, 4, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.submatrix(1, 1, 1, 2)).isInstanceOf(IllegalArgumentException.class);
        // row() hands out a copy: changing it must not change the matrix.
        m.row(0)[0] = 99;
        assertThat(m.get(0, 0)).isEqualTo(1);
    }
}
