package org.blobsfile.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.BitSet;

/**
 * A read-only file channel that remembers which bytes were read through it, how many reads each
 * byte got and how many reads there were, so a test can prove that a verifier looked at every
 * byte of a file, or that a scan skipped what it did not need.
 */
public final class RecordingChannel extends FileChannel {
    private final FileChannel delegate;
    /** Bytes read at least once. */
    public final BitSet seen = new BitSet();
    /** Bytes read more than once. */
    public final BitSet again = new BitSet();
    /** Reads that returned bytes. */
    public int reads;

    public RecordingChannel(FileChannel delegate) {
        this.delegate = delegate;
    }

    private void record(long pos, int n) {
        reads++;
        for (int i = 0; i < n; i++) {
            int at = Math.toIntExact(pos + i);
            if (seen.get(at)) {
                again.set(at);
            }
            seen.set(at);
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        int n = delegate.read(dst, position);
        if (n > 0) {
            record(position, n);
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        long p = delegate.position();
        int n = delegate.read(dst);
        if (n > 0) {
            record(p, n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("scattering reads are not recorded");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("mapped reads are not recorded");
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException("transfers are not recorded");
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public int write(ByteBuffer src, long position) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public FileChannel truncate(long size) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        delegate.force(metaData);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
