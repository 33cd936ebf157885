package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;

/**
 * An index opened read-only with a {@link MemoryIndex} on top: what a read-only store learns
 * from the packs after the index's checkpoint goes to memory, and lookups see both, the memory's
 * values first. Nothing is ever written to the index underneath, nor deleted from either.
 * Thread-safe as its two parts are.
 */
final class OverlayIndex implements BlobIndex {
    private final BlobIndex base;
    private final MemoryIndex top = new MemoryIndex();

    /** @param base an index opened read-only; this overlay closes it */
    OverlayIndex(BlobIndex base) {
        this.base = base;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        byte[] v = top.get(key);
        return v != null ? v : base.get(key);
    }

    @Override
    public boolean contains(byte[] key) throws IOException {
        return top.get(key) != null || base.contains(key);
    }

    /** @throws IOException when the batch deletes a key: the index underneath cannot forget it */
    @Override
    public void write(IndexBatch batch) throws IOException {
        if (!batch.deletes().isEmpty()) {
            throw new IOException("cannot delete keys from an index opened read-only");
        }
        top.write(batch);
    }

    /** Merges a page of each part in key order; on a key both hold, the memory's value wins. */
    @Override
    public List<IndexRecord> scan(byte[] fromInclusive, int limit) throws IOException {
        return merge(top.scan(fromInclusive, limit), base.scan(fromInclusive, limit), limit);
    }

    @Override
    public List<IndexRecord> scanPrefix(byte[] prefix, byte[] fromInclusive, int limit) throws IOException {
        return merge(top.scanPrefix(prefix, fromInclusive, limit), base.scanPrefix(prefix, fromInclusive, limit), limit);
    }

    /**
     * Both pages start at the same key and hold up to {@code limit} keys each, so their first
     * {@code limit} keys merged are the first {@code limit} keys of the union.
     */
    private static List<IndexRecord> merge(List<IndexRecord> top, List<IndexRecord> base, int limit) {
        List<IndexRecord> out = new ArrayList<>(Math.min(limit, top.size() + base.size()));
        int i = 0;
        int j = 0;
        while (out.size() < limit && (i < top.size() || j < base.size())) {
            int c = i == top.size() ? 1 : j == base.size() ? -1
                    : Arrays.compareUnsigned(top.get(i).key(), base.get(j).key());
            if (c <= 0) {
                out.add(top.get(i++));
                if (c == 0) {
                    j++;
                }
            } else {
                out.add(base.get(j++));
            }
        }
        return out;
    }

    @Override
    public byte[] getMeta(String name) throws IOException {
        byte[] v = top.getMeta(name);
        return v != null ? v : base.getMeta(name);
    }

    @Override
    public void close() throws IOException {
        top.close();
        base.close();
    }

    /** The index underneath is only closed: its files are never the overlay's to destroy. */
    @Override
    public void discard() throws IOException {
        close();
    }
}
