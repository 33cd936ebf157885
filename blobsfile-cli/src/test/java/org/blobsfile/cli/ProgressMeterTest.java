package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    /** A clock the test moves by hand: the meter's throttling depends on nothing else. */
    long now = 1_000_000_000L;

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainModePrintsALineEveryFewSecondsWithRateAndEta() {
        ProgressMeter m = new ProgressMeter(err, "verify", ProgressMeter.Mode.PLAIN, () -> now);
        now += 1_000_000_000L;
        m.update(1 << 20, 4 << 20);
        assertThat(printed()).as("not yet: less than the interval passed").isEmpty();
        now += ProgressMeter.PLAIN_INTERVAL_NANOS;
        m.update(3 << 20, 6 << 20);
        // 3 MiB in 6 s is 512 KiB/s; the 3 MiB left take 6 s more
        assertThat(printed()).isEqualTo("verify: 50%, 3.0 MiB of 6.0 MiB, 512.0 KiB/s, ETA 0:06\n");
        m.close();
        assertThat(printed()).as("plain lines need no clearing").endsWith("\n");
    }

    @Test
    void barModeRedrawsInPlaceWithFilesAndClearsOnClose() {
        ProgressMeter m = new ProgressMeter(err, "import", ProgressMeter.Mode.BAR, () -> now);
        m.files(3, 12);
        now += 2_000_000_000L;
        m.update(1024, 4096);
        assertThat(printed()).isEqualTo("\rimport  [######------------------]  25%  3/12 files  1.0 KiB / 4.0 KiB"
                + "  512 B/s  ETA 0:06");
        m.update(2048, 4096);
        assertThat(printed()).as("redraws at most ten times a second").doesNotContain(" 50%");
        now += ProgressMeter.BAR_INTERVAL_NANOS;
        m.update(4096, 4096);
        assertThat(printed()).contains("\rimport  [########################] 100%");
        m.close();
        assertThat(printed()).endsWith("\r");
        assertThat(printed()).doesNotContain("\n");
    }

    @Test
    void noneModePrintsNothingAndAnEmptyJobIsComplete() {
        ProgressMeter m = new ProgressMeter(err, "repair", ProgressMeter.Mode.NONE, () -> now);
        now += ProgressMeter.PLAIN_INTERVAL_NANOS * 3;
        m.update(0, 0);
        m.close();
        assertThat(printed()).isEmpty();
        assertThat(new ProgressMeter(err, "x", ProgressMeter.Mode.BAR, () -> now).barLine(now)).contains("100%")
                .contains("ETA --:--");
    }

    @Test
    void longEtasShowHours() {
        assertThat(ProgressMeter.clock(59)).isEqualTo("0:59");
        assertThat(ProgressMeter.clock(3_725)).isEqualTo("1:02:05");
    }
}
