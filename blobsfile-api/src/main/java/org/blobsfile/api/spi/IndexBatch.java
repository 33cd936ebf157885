package org.blobsfile.api.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes that a {@link BlobIndex} applies atomically: blob keys with their values, deleted keys,
 * and small named meta values (the store's checkpoint and counters). Puts are applied in order,
 * then deletes, then meta values. Not thread-safe; build it in one thread, then hand it to
 * {@link BlobIndex#write}.
 */
public final class IndexBatch {
    private final List<IndexRecord> puts = new ArrayList<>();
    private final List<byte[]> deletes = new ArrayList<>();
    private final Map<String, byte[]> meta = new LinkedHashMap<>();

    /**
     * Adds or replaces a key.
     *
     * @param key   the key
     * @param value its new value
     * @return this batch
     */
    public IndexBatch put(byte[] key, byte[] value) {
        puts.add(new IndexRecord(key, value));
        return this;
    }

    /**
     * Removes a key (after this batch's puts); removing a missing key does nothing.
     *
     * @param key the key
     * @return this batch
     */
    public IndexBatch delete(byte[] key) {
        deletes.add(key);
        return this;
    }

    /**
     * Sets a meta value; a later value for the same name in this batch wins.
     *
     * @param name  the meta value's name
     * @param value its new value
     * @return this batch
     */
    public IndexBatch putMeta(String name, byte[] value) {
        meta.put(name, value);
        return this;
    }

    /** @return the key writes, in the order they were added */
    public List<IndexRecord> puts() {
        return Collections.unmodifiableList(puts);
    }

    /** @return the keys to remove, applied after the puts */
    public List<byte[]> deletes() {
        return Collections.unmodifiableList(deletes);
    }

    /** @return the meta writes by name */
    public Map<String, byte[]> meta() {
        return Collections.unmodifiableMap(meta);
    }

    /** @return true when the batch holds no write */
    public boolean isEmpty() {
        return puts.isEmpty() && deletes.isEmpty() && meta.isEmpty();
    }
}
