package org.blobsfile.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.hash.FastBlake2b;

/**
 * The BLAKE2b-256 digest of a whole pack or object read as a stream, by which the archive tier
 * checks every copy it makes or reads: alone, or while the bytes are written somewhere.
 *
 * @param digest the digest of the bytes read
 * @param length how many there were
 */
record StreamDigest(byte[] digest, long length) {
    private static final int BUFFER = 1 << 20;

    /**
     * @param in a stream, read to its end and not closed
     * @return the digest of its bytes
     * @throws IOException when the stream fails
     */
    static StreamDigest of(InputStream in) throws IOException {
        return copy(in, null, n -> { });
    }

    /**
     * Copies a stream to a channel and hashes what passes.
     *
     * @param in      a stream, read to its end and not closed
     * @param out     where the bytes go, or null to hash them only
     * @param written told of each run of bytes copied
     * @return the digest of the bytes copied
     * @throws IOException when the stream or the channel fails
     */
    static StreamDigest copy(InputStream in, FileChannel out, LongConsumer written) throws IOException {
        FastBlake2b d = Blake2b.newDigest();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
            d.update(buf, 0, n);
            if (out != null) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            total += n;
            written.accept(n);
        }
        return new StreamDigest(d.digest(), total);
    }
}
