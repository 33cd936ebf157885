package org.blobsfile.index.h2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.h2.engine.Constants;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * A {@link BlobIndex} in one H2 MVStore file. Keys live in {@value #SLICES} maps
 * {@code "keys.0"} to {@code "keys.15"}, each holding the keys whose first byte has that value
 * in its high four bits, so the maps in their order list every key in order; meta values live
 * in {@code "meta"}, and this module's own bookkeeping (value layout, H2 version) in
 * {@code "blobsfile"}.
 *
 * <p>MVStore maps show each put at once, so a batch is made atomic for readers by a
 * {@link BatchLock}: reads share one mode and run in parallel; batches of puts alone, as a
 * rebuild writes from several threads, share another and go in side by side; a batch with
 * deletes or meta values holds the lock alone. Concurrent puts into one MVStore map retry, and
 * soon take turns, when another put changed the map first: spread over the slices, writers on
 * random keys rarely meet in one map.
 *
 * <p>Commits are few and large, which is what keeps a bulk load small and fast: a commit writes
 * every page changed since the last one, and with random keys nearly every leaf changes between
 * commits, so committing per batch would write the whole tree again and again. A batch commits
 * only when the changes held in memory pass {@link H2Tuning#commitBytes()} or the last commit is
 * older than {@link H2Tuning#commitMillis()}; close commits the rest and compacts the file. The
 * store never needs more: it does not let the index run ahead of durable packs, and after a crash
 * it scans the packs from the index's last committed checkpoint, so uncommitted batches are
 * replayed, never lost. A commit runs while readers may run but no batch is being written, so
 * it persists whole batches only.
 */
final class H2Index implements BlobIndex {
    static final String FILE_NAME = "index.mv.db";
    /** The name of a key slice's map is this and the slice's number. */
    static final String KEYS_MAP_PREFIX = "keys.";
    /** How many maps the keys are spread over, by the high bits of their first byte. */
    static final int SLICES = 16;
    private static final int SLICE_SHIFT = 4;
    static final String META_MAP = "meta";
    static final String INFO_MAP = "blobsfile";
    static final String LAYOUT = "layout";
    static final String H2_VERSION = "h2.version";
    /** 1 held every key in one map "keys"; 2 spreads them over {@value #SLICES} maps. */
    private static final String LAYOUT_VERSION = "2";

    private final Path file;
    private final MVStore store;
    private final List<MVMap<byte[], byte[]>> slices;
    private final MVMap<String, byte[]> meta;
    private final H2Tuning tuning;
    /** Opened read-only: nothing is committed, recorded or compacted. */
    private final boolean readOnly;
    /**
     * Filled in bulk, then closed before use: commits only when memory asks, since a commit
     * rewrites most of the tree and the load is thrown away when it is cut short, and close
     * does not compact a file that was written in a few large commits.
     */
    private final boolean bulk;

    private final BatchLock lock = new BatchLock();
    /** Written in exclusive mode, read in any mode. */
    private boolean closed;
    /** Set after each commit, read by whichever batch asks whether to commit next. */
    private volatile long lastCommitNanos = System.nanoTime();

    private H2Index(Path file, MVStore store, H2Tuning tuning, boolean readOnly, boolean bulk) {
        this.file = file;
        this.store = store;
        this.tuning = tuning;
        this.readOnly = readOnly;
        this.bulk = bulk;
        List<MVMap<byte[], byte[]>> maps = new ArrayList<>(SLICES);
        for (int i = 0; i < SLICES; i++) {
            maps.add(store.openMap(KEYS_MAP_PREFIX + i, new MVMap.Builder<byte[], byte[]>()
                    .keyType(UnsignedBytesType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)));
        }
        this.slices = List.copyOf(maps);
        this.meta = store.openMap(META_MAP, new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    /** Opens or creates the store file in {@code dir}, which exists. */
    static H2Index open(Path dir, H2Tuning tuning) throws IOException {
        return open(dir, tuning, false, false);
    }

    /**
     * Creates the store file in {@code dir}, which exists, to be filled in bulk and closed
     * before use: it commits only when the changes held in memory ask for it, and close commits
     * without compacting.
     */
    static H2Index openForBulkLoad(Path dir, H2Tuning tuning) throws IOException {
        return open(dir, tuning, false, true);
    }

    /**
     * Opens the store file in {@code dir} for reading only: MVStore then opens it for reading,
     * locks it shared and writes nothing. Writes fail.
     */
    static H2Index openReadOnly(Path dir, H2Tuning tuning) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no h2 index here");
        }
        return open(dir, tuning, true, false);
    }

    private static H2Index open(Path dir, H2Tuning tuning, boolean readOnly, boolean bulk) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        MVStore store;
        try {
            MVStore.Builder builder = new MVStore.Builder();
            if (readOnly) {
                builder.readOnly();
            }
            store = builder
                    // in pieces: see BoundedIoFilePath for the native memory a whole chunk's write keeps
                    .fileName(BoundedIoFilePath.nameOf(file))
                    .autoCommitDisabled()
                    // MVStore would otherwise commit on its own once this much is unsaved, in the
                    // middle of a batch; this backstop only bounds memory if commits stop
                    .autoCommitBufferSize((int) Math.min(Integer.MAX_VALUE / 1024, tuning.commitBytes() / 1024L * 2))
                    .pageSplitSize(tuning.pageSplitSize())
                    .cacheSize(tuning.cacheMegabytes())
                    .compress()
                    .open();
        } catch (MVStoreException e) {
            throw openFailure(file, e);
        } catch (IllegalStateException | IllegalArgumentException | ArrayIndexOutOfBoundsException
                 | NegativeArraySizeException | java.nio.BufferUnderflowException e) {
            // what a damaged file makes MVStore's parser throw besides its own exception
            throw new IndexUnreadableException("cannot read the h2 index " + file + ": " + e, e);
        }
        try {
            if (!readOnly) {
                // a file older versions left without retention settings reuses space at once, too
                store.setRetentionTime(0);
                store.setVersionsToKeep(0);
            }
            H2Index index = new H2Index(file, store, tuning, readOnly, bulk);
            index.checkLayout();
            return index;
        } catch (MVStoreException e) {
            store.closeImmediately();
            throw openFailure(file, e);
        } catch (IOException | RuntimeException | Error e) {
            store.closeImmediately();
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException re) {
                throw new IndexUnreadableException("cannot read the h2 index " + file + ": " + re, re);
            }
            throw (Error) e;
        }
    }

    /**
     * Checks, or records on first open, the value layout and the H2 version that wrote the file.
     * A file from another H2 major version is reported unreadable, so the store rebuilds it rather
     * than trust it; another minor version of the same major reads the same file format.
     */
    private void checkLayout() throws IOException {
        MVMap<String, String> info = store.openMap(INFO_MAP);
        String layout = info.get(LAYOUT);
        String version = info.get(H2_VERSION);
        if (layout != null && !layout.equals(LAYOUT_VERSION)) {
            throw new IndexUnreadableException("the h2 index " + file + " has layout " + layout
                    + "; this version reads " + LAYOUT_VERSION, null);
        }
        if (version != null && !majorOf(version).equals(majorOf(Constants.VERSION))) {
            throw new IndexUnreadableException("the h2 index " + file + " was written by H2 " + version
                    + "; this is H2 " + Constants.VERSION, null);
        }
        if (!readOnly && (layout == null || !Constants.VERSION.equals(version))) {
            info.put(LAYOUT, LAYOUT_VERSION);
            info.put(H2_VERSION, Constants.VERSION);
            store.commit();
        }
    }

    private static String majorOf(String version) {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    /** @return the H2 version recorded in the file */
    String recordedH2Version() throws IOException {
        lock.lockRead();
        try {
            ensureOpen();
            return store.<String, String>openMap(INFO_MAP).get(H2_VERSION);
        } finally {
            lock.unlockRead();
        }
    }

    /** @return the map that holds {@code key}: keys sort first by their first byte, an empty key first of all */
    private MVMap<byte[], byte[]> sliceOf(byte[] key) {
        return slices.get(sliceIndex(key));
    }

    private static int sliceIndex(byte[] key) {
        return key.length == 0 ? 0 : (key[0] & 0xFF) >>> SLICE_SHIFT;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        Objects.requireNonNull(key, "key");
        lock.lockRead();
        try {
            ensureOpen();
            byte[] v = sliceOf(key).get(key);
            return v == null ? null : v.clone();
        } catch (MVStoreException e) {
            throw failure("read", e);
        } finally {
            lock.unlockRead();
        }
    }

    /**
     * Applies the batch in puts mode if it holds only puts, else in exclusive mode; then commits
     * if one is due.
     */
    @Override
    public void write(IndexBatch batch) throws IOException {
        if (readOnly) {
            throw new IOException("cannot write the h2 index " + file + ": it is open read-only");
        }
        boolean putsOnly = batch.deletes().isEmpty() && batch.meta().isEmpty();
        if (putsOnly) {
            lock.lockPuts();
        } else {
            lock.lockExclusive();
        }
        try {
            ensureOpen();
            for (IndexRecord r : batch.puts()) {
                byte[] key = Objects.requireNonNull(r.key(), "key");
                sliceOf(key).put(key.clone(), Objects.requireNonNull(r.value(), "value").clone());
            }
            for (byte[] k : batch.deletes()) {
                sliceOf(Objects.requireNonNull(k, "key")).remove(k);
            }
            for (Map.Entry<String, byte[]> m : batch.meta().entrySet()) {
                meta.put(m.getKey(), Objects.requireNonNull(m.getValue(), "meta value").clone());
            }
        } catch (MVStoreException e) {
            throw failure("write", e);
        } finally {
            if (putsOnly) {
                lock.unlockPuts();
            } else {
                lock.unlockExclusive();
            }
        }
        if (!batch.isEmpty() && commitDue()) {
            commit();
        }
    }

    private boolean commitDue() {
        if (readOnly) {
            return false; // its writes fail before this; nothing to commit
        }
        return store.getUnsavedMemory() >= tuning.commitBytes()
                || !bulk && System.nanoTime() - lastCommitNanos >= tuning.commitMillis() * 1_000_000L;
    }

    /**
     * Commits in read mode: no batch is half applied, so the file gets whole batches only, and
     * readers go on meanwhile. Writers that found a commit due at the same time queue here; the
     * first commits, the others find it done.
     */
    private void commit() throws IOException {
        lock.lockRead();
        try {
            if (closed || !commitDue()) {
                return;
            }
            store.commit();
            compactIfSparse();
            lastCommitNanos = System.nanoTime();
        } catch (MVStoreException e) {
            throw failure("commit", e);
        } finally {
            lock.unlockRead();
        }
    }

    /**
     * MVStore compacts only from a background thread, which this index does not run, so a chunk
     * keeping a few live pages keeps its whole space. When {@link H2Tuning#fillRate()} is set,
     * the sparsest chunks' live pages are rewritten after a commit, a commit's worth at most,
     * which frees them; called in read mode, like the commit. Off by default: with random keys
     * it did not make the file smaller (see {@link H2Tuning}).
     */
    private void compactIfSparse() {
        if (tuning.fillRate() > 0 && store.getFillRate() < tuning.fillRate()
                && store.compact(tuning.fillRate(), tuning.commitBytes())) {
            store.commit();
        }
    }

    @Override
    public List<IndexRecord> scan(byte[] fromInclusive, int limit) throws IOException {
        return seek(fromInclusive, new byte[0], limit);
    }

    /** Cursors from the start key, stopping at the first key past the prefix. */
    @Override
    public List<IndexRecord> scanPrefix(byte[] prefix, byte[] fromInclusive, int limit) throws IOException {
        byte[] start = java.util.Arrays.compareUnsigned(fromInclusive, prefix) > 0 ? fromInclusive : prefix;
        return seek(start, prefix, limit);
    }

    private List<IndexRecord> seek(byte[] start, byte[] prefix, int limit) throws IOException {
        Objects.requireNonNull(start, "fromInclusive");
        lock.lockRead();
        try {
            ensureOpen();
            List<IndexRecord> out = new ArrayList<>(Math.max(0, Math.min(limit, 1024)));
            // the start key's slice from the start key, then each later slice from its first key
            for (int i = sliceIndex(start); i < SLICES && out.size() < limit; i++) {
                Cursor<byte[], byte[]> c = slices.get(i).cursor(i == sliceIndex(start) ? start : null);
                while (c.hasNext() && out.size() < limit) {
                    byte[] k = c.next();
                    if (!BlobIndex.startsWith(k, prefix)) {
                        return out;
                    }
                    out.add(new IndexRecord(k.clone(), c.getValue().clone()));
                }
            }
            return out;
        } catch (MVStoreException e) {
            throw failure("scan", e);
        } finally {
            lock.unlockRead();
        }
    }

    @Override
    public byte[] getMeta(String name) throws IOException {
        Objects.requireNonNull(name, "name");
        lock.lockRead();
        try {
            ensureOpen();
            byte[] v = meta.get(name);
            return v == null ? null : v.clone();
        } catch (MVStoreException e) {
            throw failure("read meta value '" + name + "' from", e);
        } finally {
            lock.unlockRead();
        }
    }

    /** Waits for running operations, commits what is left, compacts the file for a bounded time and closes it. */
    @Override
    public void close() throws IOException {
        shut(true);
    }

    /** Closes without the commit and compaction of {@link #close()}: the file is deleted next. */
    @Override
    public void discard() throws IOException {
        shut(false);
    }

    /** Closes the store once, after the operations running; {@code save}: commit and compact first. */
    private void shut(boolean save) throws IOException {
        lock.lockExclusive();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (!save || readOnly) {
                store.closeImmediately();
                return;
            }
            try {
                store.close(bulk ? 0 : tuning.closeCompactionMillis());
            } catch (MVStoreException e) {
                store.closeImmediately();
                throw failure("close", e);
            }
        } finally {
            lock.unlockExclusive();
        }
    }

    /** @return the bytes the store file takes on disk now */
    long fileSize() throws IOException {
        return Files.size(file);
    }

    @Override
    public String toString() {
        return "H2Index[" + file + "]";
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the h2 index " + file + " is closed");
        }
    }

    private IOException failure(String what, MVStoreException e) {
        return new IOException("cannot " + what + " the h2 index " + file + ": " + e.getMessage(), e);
    }

    /**
     * The store destroys and rebuilds an index that throws {@link IndexUnreadableException}, so
     * only failures about the file's content say so. A file in use, or one that cannot be
     * written, would be the same after a rebuild: those stay plain {@link IOException}s.
     */
    private static IOException openFailure(Path file, MVStoreException e) {
        int code = e.getErrorCode();
        if (code == DataUtils.ERROR_FILE_LOCKED) {
            return new IOException("the h2 index " + file + " is in use by another open index, in this process or another: "
                    + e.getMessage(), e);
        }
        String text = "cannot open the h2 index " + file + ": " + e.getMessage();
        if (code == DataUtils.ERROR_WRITING_FAILED || code == DataUtils.ERROR_CLOSED) {
            return new IOException(text, e);
        }
        return new IndexUnreadableException(text, e);
    }
}
