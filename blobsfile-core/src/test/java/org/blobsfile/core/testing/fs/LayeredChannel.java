package org.blobsfile.core.testing.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A file channel of a {@link LayeredFileSystem}: reads go straight to the real channel, writes,
 * forces and truncations through the {@link FileLayer}. When the real channel is closed under it
 * (an interrupt, or a power cut closing every channel), this one closes too, as a plain channel
 * would, so code that reopens closed channels sees it.
 */
final class LayeredChannel extends FileChannel {
    private final Path file;
    private final FileChannel raw;
    private final FileLayer layer;

    LayeredChannel(Path file, FileChannel raw, FileLayer layer) {
        this.file = file;
        this.raw = raw;
        this.layer = layer;
    }

    private <T> T guarded(FileLayer.Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (ClosedChannelException e) {
            if (!raw.isOpen() && isOpen()) {
                close();
            }
            throw e;
        }
    }

    private static long remaining(ByteBuffer[] bufs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += bufs[i].remaining();
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return guarded(() -> raw.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return guarded(() -> raw.read(dsts, offset, length));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return guarded(() -> raw.read(dst, position));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return guarded(() -> (int) layer.write(file, raw, raw.position(), src.remaining(), () -> (long) raw.write(src)));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return guarded(() -> layer.write(file, raw, raw.position(), remaining(srcs, offset, length),
                () -> raw.write(srcs, offset, length)));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return guarded(() -> (int) layer.write(file, raw, position, src.remaining(),
                () -> (long) raw.write(src, position)));
    }

    @Override
    public long position() throws IOException {
        return guarded(raw::position);
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        guarded(() -> raw.position(newPosition));
        return this;
    }

    @Override
    public long size() throws IOException {
        return guarded(raw::size);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        guarded(() -> {
            if (size < raw.size()) {
                layer.truncate(file, raw, size, () -> {
                    raw.truncate(size);
                    return null;
                });
            } else {
                raw.truncate(size); // moves the position only
            }
            return null;
        });
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        guarded(() -> {
            layer.force(file, raw, () -> {
                raw.force(metaData);
                return null;
            });
            return null;
        });
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return guarded(() -> raw.transferTo(position, count, target));
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return guarded(() -> layer.write(file, raw, position, count, () -> raw.transferFrom(src, position, count)));
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode != MapMode.READ_ONLY) {
            throw new UnsupportedOperationException("writes through a mapping would pass the file layer by");
        }
        return guarded(() -> raw.map(mode, position, size));
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return guarded(() -> raw.lock(position, size, shared));
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return guarded(() -> raw.tryLock(position, size, shared));
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try {
            raw.close();
        } finally {
            layer.closed(raw);
        }
    }
}
