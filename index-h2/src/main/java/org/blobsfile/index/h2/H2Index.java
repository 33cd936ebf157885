package org.blobsfile.index.h2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * A {@link BlobIndex} in one H2 MVStore file. Keys live in {@link Generation generations}, each
 * a set of {@value Generation#SLICES} maps {@code "gen.<n>.0"} to {@code "gen.<n>.15"}: new keys
 * go to the newest, which is frozen once it holds {@link H2Tuning#generationKeys()} keys, its
 * {@link KeyFilter} stored in {@code "filters"}. Meta values live in {@code "meta"}, and this
 * module's own bookkeeping (value layout, H2 version, the active generation's number) in
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
 * every page changed since the last one, and with random keys nearly every leaf of the active
 * generation changes between commits, so committing per batch would write that generation again
 * and again. A batch commits only when what the changes hold in memory, as
 * {@link #heldSinceCommit} estimates it, passes {@link H2Tuning#commitBytes()}, when the last
 * commit is older than {@link H2Tuning#commitMillis()}, or when it froze the active generation;
 * close commits the rest and compacts the file. The
 * store never needs more: it does not let the index run ahead of durable packs, and after a crash
 * it scans the packs from the index's last committed checkpoint, so uncommitted batches are
 * replayed, never lost. A commit runs while readers may run but no batch is being written, so
 * it persists whole batches only.
 */
final class H2Index implements BlobIndex {
    static final String FILE_NAME = "index.mv.db";
    /** Layout 2's key maps were named this and the slice's number. */
    static final String KEYS_MAP_PREFIX = "keys.";
    static final String META_MAP = "meta";
    static final String FILTERS_MAP = "filters";
    static final String INFO_MAP = "blobsfile";
    static final String LAYOUT = "layout";
    static final String H2_VERSION = "h2.version";
    /** The number of the generation new keys go to. */
    static final String ACTIVE_GENERATION = "generation";
    /**
     * 1 held every key in one map "keys"; 2 spread them over {@value Generation#SLICES} maps
     * "keys.0" to "keys.15", which this version opens as generation 0 (renamed when it writes);
     * 3 keeps them in generations.
     */
    private static final String LAYOUT_VERSION = "3";
    private static final String SLICED_LAYOUT = "2";

    /** About what a key and its value take on the heap in a page, with a margin. */
    static final long HELD_PER_KEY = 128;
    /** About what a changed leaf takes: MVStore puts up to 48 keys in one. */
    static final long HELD_PER_LEAF = 48 * HELD_PER_KEY;
    /** MVStore's own commit in the middle of a batch, as a multiple of {@link H2Tuning#commitBytes()}. */
    private static final long BACKSTOP_FACTOR = 4;

    private final Path file;
    private final MVStore store;
    /** Oldest first; the last takes new keys. Replaced whole when a generation is frozen. */
    private volatile List<Generation> generations = List.of();
    private final MVMap<String, byte[]> meta;
    private final MVMap<String, byte[]> filters;
    private final MVMap<String, String> info;
    /** Held while freezing a generation or committing, which one writer does at a time. */
    private final Object maintenance = new Object();
    /** Set while a writer builds the filters of frozen generations, which one does at a time. */
    private final AtomicBoolean filtering = new AtomicBoolean();
    /** Keys written to the active generation since the last commit. */
    private final AtomicLong activeWritesSinceCommit = new AtomicLong();
    /** Keys written to frozen generations since the last commit. */
    private final AtomicLong frozenWritesSinceCommit = new AtomicLong();
    /**
     * The keys a generation takes before it is frozen: {@link H2Tuning#generationKeys()}, but no
     * more than {@link H2Tuning#commitBytes()} hold when every page of the generation has changed.
     */
    private final long generationKeys;
    /** Where frozen generations' filters answer from. */
    private final FilterBanks banks;
    private final H2Tuning tuning;
    /** Opened read-only: nothing is committed, recorded or compacted. */
    private final boolean readOnly;
    /**
     * Filled in bulk, then closed before use: commits only when memory asks or a generation is
     * frozen, not on a timer, since a commit rewrites most of the active generation and the load
     * is thrown away when it is cut short, and close does not compact a file that was written in
     * a few large commits.
     */
    private final boolean bulk;

    private final BatchLock lock = new BatchLock();
    /** Written in exclusive mode, read in any mode, and outside the lock by {@link #buildFilters}. */
    private volatile boolean closed;
    /** Set after each commit, read by whichever batch asks whether to commit next. */
    private volatile long lastCommitNanos = System.nanoTime();

    private H2Index(Path file, MVStore store, H2Tuning tuning, boolean readOnly, boolean bulk) {
        this.file = file;
        this.store = store;
        this.tuning = tuning;
        this.readOnly = readOnly;
        this.bulk = bulk;
        this.generationKeys = Math.max(1, Math.min(tuning.generationKeys(), tuning.commitBytes() / HELD_PER_KEY));
        this.banks = new FilterBanks(generationKeys);
        this.meta = store.openMap(META_MAP, new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        this.filters = store.openMap(FILTERS_MAP, new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        this.info = store.openMap(INFO_MAP);
    }

    /** Opens or creates the store file in {@code dir}, which exists. */
    static H2Index open(Path dir, H2Tuning tuning) throws IOException {
        return open(dir, tuning, false, false);
    }

    /**
     * Creates the store file in {@code dir}, which exists, to be filled in bulk and closed
     * before use: it commits only when the changes held in memory ask for it or a generation is
     * frozen, and close commits without compacting.
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
                    // MVStore commits on its own once this much is unsaved, in the middle of a
                    // batch; commitDue commits after a batch long before, so this only bounds
                    // the memory a single very large batch holds
                    .autoCommitBufferSize((int) Math.min(Integer.MAX_VALUE / 1024,
                            tuning.commitBytes() / 1024L * BACKSTOP_FACTOR))
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
                // no old version is read, so none is kept in memory. The retention time stays
                // MVStore's: with 0, space a commit freed was written over at once, and after a
                // crash the file opened without its last commit; after more commits and a clean
                // close it opened with most of its keys gone
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
     * Checks, or records on first open, the value layout and the H2 version that wrote the file,
     * and opens the generations. A file from another H2 major version is reported unreadable, so
     * the store rebuilds it rather than trust it; another minor version of the same major reads
     * the same file format. A file of layout 2 has its key maps renamed to generation 0, in one
     * commit; opened read-only, it is read as it is.
     */
    private void checkLayout() throws IOException {
        String layout = info.get(LAYOUT);
        String version = info.get(H2_VERSION);
        boolean sliced = SLICED_LAYOUT.equals(layout);
        if (layout != null && !layout.equals(LAYOUT_VERSION) && !sliced) {
            throw new IndexUnreadableException("the h2 index " + file + " has layout " + layout
                    + "; this version reads " + LAYOUT_VERSION + " and " + SLICED_LAYOUT, null);
        }
        if (version != null && !majorOf(version).equals(majorOf(Constants.VERSION))) {
            throw new IndexUnreadableException("the h2 index " + file + " was written by H2 " + version
                    + "; this is H2 " + Constants.VERSION, null);
        }
        if (sliced && readOnly) {
            generations = List.of(Generation.open(store, KEYS_MAP_PREFIX, 0, null, null));
            return;
        }
        int active = activeGeneration(layout);
        if (LAYOUT_VERSION.equals(layout)) {
            for (int g = 0; g <= active; g++) {
                if (!Generation.inFile(store, Generation.names(g))) {
                    throw new IndexUnreadableException("the h2 index " + file + " lacks maps of generation " + g
                            + " (the active one is " + active + ")", null);
                }
            }
        }
        if (sliced) {
            // opened with their types first: MVStore keeps one instance of a map, whatever its name
            Generation old = Generation.open(store, KEYS_MAP_PREFIX, 0, null, null);
            for (int i = 0; i < Generation.SLICES; i++) {
                store.renameMap(old.slice(i), Generation.names(0) + i);
            }
        }
        List<Generation> gens = new ArrayList<>(active + 1);
        for (int g = 0; g < active; g++) {
            gens.add(Generation.open(store, Generation.names(g), g, this::storedFilter, banks));
        }
        gens.add(Generation.open(store, Generation.names(active), active, null, null));
        generations = List.copyOf(gens);
        if (!readOnly && (layout == null || sliced || !Constants.VERSION.equals(version))) {
            info.put(LAYOUT, LAYOUT_VERSION);
            info.put(H2_VERSION, Constants.VERSION);
            info.put(ACTIVE_GENERATION, Integer.toString(active));
            store.commit();
        }
    }

    /** @return the number of the generation that takes new keys, as the file records it */
    private int activeGeneration(String layout) throws IOException {
        String recorded = info.get(ACTIVE_GENERATION);
        if (recorded == null) {
            if (LAYOUT_VERSION.equals(layout)) {
                throw new IndexUnreadableException("the h2 index " + file + " does not say which generation is active",
                        null);
            }
            return 0;
        }
        try {
            int n = Integer.parseInt(recorded);
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IndexUnreadableException("the h2 index " + file + " records active generation '" + recorded + "'",
                    e);
        }
    }

    /** @return the stored filter of frozen generation {@code g}, or null */
    private byte[] storedFilter(int g) {
        return filters.get(Integer.toString(g));
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
            return info.get(H2_VERSION);
        } finally {
            lock.unlockRead();
        }
    }

    /**
     * @return the map {@code key} lives in: that of the frozen generation that holds it, else the
     *         active generation's, whether it holds the key or not, so a put or delete there needs
     *         no lookup first
     */
    private static MVMap<byte[], byte[]> home(List<Generation> gens, byte[] key) {
        KeyProbe probe = new KeyProbe(key);
        for (int g = gens.size() - 2; g >= 0; g--) {
            Generation gen = gens.get(g);
            if (gen.mightHold(probe) && gen.slice(key).containsKey(key)) {
                return gen.slice(key);
            }
        }
        return gens.get(gens.size() - 1).slice(key);
    }

    /** @return the value {@code key} has in the generation that holds it, or null */
    private static byte[] find(List<Generation> gens, byte[] key) {
        KeyProbe probe = new KeyProbe(key);
        for (int g = gens.size() - 1; g >= 0; g--) {
            Generation gen = gens.get(g);
            if (gen.mightHold(probe)) {
                byte[] v = gen.slice(key).get(key);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        Objects.requireNonNull(key, "key");
        lock.lockRead();
        try {
            ensureOpen();
            byte[] v = find(generations, key);
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
            List<Generation> gens = generations;
            Generation active = gens.get(gens.size() - 1);
            long toActive = 0;
            for (IndexRecord r : batch.puts()) {
                byte[] key = Objects.requireNonNull(r.key(), "key");
                MVMap<byte[], byte[]> home = home(gens, key);
                home.put(key.clone(), Objects.requireNonNull(r.value(), "value").clone());
                toActive += home == active.slice(key) ? 1 : 0;
            }
            for (byte[] k : batch.deletes()) {
                MVMap<byte[], byte[]> home = home(gens, Objects.requireNonNull(k, "key"));
                home.remove(k);
                toActive += home == active.slice(k) ? 1 : 0;
            }
            activeWritesSinceCommit.addAndGet(toActive);
            frozenWritesSinceCommit.addAndGet(batch.puts().size() + batch.deletes().size() - toActive);
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
        if (!batch.isEmpty() && (freezeDue() || commitDue())) {
            maintain();
        }
    }

    /** @return whether the active generation is full, so the next key goes to a new one */
    private boolean freezeDue() {
        List<Generation> gens = generations;
        return !readOnly && gens.get(gens.size() - 1).size() >= generationKeys;
    }

    private boolean commitDue() {
        if (readOnly) {
            return false; // its writes fail before this; nothing to commit
        }
        return Math.max(heldSinceCommit(), store.getUnsavedMemory()) >= tuning.commitBytes()
                || !bulk && System.nanoTime() - lastCommitNanos >= tuning.commitMillis() * 1_000_000L;
    }

    /**
     * @return about what the changes since the last commit hold on the heap: a changed leaf for
     *         each key written, since random keys seldom share one, but for the active generation
     *         at most the whole generation, which is what every key written there changes once
     *         every leaf has changed. MVStore counts what its changed pages hold too, and
     *         {@link #commitDue} takes the larger of the two. What made commits frequent before
     *         was a generation larger than {@code commitBytes} holds with all its leaves changed:
     *         with random keys, commits then came every few ten thousand keys, each rewriting it
     */
    private long heldSinceCommit() {
        List<Generation> gens = generations;
        long active = Math.min(activeWritesSinceCommit.get() * HELD_PER_LEAF,
                gens.get(gens.size() - 1).size() * HELD_PER_KEY);
        return active + frozenWritesSinceCommit.get() * HELD_PER_LEAF;
    }

    /**
     * Freezes the active generation when it is full, and commits then or when a commit is due, in read
     * mode: no batch is half applied, so the file gets whole batches only, and readers go on
     * meanwhile. Writers that found the work due at the same time queue here; the first does it,
     * the others find it done. Then builds the filters frozen generations lack, outside the lock.
     */
    private void maintain() throws IOException {
        lock.lockRead();
        try {
            synchronized (maintenance) {
                if (closed) {
                    return;
                }
                boolean froze = freezeDue();
                if (froze) {
                    freeze();
                }
                // the full generation's changed pages go at once: its keys are no longer counted
                // as the active generation's
                if (froze || commitDue()) {
                    store.commit();
                    activeWritesSinceCommit.set(0);
                    frozenWritesSinceCommit.set(0);
                    compactIfSparse();
                    lastCommitNanos = System.nanoTime();
                }
            }
        } catch (MVStoreException e) {
            throw failure("commit", e);
        } finally {
            lock.unlockRead();
        }
        buildFilters();
    }

    /**
     * Starts the next generation, the full one frozen without a filter: it may hold any key
     * until its filter is built. Readers meanwhile keep the list they read, in which the full
     * generation is still the active one and holds every key it did. The new generation's maps
     * are created before the file names it active, so a commit in between, which MVStore may
     * make on its own, leaves a file that opens as it was.
     */
    private void freeze() {
        List<Generation> gens = generations;
        Generation full = gens.get(gens.size() - 1);
        int next = full.number() + 1;
        Generation fresh = Generation.open(store, Generation.names(next), next, null, null);
        info.put(ACTIVE_GENERATION, Integer.toString(next));
        List<Generation> updated = new ArrayList<>(gens.subList(0, gens.size() - 1));
        updated.add(full.frozen(this::storedFilter, banks));
        updated.add(fresh);
        generations = List.copyOf(updated);
    }

    /**
     * Builds and stores the filter of each frozen generation that lacks one, and moves filters
     * into {@link FilterBank banks}, in the calling writer's thread but outside the lock, so
     * batches and reads go on meanwhile: a frozen generation takes no new key, so the filter of
     * the keys read now stays right. One writer builds at a time; one that finds another building
     * returns. A filter that cannot be built or stored leaves its generation without one: lookups
     * then read its maps, slower, never wrong. The first write after an open that freezes or
     * commits copies every stored filter into banks (at 30 million keys, about 0.6 s), once; an
     * index opened read-only keeps each filter answering for itself.
     */
    private void buildFilters() {
        if (readOnly || !filtering.compareAndSet(false, true)) {
            return;
        }
        try {
            for (Generation g : generations) {
                if (closed) {
                    return;
                }
                if (g.lacksFilter()) {
                    KeyFilter built = g.buildFilter();
                    storeFilter(g.number(), built);
                    g.install(built);
                }
                g.joinBank();
            }
        } catch (RuntimeException | IOException e) {
            // closed meanwhile (MVStoreException), a page that cannot be read, or a filter too
            // large: the batch that got here was applied, and the generation stays without one
        } finally {
            filtering.set(false);
        }
    }

    /** Puts a filter into the file, for the next commit, unless the index was closed meanwhile. */
    private void storeFilter(int generation, KeyFilter built) throws IOException {
        byte[] bytes = built.toBytes();
        lock.lockRead();
        try {
            ensureOpen();
            filters.put(Integer.toString(generation), bytes);
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
            List<Generation> gens = generations;
            List<IndexRecord> out = new ArrayList<>(Math.max(0, Math.min(limit, 1024)));
            // the start key's slice from the start key, then each later slice from its first key
            int first = Generation.sliceIndex(start);
            for (int i = first; i < Generation.SLICES && out.size() < limit; i++) {
                SliceMerge merge = new SliceMerge(gens, i, i == first ? start : null);
                while (merge.hasNext() && out.size() < limit) {
                    IndexRecord r = merge.next();
                    if (!BlobIndex.startsWith(r.key(), prefix)) {
                        return out;
                    }
                    out.add(r);
                }
            }
            return out;
        } catch (MVStoreException e) {
            throw failure("scan", e);
        } finally {
            lock.unlockRead();
        }
    }

    /**
     * One slice of every generation, merged in key order. A key lives in one generation, but
     * should two hold it, the newest one's value is the one listed.
     */
    private static final class SliceMerge {
        /** A generation's cursor and the key it stands at. */
        private record Head(byte[] key, byte[] value, int generation, Cursor<byte[], byte[]> cursor) {
        }

        /** Smallest key first; of equal keys, the newest generation's. */
        private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
            int c = Arrays.compareUnsigned(a.key(), b.key());
            return c != 0 ? c : Integer.compare(b.generation(), a.generation());
        });

        SliceMerge(List<Generation> gens, int slice, byte[] from) {
            for (int g = 0; g < gens.size(); g++) {
                MVMap<byte[], byte[]> m = gens.get(g).slice(slice);
                if (!m.isEmpty()) {
                    push(g, m.cursor(from));
                }
            }
        }

        private void push(int generation, Cursor<byte[], byte[]> c) {
            if (c.hasNext()) {
                byte[] k = c.next();
                heads.add(new Head(k, c.getValue(), generation, c));
            }
        }

        boolean hasNext() {
            return !heads.isEmpty();
        }

        /** @return the smallest key left, with a copy of its value */
        IndexRecord next() {
            Head h = heads.poll();
            push(h.generation(), h.cursor());
            while (!heads.isEmpty() && Arrays.equals(heads.peek().key(), h.key())) {
                Head same = heads.poll();
                push(same.generation(), same.cursor());
            }
            return new IndexRecord(h.key().clone(), h.value().clone());
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

    /** @return how many generations are frozen */
    int frozenGenerations() {
        return generations.size() - 1;
    }

    /** @return how many frozen generations' filters answer from a lane of a bank */
    long frozenGenerationsInBanks() {
        return generations.stream().filter(Generation::inBank).count();
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
