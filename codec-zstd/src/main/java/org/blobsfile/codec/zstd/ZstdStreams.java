package org.blobsfile.codec.zstd;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;

/**
 * Zstandard in pieces: one frame that states its content size, written from a blob of known
 * length through a compression context with that length pledged, and read through zstd's
 * streaming decoder with the same checks {@link ZstdCodec#decompress} makes of a whole payload.
 * Memory is the codec's window and two buffers, whatever the blob's length.
 */
final class ZstdStreams {
    /** Input gathered before each call into the native compressor. */
    private static final int CHUNK = 128 * 1024;

    private ZstdStreams() {
    }

    /** @return a stream compressing exactly {@code length} bytes at {@code level} into one frame on {@code out} */
    static OutputStream compressing(OutputStream out, long length, int level) {
        return new FrameWriter(out, length, level);
    }

    /**
     * @return the blob of one frame read from {@code payload}, which holds exactly {@code storedSize} bytes
     * @throws IOException if the frame's header is malformed, states no content size or more than {@code maxLength}
     */
    static InputStream decompressing(InputStream payload, long storedSize, long maxLength) throws IOException {
        byte[] head = payload.readNBytes((int) Math.min(storedSize, ZstdCodec.MAX_HEADER_SIZE));
        ZstdCodec.FrameHeader header = ZstdCodec.FrameHeader.parse(head, 0, head.length);
        long size = header.contentSize();
        if (size < 0) {
            throw new IOException("zstd frame does not state its content size; BlobsFile payloads always do");
        }
        if (size > maxLength) {
            throw new IOException("zstd frame declares " + size + " bytes, more than the " + maxLength + " allowed");
        }
        return new FrameReader(payload, new ZstdInputStreamNoFinalizer(new SequenceInputStream(
                new ByteArrayInputStream(head), new Unclosed(payload))), size);
    }

    /** Writes one frame: the pledged length goes into its header, and a blob of another length fails. */
    private static final class FrameWriter extends OutputStream {
        private final OutputStream out;
        private final long length;
        private final ZstdCompressCtx ctx = new ZstdCompressCtx();
        private final ByteBuffer in = ByteBuffer.allocate(CHUNK);
        private final ByteBuffer frame = ByteBuffer.allocate(CHUNK + CHUNK / 8);
        private long written;
        private boolean closed;

        FrameWriter(OutputStream out, long length, int level) {
            this.out = out;
            this.length = length;
            ctx.setLevel(level);
            ctx.setContentSize(true);
            ctx.setPledgedSrcSize(length);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("zstd frame already finished");
            }
            if (written + len > length) {
                throw new IOException("blob is longer than the " + length + " bytes pledged for its zstd frame");
            }
            written += len;
            while (len > 0) {
                int k = Math.min(len, in.remaining());
                in.put(b, off, k);
                off += k;
                len -= k;
                if (!in.hasRemaining()) {
                    drive(EndDirective.CONTINUE);
                }
            }
        }

        /** Hands the gathered input to the compressor and writes what it produces. */
        private void drive(EndDirective op) throws IOException {
            in.flip();
            try {
                boolean done;
                do {
                    done = ctx.compressByteBufferStream(frame, in, op);
                    frame.flip();
                    out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
                    frame.clear();
                } while (in.hasRemaining() || (op == EndDirective.END && !done));
            } catch (ZstdException e) {
                throw new IOException("zstd compression failed: " + e.getMessage(), e);
            }
            in.clear();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (written != length) {
                    throw new IOException("blob is " + written + " bytes, not the " + length + " pledged for its zstd frame");
                }
                drive(EndDirective.END);
            } finally {
                ctx.close();
            }
        }
    }

    /** The decoded blob, held to the length its header states and to one frame with nothing after it. */
    private static final class FrameReader extends InputStream {
        private final InputStream payload;
        private final ZstdInputStreamNoFinalizer decoder;
        private final long size;
        private long produced;
        private boolean ended;

        FrameReader(InputStream payload, ZstdInputStreamNoFinalizer decoder, long size) {
            this.payload = payload;
            this.decoder = decoder;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = decoder.read(b, off, (int) Math.min(len, Math.max(1, size - produced + 1)));
            } catch (ZstdException e) {
                throw new IOException("malformed zstd frame: " + e.getMessage(), e);
            }
            if (n < 0) {
                ended = true;
                if (produced != size) {
                    throw new IOException("malformed zstd frame: decoded " + produced + " bytes, header declares " + size);
                }
                if (payload.read() >= 0) {
                    throw new IOException("zstd payload holds more than one frame");
                }
                return -1;
            }
            produced += n;
            if (produced > size) {
                throw new IOException("malformed zstd frame: it decodes to more than the " + size + " bytes it declares");
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            decoder.close();
        }
    }

    /** The payload stream, left open when the decoder closes what it reads from. */
    private static final class Unclosed extends InputStream {
        private final InputStream in;

        Unclosed(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }
    }
}
