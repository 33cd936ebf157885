package org.blobsfile.codec.lz4;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/** The LZ4 frame of {@link Lz4Codec} written and read a block at a time. */
final class Lz4Streams {
    private Lz4Streams() {
    }

    /** Writes one frame of a blob of known length: header, a block per 4 MiB of input, end mark. */
    static final class FrameWriter extends OutputStream {
        private final OutputStream out;
        private final long length;
        private final LZ4Compressor compressor;
        private final byte[] block;
        private final byte[] packed;
        private int filled;
        private long written;
        private boolean started;
        private boolean closed;

        FrameWriter(OutputStream out, long length, LZ4Compressor compressor) {
            this.out = out;
            this.length = length;
            this.compressor = compressor;
            int blockLength = (int) Math.max(1, Math.min(Lz4Codec.BLOCK_SIZE, length));
            this.block = new byte[blockLength];
            this.packed = new byte[4 + compressor.maxCompressedLength(blockLength)];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("lz4 frame already finished");
            }
            if (written + len > length) {
                throw new IOException("blob is longer than the " + length + " bytes its lz4 frame states");
            }
            written += len;
            while (len > 0) {
                int k = Math.min(len, block.length - filled);
                System.arraycopy(b, off, block, filled, k);
                filled += k;
                off += k;
                len -= k;
                if (filled == block.length) {
                    flushBlock();
                }
            }
        }

        private void header() throws IOException {
            if (!started) {
                started = true;
                byte[] h = new byte[15];
                out.write(h, 0, Lz4Codec.writeHeader(h, length));
            }
        }

        private void flushBlock() throws IOException {
            header();
            if (filled == 0) {
                return;
            }
            int n = compressor.compress(block, 0, filled, packed, 4, packed.length - 4);
            if (n < filled) {
                Lz4Codec.writeInt(packed, 0, n);
                out.write(packed, 0, 4 + n);
            } else {
                // incompressible: the frame format stores such a block as it is
                Lz4Codec.writeInt(packed, 0, filled | Lz4Codec.UNCOMPRESSED_BIT);
                out.write(packed, 0, 4);
                out.write(block, 0, filled);
            }
            filled = 0;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (written != length) {
                throw new IOException("blob is " + written + " bytes, not the " + length + " its lz4 frame states");
            }
            flushBlock();
            byte[] end = new byte[4];
            out.write(end); // end mark
        }
    }

    /** The blob of one frame, decoded a block at a time and held to what its header states. */
    static final class FrameReader extends InputStream {
        private final InputStream in;
        private final long size;
        private final boolean blockChecksums;
        private final StreamingXXHash32 contentHash;
        private final int blockMax;
        private final byte[] stored;
        private final byte[] decoded;
        private int pos;
        private int len;
        private long produced;
        private boolean ended;

        private FrameReader(InputStream in, Lz4Codec.FrameHeader h) {
            this.in = in;
            this.size = h.contentSize();
            this.blockChecksums = (h.flags() & Lz4Codec.FLG_BLOCK_CHECKSUM) != 0;
            this.contentHash = (h.flags() & Lz4Codec.FLG_CONTENT_CHECKSUM) != 0
                    ? XXHashFactory.fastestInstance().newStreamingHash32(0) : null;
            this.blockMax = Lz4Codec.blockMaxSize(h.blockSizeId());
            int room = (int) Math.max(1, Math.min(blockMax, size));
            this.stored = new byte[Math.min(blockMax, Math.max(room, 64 * 1024)) + 4];
            this.decoded = new byte[room];
        }

        static FrameReader open(InputStream payload, long storedSize, long maxLength) throws IOException {
            byte[] head = payload.readNBytes((int) Math.min(storedSize, Lz4Codec.MAX_HEADER_SIZE));
            Lz4Codec.FrameHeader h = Lz4Codec.FrameHeader.parse(head, 0, head.length);
            long size = h.contentSize();
            if (size < 0) {
                throw new IOException("lz4 frame does not state its content size; BlobsFile payloads always do");
            }
            if (size > maxLength) {
                throw new IOException("lz4 frame declares " + size + " bytes, more than the " + maxLength + " allowed");
            }
            if (size > storedSize * Lz4Codec.MAX_EXPANSION) {
                throw new IOException("malformed lz4 frame: " + storedSize + " bytes cannot hold the " + size
                        + " bytes it declares");
            }
            if ((h.flags() & Lz4Codec.FLG_BLOCK_INDEPENDENCE) == 0) {
                throw new IOException("lz4 frame with linked blocks (lz4 -BD): not supported, BlobsFile writes independent blocks");
            }
            InputStream rest = new SequenceInputStream(new ByteArrayInputStream(head, h.length(), head.length - h.length()),
                    payload);
            return new FrameReader(rest, h);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            if (n == 0) {
                return 0;
            }
            while (pos == len) {
                if (ended || !nextBlock()) {
                    return -1;
                }
            }
            int k = Math.min(n, len - pos);
            System.arraycopy(decoded, pos, b, off, k);
            pos += k;
            return k;
        }

        /** @return false at the end mark, once the frame's end is checked */
        private boolean nextBlock() throws IOException {
            int field = readInt();
            if (field == 0) {
                ended = true;
                if (contentHash != null && contentHash.getValue() != readInt()) {
                    throw new IOException("lz4 content checksum mismatch");
                }
                if (in.read() >= 0) {
                    throw new IOException("lz4 payload holds more than one frame");
                }
                if (produced != size) {
                    throw new IOException("malformed lz4 frame: decoded " + produced + " bytes, header declares " + size);
                }
                return false;
            }
            int n = field & ~Lz4Codec.UNCOMPRESSED_BIT;
            if (n > blockMax || n > stored.length - 4) {
                throw new IOException("malformed lz4 frame: a block of " + n + " bytes exceeds the frame's maximum of "
                        + Math.min(blockMax, stored.length - 4) + " here");
            }
            int total = n + (blockChecksums ? 4 : 0);
            if (in.readNBytes(stored, 0, total) != total) {
                throw new IOException("truncated lz4 frame: a block of " + n + " bytes runs past the payload's end");
            }
            if (blockChecksums && Lz4Codec.Lib.XXHASH.hash(stored, 0, n, 0) != Lz4Codec.readInt(stored, n)) {
                throw new IOException("lz4 block checksum mismatch after " + produced + " bytes");
            }
            long room = Math.min(decoded.length, size - produced);
            if ((field & Lz4Codec.UNCOMPRESSED_BIT) != 0) {
                if (n > room) {
                    throw new IOException("malformed lz4 frame: blocks hold more than the " + size + " bytes declared");
                }
                System.arraycopy(stored, 0, decoded, 0, n);
                len = n;
            } else {
                try {
                    len = Lz4Codec.Lib.DECOMPRESSOR.decompress(stored, 0, n, decoded, 0, (int) room);
                } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
                    throw new IOException("malformed lz4 block after " + produced + " bytes (or more than the " + size
                            + " bytes declared): " + e.getMessage(), e);
                }
            }
            pos = 0;
            produced += len;
            if (contentHash != null) {
                contentHash.update(decoded, 0, len);
            }
            return true;
        }

        private int readInt() throws IOException {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw new IOException("truncated lz4 frame: ends before its end mark, after " + produced + " of " + size
                        + " bytes");
            }
            return Lz4Codec.readInt(b, 0);
        }
    }
}
