package org.blobsfile.core.internal.rs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GaloisFieldTest {

    /** Carry-less multiplication with reduction by 0x11D, independent of the log/exp tables. */
    private static int slowMul(int a, int b) {
        int r = 0;
        while (b != 0) {
            if ((b & 1) != 0) {
                r ^= a;
            }
            b >>>= 1;
            a <<= 1;
            if ((a & 0x100) != 0) {
                a ^= 0x11D;
            }
        }
        return r;
    }

    @Test
    void mulAgreesWithPolynomialMultiplicationAndTheTable() {
        for (int a = 0; a < 256; a++) {
            byte[] row = GaloisField.mulRow(a);
            assertThat(row).hasSize(256);
            for (int b = 0; b < 256; b++) {
                int expected = slowMul(a, b);
                if (GaloisField.mul(a, b) != expected || (row[b] & 0xFF) != expected) {
                    assertThat(GaloisField.mul(a, b)).as("%d * %d", a, b).isEqualTo(expected);
                    assertThat(row[b] & 0xFF).as("table %d * %d", a, b).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void divisionUndoesMultiplicationAndInverseIsReciprocal() {
        for (int a = 0; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                int p = GaloisField.mul(a, b);
                if (GaloisField.div(p, b) != a || GaloisField.mul(GaloisField.div(a, b), b) != a
                        || GaloisField.mul(b, a) != p) {
                    assertThat(GaloisField.div(p, b)).as("(%d*%d)/%d", a, b, b).isEqualTo(a);
                    assertThat(GaloisField.mul(GaloisField.div(a, b), b)).as("(%d/%d)*%d", a, b, b).isEqualTo(a);
                    assertThat(GaloisField.mul(b, a)).as("commutativity %d %d", a, b).isEqualTo(p);
                }
            }
        }
        for (int a = 1; a < 256; a++) {
            assertThat(GaloisField.mul(a, GaloisField.inverse(a))).as("a * 1/a for %d", a).isEqualTo(1);
            assertThat(GaloisField.inverse(a)).isEqualTo(GaloisField.div(1, a));
        }
    }

    @Test
    void multiplicationDistributesOverAdditionAndAssociates() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c += 17) {
                    int left = GaloisField.mul(a, b ^ c);
                    int right = GaloisField.mul(a, b) ^ GaloisField.mul(a, c);
                    int assocL = GaloisField.mul(GaloisField.mul(a, b), c);
                    int assocR = GaloisField.mul(a, GaloisField.mul(b, c));
                    if (left != right || assocL != assocR) {
                        assertThat(left).as("distributivity %d %d %d", a, b, c).isEqualTo(right);
                        assertThat(assocL).as("associativity %d %d %d", a, b, c).isEqualTo(assocR);
                    }
                }
            }
        }
    }

    @Test
    void twoGeneratesEveryNonZeroElement() {
        Set<Integer> seen = new HashSet<>();
        for (int n = 0; n < 255; n++) {
            seen.add(GaloisField.pow(2, n));
        }
        assertThat(seen).hasSize(255).doesNotContain(0);
        assertThat(GaloisField.pow(2, 255)).isEqualTo(1);
        assertThat(GaloisField.pow(2, 8)).isEqualTo(0x1D);
    }

    @Test
    void powMatchesRepeatedMultiplication() {
        assertThat(GaloisField.pow(0, 0)).isEqualTo(1);
        assertThat(GaloisField.pow(0, 5)).isZero();
        for (int a = 0; a < 256; a++) {
            int acc = 1;
            for (int n = 0; n < 300; n++) {
                assertThat(GaloisField.pow(a, n)).as("%d^%d", a, n).isEqualTo(acc);
                acc = GaloisField.mul(acc, a);
            }
        }
        assertThatThrownBy(() -> GaloisField.pow(3, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroHasNoInverseAndCannotDivide() {
        assertThatThrownBy(() -> GaloisField.inverse(0)).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("zero");
        assertThatThrownBy(() -> GaloisField.div(7, 0)).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("division by zero");
        assertThat(GaloisField.div(0, 7)).isZero();
    }
}
