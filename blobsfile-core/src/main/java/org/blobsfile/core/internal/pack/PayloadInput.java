package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.io.InputStream;

/**
 * A range of a pack as a stream, read a bounded piece at a time from a {@link PackWalker.Source}:
 * how a payload too large to hold in memory is decoded and hashed. Not thread-safe.
 */
public final class PayloadInput extends InputStream {
    /** The largest piece read at once. */
    public static final int CHUNK = 256 * 1024;

    private final PackWalker.Source source;
    private final byte[] buf;
    private long pos;
    private final long end;
    private int bufPos;
    private int bufLen;

    /**
     * @param source where the bytes are
     * @param from   the first byte of the range
     * @param length the range's length
     */
    public PayloadInput(PackWalker.Source source, long from, long length) {
        this.source = source;
        this.pos = from;
        this.end = from + length;
        this.buf = new byte[(int) Math.max(1, Math.min(CHUNK, length))];
    }

    @Override
    public int read() throws IOException {
        if (bufPos == bufLen && !fill()) {
            return -1;
        }
        return buf[bufPos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (bufPos == bufLen && !fill()) {
            return -1;
        }
        int k = Math.min(len, bufLen - bufPos);
        System.arraycopy(buf, bufPos, b, off, k);
        bufPos += k;
        return k;
    }

    /** @return false at the end of the range */
    private boolean fill() throws IOException {
        if (pos >= end) {
            return false;
        }
        int n = (int) Math.min(buf.length, end - pos);
        source.read(pos, buf, 0, n);
        pos += n;
        bufPos = 0;
        bufLen = n;
        return true;
    }

    @Override
    public int available() {
        return bufLen - bufPos;
    }
}
