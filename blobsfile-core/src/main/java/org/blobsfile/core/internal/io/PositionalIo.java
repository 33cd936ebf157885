package org.blobsfile.core.internal.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads and writes at explicit positions of a {@link FileChannel}, looping until the whole
 * buffer is done, since one channel call may move fewer bytes than asked. Positional calls never
 * move the channel's own position, so threads may share a channel. Stateless.
 */
public final class PositionalIo {
    /** Zeros written from, read-only and in native memory so a write copies nothing first. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 16).asReadOnlyBuffer();

    private PositionalIo() {
    }

    /**
     * Fills the remaining bytes of {@code dst} with the file's bytes from {@code pos}.
     *
     * @param ch  the channel
     * @param pos the file offset that the buffer's position receives
     * @param dst the buffer, filled up to its limit
     * @throws EOFException when the file ends first, naming the offset where it ends
     * @throws IOException  when the channel fails
     */
    public static void readFully(FileChannel ch, long pos, ByteBuffer dst) throws IOException {
        long at = pos;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                throw new EOFException("unexpected end of file at " + at);
            }
            at += n;
        }
    }

    /**
     * Reads exactly {@code len} bytes from {@code pos} into {@code dst} at {@code off}.
     *
     * @param ch  the channel
     * @param pos the file offset
     * @param dst the array
     * @param off where in {@code dst} the bytes go
     * @param len how many bytes
     * @throws EOFException when the file ends first
     * @throws IOException  when the channel fails
     */
    public static void readFully(FileChannel ch, long pos, byte[] dst, int off, int len) throws IOException {
        readFully(ch, pos, ByteBuffer.wrap(dst, off, len));
    }

    /**
     * Fills the remaining bytes of {@code dst} from {@code pos}, stopping early only where the
     * file ends: for reads that expect the file may be short, such as a header of a pack a crash
     * cut off.
     *
     * @param ch  the channel
     * @param pos the file offset that the buffer's position receives
     * @param dst the buffer
     * @return how many bytes were read
     * @throws IOException when the channel fails
     */
    public static int readUpTo(FileChannel ch, long pos, ByteBuffer dst) throws IOException {
        int start = dst.position();
        long at = pos;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return dst.position() - start;
    }

    /**
     * Reads up to {@code len} bytes from {@code pos} into the start of {@code dst}, fewer only
     * where the file ends.
     *
     * @param ch  the channel
     * @param pos the file offset
     * @param dst the array
     * @param len how many bytes at most
     * @return how many bytes were read
     * @throws IOException when the channel fails
     */
    public static int readUpTo(FileChannel ch, long pos, byte[] dst, int len) throws IOException {
        return readUpTo(ch, pos, ByteBuffer.wrap(dst, 0, len));
    }

    /**
     * Writes the remaining bytes of {@code src} at {@code pos}.
     *
     * @param ch  the channel, open for writing
     * @param pos the file offset the buffer's position goes to
     * @param src the bytes, consumed up to its limit
     * @throws IOException when the channel fails
     */
    public static void writeFully(FileChannel ch, long pos, ByteBuffer src) throws IOException {
        long at = pos;
        while (src.hasRemaining()) {
            at += ch.write(src, at);
        }
    }

    /**
     * Writes zeros over {@code [from, upTo)}: padding that is real bytes in the file, unlike a
     * hole left by writing past the end.
     *
     * @param ch   the channel, open for writing
     * @param from the first offset to zero
     * @param upTo the offset after the last
     * @throws IOException when the channel fails
     */
    public static void writeZeros(FileChannel ch, long from, long upTo) throws IOException {
        long pos = from;
        while (pos < upTo) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit((int) Math.min(z.capacity(), upTo - pos));
            pos += ch.write(z, pos);
        }
    }

    /**
     * @param ch   the channel
     * @param from where the range starts
     * @param upTo where it ends, at most the channel's size
     * @return whether every byte of {@code [from, upTo)} is zero
     * @throws IOException when the range cannot be read
     */
    public static boolean isZero(FileChannel ch, long from, long upTo) throws IOException {
        byte[] block = new byte[64 * 1024];
        for (long pos = from; pos < upTo; ) {
            int n = (int) Math.min(block.length, upTo - pos);
            readFully(ch, pos, block, 0, n);
            if (!Zeros.isZero(block, 0, n)) {
                return false;
            }
            pos += n;
        }
        return true;
    }
}
