package org.blobsfile.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.Predicate;

/**
 * Rebuilds the bytes of one entry of a sealed pack from the other shards, in memory, when they
 * fail their hash: the read path's self-healing. Thread-safe.
 */
final class BlobHealer {
    BlobHealer(long maxPackSize) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * @param ch            a read channel on the sealed pack
     * @param payloadOffset where the entry's payload starts
     * @param storedSize    its length
     * @param good          says whether a candidate payload is the right one (decodes and hashes to the entry's hash)
     * @return the repaired payload, or null when no reconstruction of at most two shards yields a good one
     */
    byte[] heal(FileChannel ch, long payloadOffset, int storedSize, Predicate<byte[]> good) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
