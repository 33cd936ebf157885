package org.blobsfile.core.internal.plugin;

import java.io.IOException;
import java.io.InputStream;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.pack.PackFormat;

/** Turning an entry's payload back into its blob, whatever codec wrote it. */
public final class Payloads {
    /** Enough leading payload bytes for any shipped codec to state its decompressed length. */
    public static final int LENGTH_PREFIX = 32;
    /** The longest payload, and blob, a walk of the packs holds whole to check; longer ones are decoded in pieces. */
    public static final int HOLD_UP_TO = 4 << 20;

    private Payloads() {
    }

    /**
     * @param flag the entry's flag
     * @param codecId its codec id
     * @return whether the entry's payload is the blob itself: flag 1 or codec id 0 says so; where
     *         the two disagree the reader still takes the payload as is, and verify reports it
     */
    public static boolean isPlain(int flag, int codecId) {
        return flag == PackFormat.FLAG_BLOB || codecId == PackFormat.CODEC_NONE;
    }

    /**
     * @param flag    the entry's flag
     * @param codecId its codec id
     * @return the codec id a reader decodes the entry with: 0 for a plain entry whatever its codec byte says
     */
    public static int storedCodec(int flag, int codecId) {
        return isPlain(flag, codecId) ? PackFormat.CODEC_NONE : codecId;
    }

    /**
     * Decodes a payload.
     *
     * @param codecs    the codecs present
     * @param flag      the entry's flag
     * @param codecId   its codec id
     * @param payload   the whole payload
     * @param maxLength the longest blob the caller accepts; a payload claiming more fails before
     *                  it is allocated, so a damaged length field cannot exhaust the heap
     * @return the blob: {@code payload} itself when the entry is plain
     * @throws org.blobsfile.api.UnsupportedCodecException when no codec for {@code codecId} is present
     * @throws IOException when the codec rejects the payload
     */
    public static byte[] decode(CodecRegistry codecs, int flag, int codecId, byte[] payload, int maxLength) throws IOException {
        if (isPlain(flag, codecId)) {
            return payload;
        }
        if (payload.length == 0) {
            // the old zstd writer stored the empty blob as an empty payload, with no frame at all
            return payload;
        }
        return codecs.forId(codecId).decompress(payload, 0, payload.length, maxLength);
    }

    /**
     * Decodes a payload as it is read, in the memory the codec's streaming decoder needs (see
     * {@link Codec#decompressing}): for blobs too large to hold.
     *
     * @param codecs     the codecs present
     * @param flag       the entry's flag
     * @param codecId    its codec id
     * @param payload    the payload, exactly {@code storedSize} bytes
     * @param storedSize the payload's length
     * @param maxLength  the longest blob the caller accepts
     * @return the blob's bytes: {@code payload} itself when the entry is plain
     * @throws org.blobsfile.api.UnsupportedCodecException when no codec for {@code codecId} is present
     * @throws IOException when the codec rejects the payload's start
     */
    public static InputStream decoding(CodecRegistry codecs, int flag, int codecId, InputStream payload, long storedSize,
                                       long maxLength) throws IOException {
        if (isPlain(flag, codecId) || storedSize == 0) {
            return payload; // an empty compressed payload is the old zstd writer's empty blob
        }
        return codecs.forId(codecId).decompressing(payload, storedSize, maxLength);
    }

    /**
     * The blob length of an entry, from as little of its payload as the codec needs: an index
     * rebuild learns the lengths without decoding every blob.
     *
     * @param codecs     the codecs present
     * @param flag       the entry's flag
     * @param codecId    its codec id
     * @param storedSize the payload's length
     * @param prefix     the first bytes of the payload (all of it for plain entries)
     * @return the length, -1 when the codec is missing, or -2 when the whole payload must be decoded
     * @throws IOException when the codec finds the prefix malformed
     */
    public static long length(CodecRegistry codecs, int flag, int codecId, long storedSize, byte[] prefix) throws IOException {
        if (isPlain(flag, codecId) || storedSize == 0) {
            return storedSize;
        }
        Codec c = codecs.find(codecId);
        if (c == null) {
            return -1;
        }
        long n = c.decompressedLength(prefix, 0, prefix.length);
        return n >= 0 ? n : -2;
    }

    /**
     * Whether a payload is to be decoded in pieces rather than held: when it is longer than
     * {@link #HOLD_UP_TO}, or when it is compressed and its codec says from its first bytes that
     * the blob is. A blob of zeros can be a thousand times its payload, so the payload's length
     * alone would let it exhaust the heap.
     *
     * @param prefix the payload's first bytes, up to {@link #LENGTH_PREFIX}, or all of it
     * @return true to decode it in pieces
     */
    public static boolean decodesLarge(CodecRegistry codecs, int flag, int codecId, long storedSize, byte[] prefix) {
        if (storedSize > HOLD_UP_TO) {
            return true;
        }
        try {
            return length(codecs, flag, codecId, storedSize, prefix) > HOLD_UP_TO;
        } catch (IOException e) {
            return false; // malformed: the check of the whole payload says so
        }
    }
}
