package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackFormatTest {
    @Test
    void packNamesAreFiveDigitsAtLeastAndReadBack() {
        assertThat(PackFormat.fileName(0)).isEqualTo("blobs-00000");
        assertThat(PackFormat.fileName(42)).isEqualTo("blobs-00042");
        assertThat(PackFormat.fileName(99_999)).isEqualTo("blobs-99999");
        assertThat(PackFormat.fileName(100_000)).isEqualTo("blobs-100000");
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            // packNumber reads nine digits at most
            int n = i < 1_000 ? i * 101 : rnd.nextInt(1_000_000_000);
            String name = PackFormat.fileName(n);
            assertThat(name).as("pack %d", n).isEqualTo(String.format(Locale.ROOT, "blobs-%05d", n));
            assertThat(PackFormat.packNumber(name)).isEqualTo(n);
        }
    }
}
