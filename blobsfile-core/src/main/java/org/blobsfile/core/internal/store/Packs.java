package org.blobsfile.core.internal.store;

import java.nio.file.Path;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.plugin.CodecRegistry;

/**
 * The packs of one open store as every part of it sees them: where they are, their size, the
 * codecs that decode their payloads and the one that compresses new blobs, and the read
 * channels all threads share.
 *
 * @param dir         the store's directory
 * @param geometry    where things are in the store's packs, from the pack size settled when it opened
 * @param codecs      every codec the store can decode with
 * @param writeCodec  the codec new blobs are compressed with, or null for none
 * @param readers     the packs' shared read channels
 */
record Packs(Path dir, PackGeometry geometry, CodecRegistry codecs, Codec writeCodec, PackReaders readers) {
    /** @return the largest blob a put takes: the largest payload a pack holds, within what an array can */
    int maxBlob() {
        return (int) Math.min(geometry.maxPayload(), Integer.MAX_VALUE - 8);
    }
}
