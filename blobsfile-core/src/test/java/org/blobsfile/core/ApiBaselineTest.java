package org.blobsfile.core;

import org.blobsfile.apicheck.ApiBaseline;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code api/blobsfile-core.api} equal to the public types of the exported package. The
 * internal packages are left out on purpose: they are not exported, so they may change freely.
 */
class ApiBaselineTest {
    @Test
    void theExportedPackageMatchesTheBaseline() {
        ApiBaseline.check("blobsfile-core", getClass().getClassLoader(), "org.blobsfile.core");
    }
}
