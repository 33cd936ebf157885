package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.PayloadInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private file in {@code incoming/} of the store directory, where a streamed put keeps its blob
 * (plain or compressed) between reading its source and appending it: the entry header, which
 * precedes the payload, needs the hash and the stored size, known only at the end of the source.
 * v1 tools ignore the directory. A spool is never acknowledged, so the files a crash leaves there
 * are deleted at the next open ({@link #removeLeftovers}). Not thread-safe: one put owns it.
 */
final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    /** The directory of spools, in the store directory. */
    static final String DIR = "incoming";
    /** The piece size of writes to, and reads from, a spool: that of every payload read. */
    private static final int CHUNK = PayloadInput.CHUNK;

    private final Path path;
    private final FileChannel channel;
    private long size;

    private Spool(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** @return a new, empty spool in {@code storeDir}'s {@value #DIR} directory */
    static Spool create(Path storeDir) throws IOException {
        Path dir = Files.createDirectories(storeDir.resolve(DIR));
        Path p = Files.createTempFile(dir, "put-", ".spool");
        try {
            return new Spool(p, FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            Files.deleteIfExists(p);
            throw e;
        }
    }

    /**
     * Deletes the spools a put left when its process stopped: their blobs were never
     * acknowledged. Nothing else in the directory is touched.
     */
    static void removeLeftovers(Path storeDir) throws IOException {
        Path dir = storeDir.resolve(DIR);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "put-*.spool")) {
            for (Path p : leftovers) {
                LOG.info("removing {}, the spool of a put that was never acknowledged", p.getFileName());
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException gone) {
            // removed meanwhile: nothing left to remove
        }
    }

    /** @return a stream appending to the spool, buffered; closing it flushes it and leaves the spool open */
    OutputStream output() {
        return new OutputStream() {
            private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);

            @Override
            public void write(int b) throws IOException {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                buffer.put((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    if (!buffer.hasRemaining()) {
                        flush();
                    }
                    int k = Math.min(len, buffer.remaining());
                    buffer.put(b, off, k);
                    off += k;
                    len -= k;
                }
            }

            @Override
            public void flush() throws IOException {
                buffer.flip();
                int n = buffer.remaining();
                PositionalIo.writeFully(channel, size, buffer);
                size += n;
                buffer.clear();
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Writes the whole spool to {@code out}, a piece at a time. */
    void copyTo(OutputStream out) throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
        for (long pos = 0; pos < size; ) {
            int n = (int) Math.min(buf.length, size - pos);
            PositionalIo.readFully(channel, pos, buf, 0, n);
            out.write(buf, 0, n);
            pos += n;
        }
    }

    /** @return the bytes written so far */
    long size() {
        return size;
    }

    /** @return the spool's channel, to read it from position 0 to {@link #size()} */
    FileChannel channel() {
        return channel;
    }

    /**
     * Closes and deletes the spool. A spool that cannot be deleted is left for the next open to
     * remove: the put it served has its answer already.
     */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("{} could not be removed ({}); the next open removes it", path, e.toString());
        }
    }
}
