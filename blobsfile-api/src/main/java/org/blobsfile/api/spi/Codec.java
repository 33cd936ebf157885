package org.blobsfile.api.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A compression codec for blob payloads, found with {@link java.util.ServiceLoader}.
 *
 * <p>A codec's {@link #id()} is written into every entry it compresses and must never change
 * once data exists. Ids 1 to 127 belong to the project (1 Snappy, 2 Zstandard, 4 LZ4),
 * 128 to 254 are free for third-party codecs, 0 and 255 are reserved. Payloads must be
 * self-describing: {@link #decompress} receives no length other than the payload's own.
 *
 * <p>The streaming methods {@link #compressing} and {@link #decompressing} let the store put and
 * read a blob larger than the heap. Their defaults buffer the whole blob and call
 * {@link #compress} and {@link #decompress}, so a codec that does not override them still works,
 * only with memory in proportion to the blob; a codec whose format allows it streams in bounded
 * memory.
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

    /**
     * Compresses a blob of known length as it is written, into one payload that is the same
     * format {@link #compress} writes (the store may compare the two, and any reader decodes
     * either). Closing the returned stream finishes the payload and does not close {@code out}.
     *
     * <p>The default collects the blob in memory and calls {@link #compress} when the stream is
     * closed: memory in proportion to the blob, and blobs up to 2 GiB only. Codecs whose format
     * can be written in pieces override it.
     *
     * @param out    where the payload goes
     * @param length the blob's exact length, which formats that state it in a header need first
     * @return a stream that takes exactly {@code length} bytes of blob
     * @throws IOException if the stream cannot be set up
     */
    default OutputStream compressing(OutputStream out, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException(name() + " compresses blobs of up to 2 GiB only, not " + length + " bytes");
        }
        ByteArrayOutputStream blob = new ByteArrayOutputStream((int) length);
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) {
                blob.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                blob.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    byte[] raw = blob.toByteArray();
                    out.write(compress(raw, 0, raw.length));
                }
            }
        };
    }

    /**
     * Decodes one payload as it is read. The returned stream ends where the blob ends; a payload
     * that is malformed, holds more than one payload or produces more than {@code maxLength}
     * bytes makes a read fail with an {@link IOException}. Closing it does not close
     * {@code payload}.
     *
     * <p>The default reads the whole payload and calls {@link #decompress}: memory in proportion
     * to the payload and the blob. Codecs whose format can be read in pieces override it.
     *
     * @param payload     the payload, exactly {@code storedSize} bytes
     * @param storedSize  the payload's length
     * @param maxLength   the longest blob the caller accepts
     * @return the blob's bytes
     * @throws IOException if the payload cannot be read or is malformed
     */
    default InputStream decompressing(InputStream payload, long storedSize, long maxLength) throws IOException {
        if (storedSize > Integer.MAX_VALUE - 8) {
            throw new IOException(name() + " decodes payloads of up to 2 GiB only, not " + storedSize + " bytes");
        }
        byte[] stored = payload.readNBytes((int) storedSize);
        if (stored.length != storedSize) {
            throw new IOException("payload ends after " + stored.length + " of its " + storedSize + " bytes");
        }
        int bound = (int) Math.min(Integer.MAX_VALUE - 8, maxLength);
        return new ByteArrayInputStream(decompress(stored, 0, stored.length, bound));
    }
}
