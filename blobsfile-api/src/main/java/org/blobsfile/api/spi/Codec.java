package org.blobsfile.api.spi;

import java.io.IOException;

/**
 * A compression codec for blob payloads, found with {@link java.util.ServiceLoader}.
 *
 * <p>A codec's {@link #id()} is written into every entry it compresses and must never change
 * once data exists. Ids 1 to 127 belong to the project (1 Snappy, 2 Zstandard, 4 LZ4),
 * 128 to 254 are free for third-party codecs, 0 and 255 are reserved. Payloads must be
 * self-describing: {@link #decompress} receives no length other than the payload's own.
 *
 * <p>Implementations must be thread-safe: one instance serves every thread of a store.
 */
public interface Codec {
    /** @return the byte written to disk for payloads of this codec (1 to 254) */
    int id();

    /** @return the name users type to choose this codec, lowercase (for example {@code "zstd"}) */
    String name();

    /**
     * Compresses {@code len} bytes of {@code src} from {@code off}.
     *
     * @param src holds the blob
     * @param off where it starts
     * @param len its length
     * @return the payload; the store keeps the blob plain instead when this is not smaller
     */
    byte[] compress(byte[] src, int off, int len);

    /**
     * Decompresses one payload.
     *
     * @param src       holds the payload
     * @param off       where it starts
     * @param len       its length
     * @param maxLength the largest result the caller accepts; a payload that claims or produces
     *                  more must fail before allocating beyond this bound
     * @return the blob
     * @throws IOException if the payload is truncated, malformed or larger than {@code maxLength}
     */
    byte[] decompress(byte[] src, int off, int len, int maxLength) throws IOException;

    /**
     * The length the payload decompresses to, read from its own header when the format has one.
     * Used to rebuild an index without decompressing every blob.
     *
     * @param src holds the start of the payload
     * @param off where it starts
     * @param len how many of its bytes {@code src} holds there
     * @return the length, or -1 when it can only be learnt by decompressing
     * @throws IOException if the header is malformed
     */
    default long decompressedLength(byte[] src, int off, int len) throws IOException {
        return -1;
    }

    /** @return the Maven coordinates that provide this codec, shown by tools */
    default String artifact() {
        return "";
    }
}
