package org.blobsfile.index.rocksdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A {@link BlobIndex} on one open RocksDB database. RocksDB is thread-safe, but a native handle
 * used after it is freed crashes the JVM, so every operation holds a shared lock that
 * {@link #close} takes exclusively: operations run in parallel, and close waits for them.
 */
final class RocksDbIndex implements BlobIndex {
    static final byte[] META_FAMILY = "meta".getBytes(StandardCharsets.UTF_8);

    /*
     * The layout of the data in this database, stored in the meta family under a name the store
     * never uses. A future layout that this code cannot read is reported as unreadable, so the
     * store rebuilds the index instead of misreading it.
     */
    static final byte[] LAYOUT_KEY = "\u0000blobsfile.index.rocksdb.layout".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LAYOUT = {1};

    private static final int BLOOM_BITS_PER_KEY = 10;
    /** Share of the memtable given to its Bloom filter. */
    private static final double MEMTABLE_BLOOM_RATIO = 0.05;
    /** Table files kept open; far more than an index of tens of millions of blobs has. */
    private static final int MAX_OPEN_FILES = 1024;
    /** The value array of the first read, before any value's length is known. */
    private static final int FIRST_VALUE_LENGTH = 32;

    /** How a database is opened. */
    private enum Mode {
        /** Reads and writes, through the write-ahead log. */
        READ_WRITE,
        /** Reads only; no file is written. */
        READ_ONLY,
        /**
         * Filled then closed before use: writes skip the write-ahead log, and close flushes the
         * memtables into table files, so the next open has no log to replay.
         */
        BULK
    }

    private final Path dir;
    /** Opened read-only: nothing is written, so close flushes nothing. */
    private final boolean readOnly;
    private final RocksDB db;
    private final ColumnFamilyHandle keys;
    private final ColumnFamilyHandle meta;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    /** Whether close must flush the memtables: their writes are in no log. */
    private final boolean bulk;
    /**
     * The length of the last value read, to size the next read's array. A hint only: a stale
     * value costs at most one more native call, so it needs no synchronization.
     */
    private int valueLength = FIRST_VALUE_LENGTH;
    /** Native objects the database uses, released after it in this order. */
    private final List<AutoCloseable> options;

    private final Lock use;
    private final Lock closing;
    /** Written under {@link #closing}, read under {@link #use}. */
    private boolean closed;

    private RocksDbIndex(Path dir, boolean readOnly, RocksDB db, ColumnFamilyHandle keys, ColumnFamilyHandle meta,
                         WriteOptions writeOptions, ReadOptions readOptions, List<AutoCloseable> options, boolean bulk) {
        this.dir = dir;
        this.readOnly = readOnly;
        this.bulk = bulk;
        this.db = db;
        this.keys = keys;
        this.meta = meta;
        this.writeOptions = writeOptions;
        this.readOptions = readOptions;
        this.options = options;
        ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
        this.use = lifecycle.readLock();
        this.closing = lifecycle.writeLock();
    }

    /** Opens or creates the database in {@code dir}, which exists. */
    static RocksDbIndex open(Path dir) throws IOException {
        return open(dir, Mode.READ_WRITE);
    }

    /**
     * Creates a database in {@code dir} to be filled in bulk and closed before use. Its writes
     * skip the write-ahead log, which a rebuild would write once and RocksDB would then read back
     * and flush at the next open; instead {@link #close} flushes the memtables into table files.
     * {@link #discard} drops them unwritten.
     */
    static RocksDbIndex openForBulkLoad(Path dir) throws IOException {
        return open(dir, Mode.BULK);
    }

    /**
     * Opens the database in {@code dir} for reading only. RocksDB then takes no lock and writes
     * no file; its info log, which it would otherwise rotate and write in the directory, goes to
     * a logger that drops it (a failure to open is reported as an exception anyway). Writes fail.
     */
    static RocksDbIndex openReadOnly(Path dir) throws IOException {
        return open(dir, Mode.READ_ONLY);
    }

    private static RocksDbIndex open(Path dir, Mode mode) throws IOException {
        boolean readOnly = mode == Mode.READ_ONLY;
        List<AutoCloseable> options = new ArrayList<>();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = null;
        try {
            Filter bloom = track(options, new BloomFilter(BLOOM_BITS_PER_KEY));
            // whole 32-byte keys are looked up by hash: a Bloom filter spares the disk on misses
            BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(bloom).setWholeKeyFiltering(true);
            // and in the memtable too: every put of a new blob first asks for a key that is absent
            ColumnFamilyOptions familyOptions = track(options, new ColumnFamilyOptions().setTableFormatConfig(table)
                    .setMemtableWholeKeyFiltering(true)
                    .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO));
            RocksDbTuning.apply(familyOptions);
            DBOptions dbOptions = track(options, new DBOptions()
                    .setCreateIfMissing(!readOnly)
                    .setCreateMissingColumnFamilies(!readOnly)
                    // the index is rebuilt from the packs if need be; its own log is for failures only
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(2)
                    // opening must not grow with the index: a bounded table cache opens at most
                    // 16 table files at open (an unbounded one opens every file, reading its index
                    // and filter blocks), and the statistics compaction keeps are not read from
                    // every file's properties; files are still checked for their recorded sizes
                    .setMaxOpenFiles(MAX_OPEN_FILES)
                    .setSkipStatsUpdateOnDbOpen(true));
            RocksDbTuning.apply(dbOptions);
            if (readOnly) {
                dbOptions.setLogger(track(options, new DroppedLog()));
            }
            if (mode == Mode.BULK) {
                // close flushes what it keeps; a discarded database is deleted, so nothing to flush
                dbOptions.setAvoidFlushDuringShutdown(true);
                // keys are hashes, which do not compress: the flush at close writes its table
                // files plain, and compactions after the next open compress what they rewrite
                familyOptions.setCompressionType(CompressionType.NO_COMPRESSION);
            }
            // no fsync: the store never lets the index run ahead of durable packs and replays the
            // tail on open, but the WAL stays on so a process crash loses nothing written; a bulk
            // load is thrown away when it is cut short, so it needs no log
            WriteOptions writeOptions = track(options, new WriteOptions().setSync(false)
                    .setDisableWAL(mode == Mode.BULK));
            ReadOptions readOptions = track(options, new ReadOptions());
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                    new ColumnFamilyDescriptor(META_FAMILY, familyOptions));
            db = readOnly ? RocksDB.openReadOnly(dbOptions, dir.toString(), families, handles, false)
                    : RocksDB.open(dbOptions, dir.toString(), families, handles);
            RocksDbIndex index = new RocksDbIndex(dir, readOnly, db, handles.get(0), handles.get(1), writeOptions, readOptions,
                    reversed(options), mode == Mode.BULK);
            index.checkLayout(readOnly);
            return index;
        } catch (RocksDBException e) {
            release(handles, db, options);
            throw openFailure(dir, e);
        } catch (IOException | RuntimeException | Error e) {
            release(handles, db, options);
            throw e;
        }
    }

    /** Checks the layout mark, and writes it into a new database unless it is opened read-only. */
    private void checkLayout(boolean readOnly) throws IOException {
        try {
            byte[] layout = db.get(meta, LAYOUT_KEY);
            if (layout == null && !readOnly) {
                db.put(meta, writeOptions, LAYOUT_KEY, LAYOUT);
            } else if (layout != null && !Arrays.equals(layout, LAYOUT)) {
                throw new IndexUnreadableException("the rocksdb index in " + dir + " has layout "
                        + Arrays.toString(layout) + "; this version reads " + Arrays.toString(LAYOUT), null);
            }
        } catch (RocksDBException e) {
            throw new IndexUnreadableException("cannot read the rocksdb index in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * One native call that copies the value into an array sized like the last value read: the
     * store's values all have one length, so a hit usually needs no second array or call. A
     * {@code keyMayExist} with a value holder first would cost more on a hit (measured 1.8
     * against 1.3 us) because the binding builds an array of arrays per call.
     */
    @Override
    public byte[] get(byte[] key) throws IOException {
        Objects.requireNonNull(key, "key");
        use.lock();
        try {
            ensureOpen();
            return readValue(key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        } finally {
            use.unlock();
        }
    }

    /**
     * The value of {@code key}, read into an array of the hinted length; a longer value is read
     * again whole, into an array of the length RocksDB reported.
     */
    private byte[] readValue(byte[] key) throws RocksDBException {
        byte[] into = new byte[valueLength];
        while (true) {
            int n = db.get(keys, readOptions, key, 0, key.length, into, 0, into.length);
            if (n == RocksDB.NOT_FOUND) {
                return null;
            }
            if (n != valueLength) {
                valueLength = n;
            }
            if (n == into.length) {
                return into;
            }
            if (n < into.length) {
                return Arrays.copyOf(into, n);
            }
            // a concurrent write may change the value between the two reads: repeat until one fits
            into = new byte[n];
        }
    }

    /**
     * Asks the Bloom filters first: every put of a new blob asks about a key that is absent, and
     * they answer that without a lookup (measured 0.35 us, against 1.6 for a get that misses).
     */
    @Override
    public boolean contains(byte[] key) throws IOException {
        Objects.requireNonNull(key, "key");
        use.lock();
        try {
            ensureOpen();
            if (!db.keyMayExist(keys, key, null)) {
                return false;
            }
            return db.get(keys, readOptions, key, 0, key.length, new byte[0], 0, 0) != RocksDB.NOT_FOUND;
        } catch (RocksDBException e) {
            throw failure("read", e);
        } finally {
            use.unlock();
        }
    }

    @Override
    public void write(IndexBatch batch) throws IOException {
        // building the batch dereferences the column family handles, so it is under the lock too
        use.lock();
        try (WriteBatch writes = new WriteBatch()) {
            ensureOpen();
            for (IndexRecord r : inKeyOrder(batch.puts())) {
                writes.put(keys, Objects.requireNonNull(r.key(), "key"), Objects.requireNonNull(r.value(), "value"));
            }
            for (byte[] k : batch.deletes()) {
                writes.delete(keys, Objects.requireNonNull(k, "key"));
            }
            for (Map.Entry<String, byte[]> m : batch.meta().entrySet()) {
                writes.put(meta, m.getKey().getBytes(StandardCharsets.UTF_8),
                        Objects.requireNonNull(m.getValue(), "meta value"));
            }
            if (writes.count() > 0) {
                db.write(writeOptions, writes);
            }
        } catch (RocksDBException e) {
            throw failure("write", e);
        } finally {
            use.unlock();
        }
    }

    /**
     * The puts sorted by key, unless already sorted. The memtable's skip list remembers where its
     * last insert went, so a sorted batch finds each next place from there rather than from the
     * top of the list: blob hashes come in random order, and each insert otherwise walks every
     * level. A later put of one key still wins, as in the batch's own order: the sort is stable.
     */
    private static List<IndexRecord> inKeyOrder(List<IndexRecord> puts) {
        for (int i = 1; i < puts.size(); i++) {
            if (Arrays.compareUnsigned(puts.get(i - 1).key(), puts.get(i).key()) > 0) {
                List<IndexRecord> sorted = new ArrayList<>(puts);
                sorted.sort((a, b) -> Arrays.compareUnsigned(Objects.requireNonNull(a.key(), "key"),
                        Objects.requireNonNull(b.key(), "key")));
                return sorted;
            }
        }
        return puts;
    }

    @Override
    public List<IndexRecord> scan(byte[] fromInclusive, int limit) throws IOException {
        return seek(fromInclusive, new byte[0], limit);
    }

    /** One iterator seek, stopping at the first key past the prefix rather than paging. */
    @Override
    public List<IndexRecord> scanPrefix(byte[] prefix, byte[] fromInclusive, int limit) throws IOException {
        byte[] start = Arrays.compareUnsigned(fromInclusive, prefix) > 0 ? fromInclusive : prefix;
        return seek(start, prefix, limit);
    }

    private List<IndexRecord> seek(byte[] start, byte[] prefix, int limit) throws IOException {
        Objects.requireNonNull(start, "fromInclusive");
        use.lock();
        try {
            ensureOpen();
            List<IndexRecord> out = new ArrayList<>(Math.max(0, Math.min(limit, 1024)));
            if (limit <= 0) {
                return out;
            }
            // an iterator reads one consistent snapshot, so a page never shows half a batch
            try (RocksIterator it = db.newIterator(keys)) {
                it.seek(start);
                while (it.isValid() && out.size() < limit) {
                    byte[] key = it.key();
                    if (!BlobIndex.startsWith(key, prefix)) {
                        break;
                    }
                    out.add(new IndexRecord(key, it.value()));
                    it.next();
                }
                it.status();
            }
            return out;
        } catch (RocksDBException e) {
            throw failure("scan", e);
        } finally {
            use.unlock();
        }
    }

    @Override
    public byte[] getMeta(String name) throws IOException {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        use.lock();
        try {
            ensureOpen();
            return db.get(meta, key);
        } catch (RocksDBException e) {
            throw failure("read meta value '" + name + "' from", e);
        } finally {
            use.unlock();
        }
    }

    /**
     * Waits for running operations, writes the memtables to table files, then releases the
     * handles, the database and its options. RocksDB itself does not flush at close while its
     * write-ahead log is on: the next open would replay the whole log, seconds after a bulk
     * import, and write those tables then. After the flush the log holds nothing to replay. A
     * bulk load, which has no log, fails to close when its flush fails.
     */
    @Override
    public void close() throws IOException {
        shut(!readOnly);
    }

    /** Releases the database without the flush of {@link #close()}: its files are deleted next. */
    @Override
    public void discard() throws IOException {
        shut(false);
    }

    private void shut(boolean flush) throws IOException {
        closing.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            RocksDBException failure = null;
            if (flush) {
                failure = flush();
            }
            RocksDBException released = release(List.of(keys, meta), db, options);
            failure = failure != null ? failure : released;
            if (failure != null) {
                throw new IOException("closing the rocksdb index in " + dir + " failed: " + failure.getMessage(), failure);
            }
        } finally {
            closing.unlock();
        }
    }

    /**
     * Writes both families' memtables to table files and waits for it. A failure (a full disk)
     * is not the close's when the log holds every write, for the next open replays it; a bulk
     * load has no log, so there it is.
     *
     * @return the failure the close must report, or null
     */
    private RocksDBException flush() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, List.of(keys, meta));
            return null;
        } catch (RocksDBException e) {
            return bulk ? e : null; // with a log nothing is lost: the next open replays it
        }
    }

    @Override
    public String toString() {
        return "RocksDbIndex[" + dir + "]";
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the rocksdb index in " + dir + " is closed");
        }
    }

    private IOException failure(String what, RocksDBException e) {
        return new IOException("cannot " + what + " the rocksdb index in " + dir + ": " + e.getMessage(), e);
    }

    /**
     * Releases column family handles before the database and options after it, as RocksDB
     * requires; keeps going after a failure so nothing leaks.
     *
     * @return the failure of closing the database, if any
     */
    private static RocksDBException release(List<ColumnFamilyHandle> handles, RocksDB db, List<AutoCloseable> options) {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        RocksDBException failure = null;
        if (db != null) {
            try {
                db.closeE();
            } catch (RocksDBException e) {
                failure = e;
            }
        }
        for (AutoCloseable o : options) {
            try {
                o.close();
            } catch (Exception e) {
                // RocksObject.close declares no exception; nothing sensible to do with one anyway
            }
        }
        return failure;
    }

    /**
     * The store destroys and rebuilds an index that throws {@link IndexUnreadableException}, so
     * only failures about the files themselves say so. A held lock, a full disk or a read-only
     * file system would be the same after a rebuild: those stay plain {@link IOException}s.
     */
    private static IOException openFailure(Path dir, RocksDBException e) {
        if (isLockFailure(e)) {
            return new IOException("the rocksdb index in " + dir + " is in use by another open index, in this process"
                    + " or another: " + e.getMessage(), e);
        }
        Status.Code code = e.getStatus() == null ? Status.Code.Undefined : e.getStatus().getCode();
        String message = String.valueOf(e.getMessage());
        boolean unreadable = switch (code) {
            case Corruption, InvalidArgument, NotSupported -> true;
            case IOError -> message.contains("Permission denied");
            default -> false;
        };
        String text = "cannot open the rocksdb index in " + dir + ": " + message;
        return unreadable ? new IndexUnreadableException(text, e) : new IOException(text, e);
    }

    /** @return whether RocksDB failed because another instance holds the directory's LOCK file */
    static boolean isLockFailure(RocksDBException e) {
        if (e.getStatus() != null && e.getStatus().getCode() != Status.Code.IOError) {
            return false;
        }
        String m = String.valueOf(e.getMessage());
        return m.contains("LOCK") && (m.contains("lock hold by current process") || m.contains("While lock file")
                || m.contains("Resource temporarily unavailable") || m.contains("No locks available"));
    }

    /** RocksDB's info log for a database opened read-only, which must not write a file of its own. */
    private static final class DroppedLog extends org.rocksdb.Logger {
        DroppedLog() {
            super(InfoLogLevel.ERROR_LEVEL);
        }

        @Override
        protected void log(InfoLogLevel level, String message) {
            // a read-only index reports failures as exceptions; its log lines have nowhere to go
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> list, T resource) {
        list.add(resource);
        return resource;
    }

    private static List<AutoCloseable> reversed(List<AutoCloseable> list) {
        List<AutoCloseable> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
