package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiPredicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.Range;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's view of its index plugin, and the only way to it: typed values, the store's meta
 * values, bringing the index up to date with the packs when the store opens, rebuilding it from
 * the packs, and walking it. Thread-safe as the plugin is; {@link #rebuild} needs the store's
 * write lock.
 */
public final class StoreIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreIndex.class);

    private static final int PAGE = 4096;

    /** What follows the index's directory name in the name of an index moved aside, before a number. */
    public static final String UNREADABLE = ".unreadable-";
    /** What follows the index's directory name in the name of the index a rebuild fills beside it. */
    public static final String REBUILDING = ".rebuilding";
    /** What follows the index's directory name in the name of the index a rebuild is replacing. */
    public static final String REPLACED = ".replaced";

    private final IndexProvider provider;
    private final Path directory;
    /** Whether no file of the index may change: the index is then in memory, or read-only with memory on top. */
    private final boolean readOnly;
    private volatile BlobIndex index;
    /**
     * Held for writing while a rebuilt index takes the place of the old one, since a lookup
     * meanwhile would meet a closed index. Lookups read optimistically, which costs no write to shared memory,
     * and only when a rebuild began during one do they wait for it and look again.
     */
    private final StampedLock rebuilding = new StampedLock();
    /** The totals the index last recorded, kept here so that stats need not read them back. */
    private volatile IndexMeta.Counters totals = IndexMeta.Counters.ZERO;
    /** The store's deletions, which a build from the packs leaves out; read only when a build needs them. */
    private volatile DeadEntries.Source dead = () -> DeadEntries.NONE;
    private volatile EvictedPacks evicted = EvictedPacks.NONE;

    /**
     * What bringing the index up to date with the packs found.
     *
     * @param rebuilt          whether the index was built from the packs rather than caught up
     *                         from its checkpoint
     * @param recoveredEntries entries found after the checkpoint, and indexed
     * @param truncatedBytes   bytes of a torn entry cut off the active pack
     * @param activeEnd        where the active pack's entries end, or -1 when the last pack is
     *                         closed or there is none
     */
    public record Recovery(boolean rebuilt, long recoveredEntries, long truncatedBytes, long activeEnd) {
    }

    /** A lookup in the plugin's index. */
    private interface Lookup<T> {
        T in(BlobIndex index) throws IOException;
    }

    private StoreIndex(IndexProvider provider, Path directory, BlobIndex index, boolean readOnly) {
        this.provider = provider;
        this.directory = directory;
        this.index = index;
        this.readOnly = readOnly;
    }

    /**
     * Opens the index of {@code provider} under the store directory. An index path the plugin
     * cannot open (a regular file, a symbolic link, files the plugin cannot read) or an index with
     * another value layout is moved aside, never deleted: renamed to
     * {@code index-<name>.unreadable-<n>} in the store directory, with one WARN naming where it
     * went. The caller then sees a new index and builds it from the packs.
     *
     * @param provider the index plugin
     * @param storeDir the store directory; the index lives in {@code index-<name>} under it, so
     *                 indexes of different plugins never meet
     * @return the index, to be brought up to date with {@link #recover} before use
     * @throws IOException when the plugin cannot open or create the index
     */
    public static StoreIndex open(IndexProvider provider, Path storeDir) throws IOException {
        Path d = storeDir.resolve("index-" + provider.name());
        settleRebuild(provider, d);
        if (Files.isSymbolicLink(d) || (Files.exists(d, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS))) {
            moveAside(provider, d, Files.isSymbolicLink(d) ? "is a symbolic link" : "is not a directory");
            return new StoreIndex(provider, d, provider.open(d), false);
        }
        BlobIndex idx;
        try {
            idx = provider.open(d);
            byte[] format = idx.getMeta(IndexMeta.FORMAT);
            if (format != null && (format.length != 1 || format[0] != IndexMeta.FORMAT_VERSION)) {
                idx.close();
                moveAside(provider, d, "has value layout " + (format.length == 1 ? format[0] : "?")
                        + ", this version writes " + IndexMeta.FORMAT_VERSION);
                idx = provider.open(d);
            }
        } catch (IndexUnreadableException e) {
            moveAside(provider, d, "cannot be read (" + e.getMessage() + ")");
            idx = provider.open(d);
        }
        return new StoreIndex(provider, d, idx, false);
    }

    /**
     * Opens the index of {@code provider} under the store directory without changing a file:
     * read-only through the plugin when it can ({@link IndexProvider#openReadOnly}), with what
     * {@link #recover} then finds after its checkpoint kept in memory on top; otherwise (no
     * index, a path that is no directory, a plugin that cannot, another value layout, or a
     * failure such as a full disk) an empty index in memory, which {@link #recover} fills from
     * the packs. Nothing is moved aside or destroyed.
     *
     * @param provider     the index plugin
     * @param storeDir     the store directory
     * @param besideWriter whether a process writing the store holds it now, which some plugins'
     *                     files do not allow a second opener beside
     * @return the index, to be brought up to date with {@link #recover} before use
     */
    public static StoreIndex openReadOnly(IndexProvider provider, Path storeDir, boolean besideWriter) {
        Path d = storeDir.resolve("index-" + provider.name());
        String why;
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            why = Files.exists(d, LinkOption.NOFOLLOW_LINKS) ? "is not a directory" : "does not exist";
        } else {
            try {
                BlobIndex idx = provider.openReadOnly(d);
                byte[] format = readFormat(idx);
                if (format == null || (format.length == 1 && format[0] == IndexMeta.FORMAT_VERSION)) {
                    return new StoreIndex(provider, d, new OverlayIndex(idx), true);
                }
                why = "has value layout " + (format.length == 1 ? format[0] : "?") + ", this version reads "
                        + IndexMeta.FORMAT_VERSION;
            } catch (UnsupportedOperationException e) {
                why = "cannot be opened read-only by its plugin";
            } catch (IOException | RuntimeException e) {
                if (besideWriter) {
                    LOG.warn("the {} index of {} is held by the process writing the store and cannot be shared:"
                            + " reading through an index built in memory from the packs", provider.name(), storeDir);
                    LOG.debug("opening {} read-only failed", d, e);
                    return new StoreIndex(provider, d, new MemoryIndex(), true);
                }
                why = "cannot be opened read-only (" + e.getMessage() + ")";
                LOG.warn("index {} {}: building an index in memory from the packs", d, why);
                return new StoreIndex(provider, d, new MemoryIndex(), true);
            }
        }
        LOG.info("index {} {}: building an index in memory from the packs", d, why);
        return new StoreIndex(provider, d, new MemoryIndex(), true);
    }

    /** @return the index's value layout mark; the index is closed when reading it fails or the layout is foreign */
    private static byte[] readFormat(BlobIndex idx) throws IOException {
        try {
            byte[] format = idx.getMeta(IndexMeta.FORMAT);
            if (format != null && (format.length != 1 || format[0] != IndexMeta.FORMAT_VERSION)) {
                idx.close();
            }
            return format;
        } catch (IOException | RuntimeException e) {
            try {
                idx.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Finishes what a rebuild interrupted by a crash left: an index half built beside the index
     * is thrown away, and the index a rebuild was replacing goes back in place when the new one
     * never got there, else it is thrown away too. So a crash mid-rebuild leaves the index it
     * found, or the complete new one.
     */
    private static void settleRebuild(IndexProvider provider, Path d) throws IOException {
        Path rebuilding = d.resolveSibling(d.getFileName() + REBUILDING);
        Path replaced = d.resolveSibling(d.getFileName() + REPLACED);
        if (Files.exists(replaced, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                provider.destroy(replaced);
            } else {
                Files.move(replaced, d);
                Fsync.directory(d.getParent());
                LOG.warn("index {}: a rebuild was interrupted as it replaced the index; the previous index is back", d);
            }
        }
        if (Files.exists(rebuilding, LinkOption.NOFOLLOW_LINKS)) {
            provider.destroy(rebuilding);
            LOG.info("index {}: threw away the unfinished rebuild {}", d, rebuilding.getFileName());
        }
    }

    /**
     * Renames an index path the store cannot use to the first free
     * {@code index-<name>.unreadable-<n>} beside it, so no byte of it is lost, and logs one WARN
     * saying where it went. Only when the rename fails is the path destroyed, as the one way left
     * to open the store.
     */
    private static void moveAside(IndexProvider provider, Path d, String why) throws IOException {
        Path parent = d.getParent();
        Path aside = null;
        for (int n = 1; aside == null; n++) {
            Path candidate = parent.resolve(d.getFileName() + UNREADABLE + n);
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                aside = candidate;
            }
        }
        try {
            Files.move(d, aside);
        } catch (IOException e) {
            LOG.warn("index {} {} and cannot be moved aside to {} ({}): deleting it and rebuilding it from the packs",
                    d, why, aside.getFileName(), e.toString());
            provider.destroy(d);
            return;
        }
        Fsync.directory(parent);
        LOG.warn("index {} {}: moved it aside to {} and rebuilding it from the packs", d, why, aside);
    }

    /**
     * Brings the index up to date with packs {@code 0..packs-1} as the store opens: a new, reset
     * or out-of-date index is built from every pack, else only what follows its checkpoint is
     * scanned. Either way a torn entry at the end of the active pack is cut off.
     *
     * @param readers  read channels on the packs
     * @param codecs   to decode compressed entries, whose hashes recovery checks
     * @param geometry the store's pack geometry
     * @param packs    how many packs there are
     * @return what was done, and where the active pack's entries end
     * @throws IOException when a pack or the index cannot be read or written
     */
    public Recovery recover(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, int packs,
                            boolean mustRebuild) throws IOException {
        boolean rebuild = !isComplete();
        if (!rebuild && mustRebuild) {
            LOG.warn("index {} did not apply the deletion log as it is now (a pruning replaced the log since the"
                    + " index was last written): rebuilding it", directory);
            rebuild = true;
        }
        IndexMeta.Checkpoint cp = rebuild ? null : checkpoint();
        if (!rebuild && (cp == null || !checkpointFits(readers, cp, packs))) {
            LOG.warn("index {} is ahead of the packs (checkpoint {}): rebuilding it", directory, cp);
            rebuild = true;
        }
        TailRecovery recovery = new TailRecovery(readers, codecs, geometry, !readOnly);
        TailRecovery.Tail tail;
        IndexMeta.Counters counters;
        if (rebuild) {
            // the last pack is recovered by its tail, unless it is evicted: then its manifest lists it
            int built = packs > 0 && evicted.isEvicted(packs - 1) ? packs - 1 : packs - 2;
            if (packs > 0) {
                LOG.info("building the index {} from {} packs{}", directory, packs, readOnly ? " in memory" : "");
            }
            // the closed packs only: the last one may end in a torn entry, which recovery cuts off;
            // built beside an index that holds anything, so a failure leaves it as it was; a
            // read-only store leaves the one on disk as it is and builds one in memory
            if (readOnly) {
                index.close();
                index = new MemoryIndex();
                fill(index, readers, codecs, geometry, built, dead.get(), evicted);
            } else if (isEmpty()) {
                fill(index, readers, codecs, geometry, built, dead.get(), evicted);
            } else if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                emptyInPlace(); // an index that keeps no files here cannot be built aside and renamed
                fill(index, readers, codecs, geometry, built, dead.get(), evicted);
            } else {
                swapIn(buildAside(readers, codecs, geometry, built, null, null, mustRebuild));
            }
            tail = recovery.recover(this, packs, Math.max(0, built + 1), PackFormat.HEADER_SIZE);
            counters = count();
            markComplete(tail.checkpoint(), counters);
        } else {
            tail = recovery.recover(this, packs, cp.pack(), cp.offset());
            // keys a recovery cut short wrote may have replaced places the totals count: count again
            counters = tail.recount() ? count() : counters().plus(tail.added());
            if (tail.entries() > 0 || tail.truncatedBytes() > 0) {
                markComplete(tail.checkpoint(), counters);
            }
        }
        totals = counters;
        return new Recovery(rebuild, tail.entries(), tail.truncatedBytes(), tail.activeEnd());
    }

    /** @return whether the checkpoint lies within the packs there are */
    private static boolean checkpointFits(PackReaders readers, IndexMeta.Checkpoint cp, int packs) throws IOException {
        if (cp.pack() == packs) {
            return cp.offset() == PackFormat.HEADER_SIZE; // the next pack had not been created yet
        }
        if (cp.pack() < packs && PackFormat.notRegular(readers.path(cp.pack())) != null) {
            return true; // never followed; recovery passes over it and starts a new pack after it
        }
        return cp.pack() < packs && cp.offset() >= PackFormat.HEADER_SIZE
                && cp.offset() <= Files.size(readers.path(cp.pack()));
    }

    /** @return whether no file of the index ever changes: opened with {@link #openReadOnly} */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** @return the name of the index plugin */
    public String name() {
        return provider.name();
    }

    /** @return whether the index was ever completed (a new or reset index has no format mark) */
    private boolean isComplete() throws IOException {
        return index.getMeta(IndexMeta.FORMAT) != null;
    }

    /**
     * @param hash a blob's 32-byte hash
     * @return whether the index holds the blob of that hash
     * @throws StorageIOException when the index cannot be read
     */
    public boolean contains(byte[] hash) {
        try {
            return lookup(idx -> idx.contains(hash));
        } catch (IOException e) {
            throw new StorageIOException("reading index " + directory, e);
        }
    }

    /**
     * @param hash a blob's 32-byte hash
     * @return where the blob of that hash is, or null
     * @throws StorageIOException when the index cannot be read
     */
    public Location get(byte[] hash) {
        try {
            byte[] v = lookup(idx -> idx.get(hash));
            return v == null ? null : Location.decode(v);
        } catch (IOException e) {
            throw new StorageIOException("reading index " + directory, e);
        }
    }

    /**
     * @param from  the first key to return, if the index has it
     * @param limit the most records to return
     * @return the records from {@code from} on, in key order
     */
    public List<IndexRecord> scan(byte[] from, int limit) {
        try {
            return lookup(idx -> idx.scan(from, limit));
        } catch (IOException e) {
            throw new StorageIOException("scanning index " + directory, e);
        }
    }

    /** Runs a lookup of the store's readers: see {@link #rebuilding}. */
    private <T> T lookup(Lookup<T> lookup) throws IOException {
        long stamp = rebuilding.tryOptimisticRead();
        if (stamp != 0) {
            try {
                T found = lookup.in(index);
                if (rebuilding.validate(stamp)) {
                    return found;
                }
            } catch (IOException | RuntimeException e) {
                if (rebuilding.validate(stamp)) {
                    throw e;
                }
            }
        }
        long read = rebuilding.readLock();
        try {
            return lookup.in(index);
        } finally {
            rebuilding.unlockRead(read);
        }
    }

    /** Writes a batch as it is, recording no checkpoint: for bulk loads that mark the index complete at the end. */
    void write(IndexBatch batch) throws IOException {
        index.write(batch);
    }

    /**
     * Writes a batch of the store's appends, and with it the totals over the whole index and,
     * unless null, the checkpoint up to which the packs are indexed; one write, so the three
     * never disagree.
     *
     * @param batch      the keys to write; the meta values are added to it
     * @param checkpoint where the packs are indexed up to, or null to leave the recorded one
     * @param totals     the totals over the whole index once the batch is in
     * @throws IOException when the index cannot be written
     */
    public void commit(IndexBatch batch, IndexMeta.Checkpoint checkpoint, IndexMeta.Counters totals) throws IOException {
        if (checkpoint != null) {
            batch.putMeta(IndexMeta.CHECKPOINT, checkpoint.encode());
        }
        batch.putMeta(IndexMeta.COUNTERS, totals.encode());
        index.write(batch);
        this.totals = totals;
    }

    /**
     * As {@link #commit(IndexBatch, IndexMeta.Checkpoint, IndexMeta.Counters)}, recording also
     * what the deletion log has done to the index.
     *
     * @param batch      the keys to write; the meta values are added to it
     * @param checkpoint where the packs are indexed up to, or null to leave the recorded one
     * @param totals     the totals over the whole index once the batch is in
     * @param deletions  how far the deletion log is applied, and the garbage it left
     * @throws IOException when the index cannot be written
     */
    public void commit(IndexBatch batch, IndexMeta.Checkpoint checkpoint, IndexMeta.Counters totals,
                       IndexMeta.Deletions deletions) throws IOException {
        batch.putMeta(IndexMeta.DELETIONS, deletions.encode());
        commit(batch, checkpoint, totals);
    }

    /**
     * @return how far the deletion log is applied to this index, and the garbage it left;
     *         {@link IndexMeta.Deletions#NONE} for an index built from the packs since
     * @throws IOException when the index cannot be read
     */
    public IndexMeta.Deletions deletions() throws IOException {
        byte[] v = index.getMeta(IndexMeta.DELETIONS);
        return v == null ? IndexMeta.Deletions.NONE : IndexMeta.Deletions.decode(v);
    }

    /**
     * @return whether the index recorded what the deletion log did to it: not so for one built
     *         from the packs since, nor for one that never saw a deletion
     * @throws IOException when the index cannot be read
     */
    public boolean hasDeletions() throws IOException {
        return index.getMeta(IndexMeta.DELETIONS) != null;
    }

    /**
     * Says which packs a build from the packs takes from their manifests, their files evicted.
     *
     * @param packs the store's evicted packs
     */
    public void useEvicted(EvictedPacks packs) {
        this.evicted = packs;
    }

    /** @return the packs whose entries come from their manifests */
    public EvictedPacks evicted() {
        return evicted;
    }

    /**
     * Says where builds from the packs learn which entries are deleted.
     *
     * @param source the store's deletions, read when a build begins
     */
    public void useDeletions(DeadEntries.Source source) {
        this.dead = source;
    }

    /** @return the totals of every blob the index holds, as last committed */
    public IndexMeta.Counters totals() {
        return totals;
    }

    private IndexMeta.Checkpoint checkpoint() throws IOException {
        byte[] v = index.getMeta(IndexMeta.CHECKPOINT);
        return v == null ? null : IndexMeta.Checkpoint.decode(v);
    }

    private IndexMeta.Counters counters() throws IOException {
        byte[] v = index.getMeta(IndexMeta.COUNTERS);
        return v == null ? IndexMeta.Counters.ZERO : IndexMeta.Counters.decode(v);
    }

    /**
     * Builds a new index of packs {@code 0..lastPack} beside this one, then puts it in this one's
     * place. Lookups go on in the old index while the new one fills, and wait only for the swap;
     * a failure before the new index is complete leaves the old one in use, untouched, and throws.
     *
     * @param readers    read channels on the packs
     * @param codecs     to learn the lengths of compressed blobs
     * @param geometry   the store's pack geometry
     * @param lastPack   the last pack to index
     * @param checkpoint where the packs end, recorded as the recovery checkpoint
     * @param readable   whether a blob of the old index still reads back at its place, healing
     *                   from parity if need be, when the pack no longer holds it whole; or null
     * @return the totals over the rebuilt index, and the blobs the old index held that no pack holds
     * @throws IOException when a pack cannot be read or the new index cannot be written
     */
    public Rebuilt rebuild(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, int lastPack,
                               IndexMeta.Checkpoint checkpoint, BiPredicate<byte[], Location> readable) throws IOException {
        long t0 = System.nanoTime();
        Built built;
        if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            built = buildAside(readers, codecs, geometry, lastPack, checkpoint, readable, false);
            swapIn(built);
        } else {
            // an index that keeps no files here cannot be built aside and renamed: emptied and filled
            emptyInPlace();
            fill(index, readers, codecs, geometry, lastPack, dead.get(), evicted);
            IndexMeta.Counters c = count(index);
            markComplete(checkpoint, c);
            built = new Built(directory, c, List.of());
        }
        totals = built.counters();
        LOG.info("rebuilt index {} from {} packs: {} blobs in {} ms", directory, lastPack + 1, built.counters().blobs(),
                (System.nanoTime() - t0) / 1_000_000);
        return new Rebuilt(built.counters(), built.vanished());
    }

    /**
     * What a rebuild made.
     *
     * @param counters the totals over the new index
     * @param vanished blobs the old index held that no pack holds any more, as many as are named
     */
    public record Rebuilt(IndexMeta.Counters counters, List<BlobRef> vanished) {
    }

    /**
     * An index filled beside the index, closed, with its totals.
     *
     * @param directory where it is
     * @param counters  its totals
     * @param vanished  blobs the old index held that no pack holds any more, named in a
     *                  {@link LostAndFound} note (at most {@link CarryOver#MAX_VANISHED} of them)
     */
    private record Built(Path directory, IndexMeta.Counters counters, List<BlobRef> vanished) {
    }

    /**
     * Names in a note the blobs that vanished and logs what a {@link CarryOver} found.
     */
    private CarryOver.Result reported(CarryOver.Result r, PackReaders readers, boolean olderThanLog)
            throws IOException {
        if (r.carried() > 0) {
            LOG.warn("index {}: {} blobs whose entry headers are damaged (no walk of the packs found them, or read them"
                    + " otherwise) are kept where the old index put them, since they verify there", directory, r.carried());
        }
        if (r.vanishedCount() > 0 && olderThanLog) {
            // the old index predates deletions whose records a pruning dropped once compaction had
            // removed their entries: what it held and no pack holds was most likely deleted
            Path note = new LostAndFound(readers.dir()).noteUnaccounted(r.vanished(), r.vanishedCount());
            LOG.warn("index {}: {} blobs the old index held are in no pack any more; it was older than the deletion"
                    + " log, whose pruning dropped the deletions of such blobs, so they are taken as deleted (named in"
                    + " {})", directory, r.vanishedCount(), note);
        } else if (r.vanishedCount() > 0) {
            Path note = new LostAndFound(readers.dir()).noteVanished(r.vanished(), r.vanishedCount());
            LOG.error("index {}: {} blobs the index held are in no pack any more; they are named in {}", directory,
                    r.vanishedCount(), note);
        }
        return r;
    }

    /**
     * Fills a new index in {@code index-<name>.rebuilding} with the entries of packs
     * {@code 0..lastPack} and closes it; with a checkpoint it is also marked complete. A failure
     * throws the half-built index away. The plugin opens it for a bulk load: nothing of it is
     * used before it is closed, and a crash before then throws it away.
     */
    private Built buildAside(PackReaders readers, CodecRegistry codecs, PackGeometry geometry, int lastPack,
                             IndexMeta.Checkpoint checkpoint, BiPredicate<byte[], Location> readable,
                             boolean olderThanLog) throws IOException {
        Path aside = directory.resolveSibling(directory.getFileName() + REBUILDING);
        if (Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
            provider.destroy(aside);
        }
        BlobIndex fresh = provider.openForBulkLoad(aside);
        // carries into the new index what the old one knew and the packs still hold where it put
        // it, though no walk of the packs finds it; the old index is tallied meanwhile
        LocationProbe probe = new LocationProbe(readers, codecs, geometry);
        try (CarryOver carry = new CarryOver(index, fresh, olderThanLog ? probe.byHeaderOnly() : probe, readable)) {
            EntryTally written = fill(fresh, readers, codecs, geometry, lastPack, dead.get(), evicted);
            CarryOver.Result carried = reported(carry.run(written), readers, olderThanLog);
            IndexMeta.Counters c = carried.counters();
            IndexBatch meta = new IndexBatch().putMeta(IndexMeta.COUNTERS, c.encode());
            if (checkpoint != null) {
                meta.putMeta(IndexMeta.FORMAT, IndexMeta.formatValue()).putMeta(IndexMeta.CHECKPOINT, checkpoint.encode());
            }
            fresh.write(meta);
            fresh.close();
            return new Built(aside, c, carried.vanished());
        } catch (IOException | RuntimeException | Error e) {
            try {
                fresh.discard();
                provider.destroy(aside);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Writes the entries of packs {@code 0..lastPack} to {@code into}, unchecked, but for those {@code dead} covers.
     *
     * @return the entries written, a key written twice counted twice
     */
    private static EntryTally fill(BlobIndex into, PackReaders readers, CodecRegistry codecs, PackGeometry geometry,
                                   int lastPack, DeadEntries dead, EvictedPacks evicted) throws IOException {
        EntryTally written = new EntryTally();
        List<PackScanner.Result> results = new IndexRebuilder(readers, codecs, geometry,
                Runtime.getRuntime().availableProcessors(), dead, evicted).rebuild(into, lastPack, written);
        for (int n = 0; n < results.size(); n++) {
            PackScanner.Result r = results.get(n);
            if (r.damage() == null) {
                continue;
            }
            LOG.error("{}: damaged at offset {}: {}", readers.path(n), r.damage().offset(), r.damage().reason());
            if (r.recovered() > 0) {
                LOG.warn("{}: {} entries with a damaged header were indexed by their hash", readers.path(n), r.recovered());
            }
            for (PackScanner.Unreadable u : r.unreadable()) {
                LOG.error("{}: no entry verifies in [{}, {}): what was there is not indexed; repair the pack",
                        readers.path(n), u.from(), u.to());
            }
        }
        return written;
    }

    /** Throws every key away, for an index that keeps no files in its directory. */
    private void emptyInPlace() throws IOException {
        long write = rebuilding.writeLock();
        try {
            index.discard();
            provider.destroy(directory);
            index = provider.open(directory);
        } finally {
            rebuilding.unlockWrite(write);
        }
    }

    /** @return whether the index holds no key and no meta value: a new one, with nothing to keep */
    private boolean isEmpty() throws IOException {
        return index.scan(new byte[0], 1).isEmpty() && index.getMeta(IndexMeta.CHECKPOINT) == null
                && index.getMeta(IndexMeta.COUNTERS) == null && index.getMeta(IndexMeta.FORMAT) == null;
    }

    /**
     * Puts a built index in this one's place: the old directory is renamed to
     * {@code index-<name>.replaced}, the new one takes its name, the store directory is forced,
     * and only then is the old index deleted. Lookups wait for the swap. When a rename fails the
     * old index is put back and opened again; a crash in between is settled at the next open.
     */
    private void swapIn(Built built) throws IOException {
        Path replaced = directory.resolveSibling(directory.getFileName() + REPLACED);
        long write = rebuilding.writeLock();
        try {
            index.close();
            if (Files.exists(replaced, LinkOption.NOFOLLOW_LINKS)) {
                provider.destroy(replaced);
            }
            boolean movedOld = false;
            try {
                if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(directory, replaced);
                    movedOld = true;
                }
                Files.move(built.directory(), directory);
            } catch (IOException e) {
                if (movedOld) {
                    Files.move(replaced, directory);
                }
                index = provider.open(directory);
                try {
                    provider.destroy(built.directory());
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            Fsync.directory(directory.getParent());
            index = provider.open(directory);
        } finally {
            rebuilding.unlockWrite(write);
        }
        if (Files.exists(replaced, LinkOption.NOFOLLOW_LINKS)) {
            provider.destroy(replaced);
        }
    }

    /** Records that the index holds every entry up to {@code checkpoint}. */
    private void markComplete(IndexMeta.Checkpoint checkpoint, IndexMeta.Counters c) throws IOException {
        commit(new IndexBatch().putMeta(IndexMeta.FORMAT, IndexMeta.formatValue()), checkpoint, c);
    }

    /**
     * Totals over every key, read back from the index so duplicates in the packs count once.
     * Keys are hashes, so each value of their first byte leads about as many of them: the 256
     * slices are counted side by side on the common pool, so a rebuild does not end in a walk
     * of the whole index on one core.
     */
    IndexMeta.Counters count() throws IOException {
        return count(index);
    }

    private static IndexMeta.Counters count(BlobIndex of) throws IOException {
        try {
            return IntStream.range(0, 256).parallel()
                    .mapToObj(first -> {
                        IndexMeta.Counters[] c = {IndexMeta.Counters.ZERO};
                        try {
                            forEach(of, new byte[] {(byte) first}, (key, location) -> c[0] = c[0].plus(location));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        return c[0];
                    })
                    .reduce(IndexMeta.Counters.ZERO, IndexMeta.Counters::plus);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** @return the smallest key after {@code key}: where the next page of a walk starts */
    /**
     * @param key a key
     * @return the smallest key after it, to page through the index from
     */
    public static byte[] keyAfter(byte[] key) {
        return java.util.Arrays.copyOf(key, key.length + 1);
    }

    /** Receives the records of {@link #forEach}. */
    public interface RecordVisitor {
        /**
         * Takes one record.
         *
         * @param key      a blob's hash
         * @param location where the blob is
         * @throws IOException what the visitor's own reads threw; it ends the walk
         */
        void visit(byte[] key, Location location) throws IOException;
    }

    /**
     * Walks the blobs of {@code range} in hash order, a page at a time.
     *
     * @param range which blobs, from where, and how many
     * @param guard enters and leaves a call of the store around each page
     * @return the blobs, fetched lazily as the stream is consumed
     */
    public Stream<BlobInfo> walk(Range range, IndexWalk.Guard guard) {
        return new IndexWalk(this, range, guard).stream();
    }

    /**
     * Walks every key in order, a page at a time, so the index never has to fit in memory.
     *
     * @param visitor takes each record
     * @throws IOException when the index cannot be read
     */
    public void forEach(RecordVisitor visitor) throws IOException {
        forEach(index, new byte[0], visitor);
    }

    /** Walks the keys of {@code of} that start with {@code prefix} in order, a page at a time. */
    private static void forEach(BlobIndex of, byte[] prefix, RecordVisitor visitor) throws IOException {
        byte[] from = prefix;
        while (true) {
            List<IndexRecord> page = prefix.length == 0 ? of.scan(from, PAGE) : of.scanPrefix(prefix, from, PAGE);
            for (IndexRecord r : page) {
                visitor.visit(r.key(), Location.decode(r.value()));
            }
            if (page.size() < PAGE) {
                return;
            }
            from = keyAfter(page.get(page.size() - 1).key());
        }
    }

    @Override
    public void close() throws IOException {
        index.close();
    }
}
