package org.blobsfile.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import org.blobsfile.api.Damage;

/**
 * Checks every byte of a pack. Thread-safe.
 */
final class PackVerifier {
    /**
     * What a check found in one pack.
     *
     * @param pack      the pack file
     * @param number    its number
     * @param sealed    whether it has an EOF entry and both parity entries
     * @param bytesRead bytes read (the whole checked length, each byte once)
     * @param blobs     blob entries whose hash was checked
     * @param damage    the findings, in offset order
     */
    record PackCheck(Path pack, int number, boolean sealed, long bytesRead, long blobs, List<Damage> damage) {
        boolean isClean() {
            return damage.isEmpty();
        }
    }

    PackVerifier(long maxPackSize, CodecRegistry codecs) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Checks the first {@code length} bytes of a pack.
     *
     * @param length   the file's size for a closed pack; for the active pack, where its entries end now
     * @param progress told of each chunk of bytes read (the count of bytes in that chunk)
     */
    PackCheck check(Path pack, int number, long length, LongConsumer progress) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
