package org.blobsfile.api.spi;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordered map from blob hashes to the store's location records, plus a few named meta values.
 * The store can always rebuild it from the packs, so an index need not force its writes to
 * disk; it must never show a half-applied {@link IndexBatch}.
 *
 * <p>Keys compare as unsigned bytes, lexicographically. Implementations must be thread-safe:
 * reads may run concurrently with each other and with a write.
 */
public interface BlobIndex extends AutoCloseable {
    /**
     * @param key a 32-byte hash
     * @return the value stored for it, or {@code null}
     * @throws IOException if the index cannot be read
     */
    byte[] get(byte[] key) throws IOException;

    /**
     * Whether a key is present. The store asks this before every put of a new blob, so most
     * answers are "no": a backend with a cheap negative test (a Bloom filter) may override it.
     *
     * @param key a 32-byte hash
     * @return whether {@link #get} would return a value
     * @throws IOException if the index cannot be read
     */
    default boolean contains(byte[] key) throws IOException {
        return get(key) != null;
    }

    /**
     * Applies every write of {@code batch} atomically.
     *
     * @param batch the puts, deletes and meta values to apply
     * @throws IOException if the index cannot be written
     */
    void write(IndexBatch batch) throws IOException;

    /**
     * Keys greater than or equal to {@code fromInclusive}, ascending.
     *
     * @param fromInclusive where to start; an empty array starts at the first key
     * @param limit         the most records to return
     * @return at most {@code limit} records
     * @throws IOException if the index cannot be read
     */
    List<IndexRecord> scan(byte[] fromInclusive, int limit) throws IOException;

    /**
     * Keys that start with {@code prefix} and are greater than or equal to {@code fromInclusive},
     * ascending. The default filters {@link #scan}; backends with native prefix seeks may do better.
     *
     * @param prefix        the leading bytes every key returned has
     * @param fromInclusive where to start; ignored when it sorts before {@code prefix}
     * @param limit         the most records to return
     * @return at most {@code limit} records
     * @throws IOException if the index cannot be read
     */
    default List<IndexRecord> scanPrefix(byte[] prefix, byte[] fromInclusive, int limit) throws IOException {
        byte[] start = Arrays.compareUnsigned(fromInclusive, prefix) > 0 ? fromInclusive : prefix;
        List<IndexRecord> out = new ArrayList<>();
        while (out.size() < limit) {
            List<IndexRecord> page = scan(start, Math.min(limit - out.size(), 1024));
            for (IndexRecord r : page) {
                if (!startsWith(r.key(), prefix)) {
                    return out;
                }
                out.add(r);
            }
            if (page.isEmpty()) {
                return out;
            }
            byte[] last = page.get(page.size() - 1).key();
            start = Arrays.copyOf(last, last.length + 1); // the smallest key after 'last'
        }
        return out;
    }

    /**
     * @param name a meta value's name
     * @return its value, or {@code null}
     * @throws IOException if the index cannot be read
     */
    byte[] getMeta(String name) throws IOException;

    /**
     * Closes the index; calling it again does nothing.
     *
     * @throws IOException if files cannot be closed cleanly
     */
    @Override
    void close() throws IOException;

    /**
     * Closes an index whose files are about to be destroyed, as before a rebuild: nothing
     * written need be saved, so an index that persists its writes on close may skip that. The
     * store calls it instead of {@link #close()} and makes no other call after it; calling it
     * again, or close after it, does nothing.
     *
     * @throws IOException if files cannot be closed
     */
    default void discard() throws IOException {
        close();
    }

    /**
     * @param key    a key
     * @param prefix a prefix
     * @return whether {@code key} starts with {@code prefix}
     */
    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
