package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SizesTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    /** The formatting the short commands avoid is the reference: every figure must print as it did. */
    @Test
    void decimalsPrintAsTheFormatterDoes() {
        Random rnd = SEED.random();
        for (int i = 0; i < 20_000; i++) {
            double v = switch (i % 4) {
                case 0 -> rnd.nextDouble() * 1024;
                case 1 -> rnd.nextInt(100_000) / 1000.0 + 0.05; // halves at the rounding digit
                case 2 -> 100.0 * rnd.nextInt(1 << 20) / (1 + rnd.nextInt(1 << 20));
                default -> (double) rnd.nextLong(1L << 50) / (1L << rnd.nextInt(50));
            };
            for (int places = 0; places <= 2; places++) {
                assertThat(Sizes.decimal(v, places)).as("%s to %d places", v, places)
                        .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", v));
            }
        }
    }

    @Test
    void humanSizesKeepTheirUnits() {
        assertThat(Sizes.human(1023)).isEqualTo("1023 B");
        assertThat(Sizes.human(1024)).isEqualTo("1.0 KiB");
        assertThat(Sizes.human(116_981)).isEqualTo("114.2 KiB");
        assertThat(Sizes.human(1_048_575)).isEqualTo("1024.0 KiB");
        assertThat(Sizes.human(268_435_456)).isEqualTo("256.0 MiB");
    }
}
