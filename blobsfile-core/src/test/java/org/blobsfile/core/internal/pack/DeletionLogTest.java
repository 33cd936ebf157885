package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeletionLogTest {
    /** Given in seconds in the code; generations already written count from this very instant. */
    @Test
    void generationsCountFromTheStartOf2026() {
        assertThat(DeletionLog.GENERATIONS_FROM).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
    }
}
