package org.blobsfile.it;

import java.nio.file.Path;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Progress;
import org.blobsfile.api.VerifyOptions;

/**
 * The process the scrub kill test kills: opens a store read-only, as {@code blobsfile verify}
 * does, and verifies it at a read rate slow enough to be killed between two packs.
 *
 * <p>Arguments: store directory, rate in bytes per second.
 */
public final class VerifyChild {
    private VerifyChild() {
    }

    /** @param args directory, rate */
    public static void main(String[] args) {
        try (BlobStore store = BlobStore.builder(Path.of(args[0])).readOnly().open()) {
            store.verify(VerifyOptions.DEFAULT.withRate(Long.parseLong(args[1])), Progress.NONE);
        }
    }
}
