package org.blobsfile.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import org.blobsfile.api.BlobRef;

/**
 * Repairs a damaged sealed pack from its parity and replaces it atomically. Thread-safe; the
 * caller makes sure nothing writes the pack meanwhile.
 */
final class PackRepairer {
    /** The result of a repair attempt. */
    enum Status { HEALTHY, REPAIRED, UNRECOVERABLE }

    /**
     * @param status        what happened
     * @param rebuiltShards the shards reconstructed (0-9 data, 10-11 parity), empty unless repaired
     * @param reason        why the pack could not be repaired, or a short summary of what was done
     * @param damagedBlobs  for an unrecoverable pack, the blobs whose entries fail their hash
     */
    record Outcome(Status status, List<Integer> rebuiltShards, String reason, List<BlobRef> damagedBlobs) {
    }

    PackRepairer(long maxPackSize, CodecRegistry codecs) {
        throw new UnsupportedOperationException("TODO");
    }

    Outcome repair(Path pack, PackVerifier.PackCheck check, LongConsumer progress) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
