package org.blobsfile.index.h2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's file system under the scheme {@value #SCHEME}: the plain file, read and written in pieces
 * of at most {@value #MAX_IO} bytes. The JDK copies a heap buffer through a temporary direct
 * buffer as large as the whole read or write, and keeps that buffer for the thread's next call;
 * MVStore writes a commit's chunk, often hundreds of megabytes, in one call from whichever thread
 * commits, so each such thread kept that much native memory for as long as it lived. In pieces,
 * no thread keeps more than one piece.
 *
 * <p>Public only because H2 makes an instance per path by reflection; not for other use.
 * Thread-safe, as the channel under it is.
 */
public final class BoundedIoFilePath extends FilePathWrapper {
    /** What a file name starts with, followed by a colon, to be read and written through here. */
    static final String SCHEME = "blobsfile-bounded-io";
    /** The most one read or write of the file moves. */
    static final int MAX_IO = 1 << 20;

    static {
        FilePath.register(new BoundedIoFilePath());
    }

    /** Made by H2 for each path under {@value #SCHEME}, and once here to register the scheme. */
    public BoundedIoFilePath() {
    }

    /** @return the name MVStore opens {@code file} by, so it goes through this file system */
    static String nameOf(java.nio.file.Path file) {
        return SCHEME + ":" + file;
    }

    /** @return {@value #SCHEME} */
    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** Opens the plain file under this path, as a channel that moves at most {@value #MAX_IO} bytes a call. */
    @Override
    public FileChannel open(String mode) throws IOException {
        return new BoundedChannel(getBase().open(mode));
    }

    /** The file's channel, each call limited to {@link #MAX_IO} bytes; its callers loop until done. */
    private static final class BoundedChannel extends FileBase {
        private final FileChannel base;

        BoundedChannel(FileChannel base) {
            this.base = base;
        }

        /** @return {@code b} itself if small or direct, else a view of its next {@link #MAX_IO} bytes */
        private static ByteBuffer piece(ByteBuffer b) {
            if (b.remaining() <= MAX_IO || b.isDirect()) {
                return b;
            }
            ByteBuffer p = b.duplicate();
            p.limit(p.position() + MAX_IO);
            return p;
        }

        /** Moves {@code whole} on by what was done through {@code piece}. */
        private static int advance(ByteBuffer whole, ByteBuffer piece, int n) {
            if (piece != whole && n > 0) {
                whole.position(whole.position() + n);
            }
            return n;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            ByteBuffer p = piece(dst);
            return advance(dst, p, base.read(p, position));
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            ByteBuffer p = piece(src);
            return advance(src, p, base.write(p, position));
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            ByteBuffer p = piece(dst);
            return advance(dst, p, base.read(p));
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            ByteBuffer p = piece(src);
            return advance(src, p, base.write(p));
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            base.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return base.lock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }

        @Override
        public String toString() {
            return SCHEME + ":" + base;
        }
    }
}
