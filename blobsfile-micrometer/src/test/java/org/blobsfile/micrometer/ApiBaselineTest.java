package org.blobsfile.micrometer;

import org.blobsfile.apicheck.ApiBaseline;
import org.junit.jupiter.api.Test;

/** Keeps {@code api/blobsfile-micrometer.api} equal to the public types of the exported package. */
class ApiBaselineTest {
    @Test
    void theExportedPackageMatchesTheBaseline() {
        ApiBaseline.check("blobsfile-micrometer", getClass().getClassLoader(), "org.blobsfile.micrometer");
    }
}
