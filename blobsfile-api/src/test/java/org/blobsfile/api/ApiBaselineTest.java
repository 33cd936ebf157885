package org.blobsfile.api;

import org.blobsfile.apicheck.ApiBaseline;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code api/blobsfile-api.api} equal to the public API, so that a change to what users and
 * plugin authors compile against is made on purpose and seen in review.
 */
class ApiBaselineTest {
    @Test
    void thePublicApiMatchesTheBaseline() {
        ApiBaseline.check("blobsfile-api", getClass().getClassLoader(), "org.blobsfile.api", "org.blobsfile.api.spi");
    }
}
