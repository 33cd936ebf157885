package org.blobsfile.bench;

import java.io.IOException;
import java.nio.file.Path;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * RocksDB with its integrated BlobDB: every value goes to blob files (minimum blob size 0), the
 * LSM tree holds only the keys and blob pointers. Writes are synced (the write-ahead log is
 * forced before a put returns), so a put is as durable as one in our store. Key = BLAKE2b-256 of
 * the value; reads do not check the hash.
 *
 * <p>Thread-safe, as RocksDB is.
 */
public final class RocksDbBlobDbEngine implements Engine {
    static {
        RocksDB.loadLibrary();
    }

    private Options options;
    private WriteOptions writeOptions;
    private RocksDB db;

    /** @return {@code rocksdb-blobdb} */
    @Override
    public String name() {
        return "rocksdb-blobdb";
    }

    @Override
    public void open(Path dir) throws IOException {
        options = new Options()
                .setCreateIfMissing(true)
                .setEnableBlobFiles(true)
                .setMinBlobSize(0)
                // blobs are never overwritten or deleted here: garbage collection would only add work
                .setEnableBlobGarbageCollection(false);
        writeOptions = new WriteOptions().setSync(true);
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            close();
            throw new IOException("opening RocksDB in " + dir, e);
        }
    }

    @Override
    public byte[] put(byte[] data) throws IOException {
        byte[] key = Hashing.blake2b256(data);
        try {
            // a content-addressed store skips a blob it has; keyMayExist answers most misses cheaply
            if (db.keyMayExist(key, null) && db.get(key) != null) {
                return key;
            }
            db.put(writeOptions, key, data);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB put", e);
        }
        return key;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB get", e);
        }
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
            db = null;
        }
        if (writeOptions != null) {
            writeOptions.close();
            writeOptions = null;
        }
        if (options != null) {
            options.close();
            options = null;
        }
    }
}
