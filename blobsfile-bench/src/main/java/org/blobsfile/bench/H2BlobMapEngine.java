package org.blobsfile.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * H2's MVStore used as a blob map: one file ({@value #FILE_NAME}) holding one map from the
 * BLAKE2b-256 key to the whole blob. Each put commits and forces the store before it returns,
 * so an acknowledged blob survives a power cut as one in our store does. Automatic commits are
 * off, so no background thread writes half a workload behind the benchmark's back. Reads do not
 * check the hash.
 *
 * <p>Thread-safe: MVStore's maps take concurrent writers, and a commit covers whatever is
 * unsaved, so concurrent puts may share a commit but each still waits for one after its own
 * write.
 */
public final class H2BlobMapEngine implements Engine {
    /** The MVStore file in the engine's directory. */
    public static final String FILE_NAME = "blobs.mv.db";
    private static final String MAP_NAME = "blobs";

    private MVStore store;
    private MVMap<byte[], byte[]> blobs;

    /** @return {@code h2-mvstore} */
    @Override
    public String name() {
        return Engines.H2_MVSTORE;
    }

    @Override
    public void open(Path dir) throws IOException {
        try {
            store = new MVStore.Builder().fileName(dir.resolve(FILE_NAME).toString()).autoCommitDisabled().open();
            blobs = store.openMap(MAP_NAME, new MVMap.Builder<byte[], byte[]>()
                    .keyType(HashKeyType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        } catch (MVStoreException e) {
            close();
            throw new IOException("opening the MVStore in " + dir, e);
        }
    }

    @Override
    public byte[] put(byte[] data) throws IOException {
        byte[] key = Hashing.blake2b256(data);
        try {
            // putIfAbsent: a content-addressed store never rewrites a blob it holds
            if (blobs.putIfAbsent(key, data.clone()) == null) {
                store.commit();
                // commit writes the chunk but leaves it to the OS; durability needs the force
                store.sync();
            }
        } catch (MVStoreException e) {
            throw new IOException("MVStore put", e);
        }
        return key;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        try {
            byte[] v = blobs.get(key);
            // MVStore hands out the very array it caches: callers get their own copy, as from the other engines
            return v == null ? null : v.clone();
        } catch (MVStoreException e) {
            throw new IOException("MVStore get", e);
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
            blobs = null;
        }
    }

    /** Keys ordered as unsigned bytes, like the store's index, stored with a length prefix. */
    private static final class HashKeyType extends BasicDataType<byte[]> {
        static final HashKeyType INSTANCE = new HashKeyType();

        @Override
        public int compare(byte[] a, byte[] b) {
            return Arrays.compareUnsigned(a, b);
        }

        @Override
        public int getMemory(byte[] key) {
            return 24 + key.length;
        }

        @Override
        public void write(WriteBuffer buff, byte[] key) {
            buff.putVarInt(key.length).put(key);
        }

        @Override
        public byte[] read(ByteBuffer buff) {
            byte[] key = new byte[org.h2.mvstore.DataUtils.readVarInt(buff)];
            buff.get(key);
            return key;
        }

        @Override
        public byte[][] createStorage(int size) {
            return new byte[size][];
        }
    }
}
