package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.ReadOnlyStoreException;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreConfigurationException;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.core.internal.archive.ArchiveLedger;
import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.index.DeletionReplay;
import org.blobsfile.core.internal.index.PackReindex;
import org.blobsfile.core.internal.index.StoreIndex;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.pack.PackWriter;
import org.blobsfile.core.internal.parity.PackRepairer;
import org.blobsfile.core.internal.parity.Quarantine;
import org.blobsfile.core.internal.parity.SealingPipeline;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that happens when a store opens: lock, find the packs and check them, settle the
 * pack size, open the index and bring it up to date with the packs (a full rebuild when it is
 * new, else a scan of what follows its checkpoint), and cut a torn tail off the active pack.
 * Nothing a caller has stored is changed except that torn tail, which no put ever acknowledged.
 *
 * <p>Opened read-only, the same steps change no file: no lock is taken (so it opens beside a
 * writer, here or in another process, and keeps none out), nothing is created, rewritten or
 * removed, the torn tail stays, no seal is resumed, and the index is read-only or in memory
 * ({@link StoreIndex#openReadOnly}).
 */
public final class StoreOpener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOpener.class);
    /** Exists while a store is open; found at open, it means the last run did not close the store. */
    static final String DIRTY = "DIRTY";

    /**
     * What an open store starts from.
     *
     * @param lock      the store directory's lock, held until the store closes; null for a store
     *                  opened read-only, which takes none
     * @param writer    the active pack, or null when the next put creates one or the store is read-only
     * @param nextPack  the number the next new pack gets
     * @param activeEnd where the last pack's entries end when it is not closed, else -1
     * @param found     what opening found, for stats
     */
    record Opened(Packs packs, StoreParts parts, DirectoryLock lock, PackWriter writer, int nextPack, long activeEnd,
                  Found found) {
    }

    /**
     * What opening found, as stats reports it.
     *
     * @param recoveredEntries entries found after the index's checkpoint, and indexed
     * @param truncatedBytes   bytes of a torn entry cut off the active pack
     * @param uncleanShutdown  whether the last run did not close the store
     */
    record Found(long recoveredEntries, long truncatedBytes, boolean uncleanShutdown) {
    }

    private final BlobStoreOptions options;
    private final Path dir;
    private final boolean readOnly;
    private CodecRegistry codecs;
    private PackGeometry geometry;
    private final List<Integer> gaps = new ArrayList<>();
    /** Packs whose file was evicted to the archive: counted, never missing. */
    private List<Integer> evicted = List.of();

    private StoreOpener(BlobStoreOptions options) {
        this.options = options;
        this.dir = options.directory().toAbsolutePath().normalize();
        this.readOnly = options.readOnly();
    }

    static Opened open(BlobStoreOptions options) {
        return new StoreOpener(options).open();
    }

    private Opened open() {
        codecs = CodecRegistry.discovered();
        if (options.codec().isPresent()) {
            codecs = codecs.with(options.codec().get());
        }
        Codec writeCodec = codecs.forName(options.codecName());
        IndexProvider provider = options.indexProvider().orElseGet(() -> PluginRegistry.indexes().forName(options.indexName()));
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new StoreConfigurationException(dir + " is not a directory");
            }
            if (readOnly && !Files.isDirectory(dir)) {
                throw new StoreConfigurationException("no store at " + dir + ": a store opened read-only must exist");
            }
            if (!readOnly) {
                createDirectories();
            }
        } catch (IOException e) {
            throw new StorageIOException("cannot create store directory " + dir, e);
        }
        DirectoryLock lock = readOnly ? null : DirectoryLock.acquire(dir);
        boolean besideWriter = readOnly && DirectoryLock.heldForWriting(dir);
        if (besideWriter) {
            LOG.info("store {} is open for writing elsewhere: reading it as it is durable now", dir);
        }
        StoreIndex index = null;
        SealingPipeline sealing = null;
        PackWriter writer = null;
        PackReaders readers = new PackReaders(dir);
        ArchiveTier tier = null;
        Archive archive = null;
        try {
            archive = StoreArchive.open(options, dir);
            if (options.restore() != BlobStoreOptions.Restore.NONE && !readOnly) {
                StoreArchive.restoreIfEmpty(options, archive, dir);
            }
            ArchiveLedger ledger = archive == null ? null : StoreArchive.ledger(archive, dir, readOnly);
            evicted = ledger == null ? List.of() : ledger.evictedPacks();
            // a writer keeps the marker while it runs: beside one it says nothing about a crash
            boolean unclean = !besideWriter && Files.exists(dir.resolve(DIRTY));
            if (unclean) {
                LOG.warn("store {} was not closed by its last run: checking the end of its packs", dir);
            }
            if (!readOnly) {
                removeRepairLeftovers();
                Spool.removeLeftovers(dir);
            }
            int packs = countPacks();
            geometry = PackGeometry.of(settlePackSize(packs));
            if (readOnly && !gaps.isEmpty()) {
                throw new ReadOnlyStoreException(dir, "putting the tombstone of quarantined pack "
                        + PackFormat.fileName(gaps.get(0)) + " in place, which the last run left undone,");
            }
            for (int n : gaps) {
                LOG.warn("pack {} was being quarantined when the last run stopped: putting its tombstone in place",
                        PackFormat.fileName(n));
                new Quarantine(dir, geometry).fillGap(n);
            }
            checkHeaders(packs, unclean);
            DeletionLog deletions = DeletionLog.open(dir);
            index = readOnly ? StoreIndex.openReadOnly(provider, dir, besideWriter) : StoreIndex.open(provider, dir);
            index.useDeletions(() -> DeadEntries.read(deletions));
            if (ledger != null) {
                index.useEvicted(StoreArchive.evicted(ledger, dir));
            }
            StoreIndex.Recovery recovery = index.recover(readers, codecs, geometry, packs,
                    !DeletionReplay.canFollow(index, deletions));
            for (int n : gaps) {
                // the index follows the tombstone: keys left pointing into the quarantined pack go
                new PackReindex(readers, codecs, geometry).plan(index, n, PackFormat.regularFileSize(PackFormat.path(dir, n)),
                        DeadEntries.NONE).apply(index, index.totals());
            }
            // deletions a crash left unapplied, or all of them after a build from the packs
            DeletionReplay.apply(index, deletions);
            long recovered = recovery.recoveredEntries();
            long truncated = recovery.truncatedBytes();
            int nextPack = packs;
            if (recovery.activeEnd() >= 0 && !readOnly) {
                writer = PackWriter.open(dir, packs - 1, geometry, recovery.activeEnd());
            }
            if (!unclean && !readOnly) {
                Files.write(dir.resolve(DIRTY), new byte[0]);
                Fsync.directory(dir);
            }
            // a rebuild indexed every entry from the packs: there was no checkpoint to recover after
            if ((recovered > 0 && !recovery.rebuilt()) || truncated > 0) {
                LOG.warn("recovery of {}: indexed {} entries found after the checkpoint, cut {} torn bytes", dir, recovered,
                        truncated);
            }
            sealing = new SealingPipeline(dir, geometry, codecs);
            sealing.resume(recovery.activeEnd() >= 0 ? packs - 1 : packs, !readOnly);
            if (archive != null) {
                tier = StoreArchive.tier(options, archive, ledger, dir, geometry, codecs, sealing);
            }
            StoreMeters meters = new StoreMeters();
            if (recovery.rebuilt()) {
                meters.indexRebuilds.increment();
            }
            return new Opened(new Packs(dir, geometry, codecs, writeCodec, readers),
                    new StoreParts(index, sealing, new Quarantine(dir, geometry), meters, deletions, tier), lock, writer,
                    nextPack,
                    recovery.activeEnd(), new Found(recovered, truncated, unclean));
        } catch (IOException | RuntimeException e) {
            closeQuietly(e, tier, sealing, writer, index, readers, tier == null ? StoreArchive.owned(options, archive) : null,
                    lock);
            if (e instanceof BlobStoreException be) {
                throw be;
            }
            if (e instanceof IOException io) {
                throw new StorageIOException("opening store " + dir, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Creates the store directory and any missing parent, and forces the entry of each new
     * directory into its parent, so a power cut cannot lose a new store's directory with the
     * packs in it. The store directory's own entries are forced once its first files exist.
     */
    private void createDirectories() throws IOException {
        Path existing = dir;
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == dir) {
            return;
        }
        Files.createDirectories(dir);
        for (Path created = dir; created != null && !created.equals(existing); created = created.getParent()) {
            if (created.getParent() != null) {
                Fsync.directory(created.getParent());
            }
        }
    }

    private static void closeQuietly(Exception primary, AutoCloseable... cs) {
        for (AutoCloseable c : cs) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    primary.addSuppressed(e);
                }
            }
        }
    }

    /**
     * Deletes the replacement a repair was building when the last run stopped: the pack itself
     * is only replaced by an atomic rename, so a leftover {@code .repair} file is never needed,
     * and it can be as large as a pack.
     */
    private void removeRepairLeftovers() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "blobs-*" + PackRepairer.TEMP_SUFFIX)) {
            for (Path p : leftovers) {
                LOG.warn("removing {}, left by a repair that did not finish", p.getFileName());
                Files.deleteIfExists(p);
            }
        }
        Path pruning = dir.resolve(DeletionLog.FILE_NAME + DeletionLog.REWRITE_SUFFIX);
        if (Files.deleteIfExists(pruning)) {
            // the log itself is replaced only by an atomic rename of this whole, forced file
            LOG.warn("removing {}, left by a pruning of the deletion log that did not finish", pruning.getFileName());
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "blobs-*" + Compactor.TEMP_SUFFIX)) {
            for (Path p : leftovers) {
                // an empty pack that was to replace a compacted one: the pack itself is still in place
                LOG.warn("removing {}, left by a compaction that did not finish", p.getFileName());
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * @return how many packs there are: one more than the highest number. A pack that is missing
     *         below it or is not a regular file counts, as damage that verify reports.
     */
    private int countPacks() throws IOException {
        TreeSet<Integer> numbers = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "blobs-*")) {
            for (Path p : ds) {
                int n = PackFormat.packNumber(p.getFileName().toString());
                if (n < 0) {
                    continue;
                }
                String notRegular = PackFormat.notRegular(p);
                if (notRegular != null) {
                    // counted, so the numbers stay dense, but never opened, followed or cut
                    LOG.error("pack {} is {}: it is damage, never followed nor written; the rest of the store serves",
                            p, notRegular);
                }
                numbers.add(n);
            }
        }
        numbers.addAll(evicted);
        int expected = 0;
        for (int n : numbers) {
            while (n != expected && Files.exists(dir.resolve(Quarantine.DIR).resolve(PackFormat.fileName(expected)))) {
                gaps.add(expected++); // quarantined, its tombstone not yet in place: a crash mid-quarantine
            }
            for (; expected < n; expected++) {
                // counted like a pack that is not a regular file: never created, written or cut,
                // its blobs unreadable until it is restored, and the rest of the store serves
                LOG.error("pack {} is missing from {} (found {} after it): its blobs cannot be read until it is"
                        + " restored; verify reports it", PackFormat.fileName(expected), dir, PackFormat.fileName(n));
            }
            expected++;
        }
        // a quarantine that stopped before its tombstone was in place may have been of the last pack
        while (Files.exists(dir.resolve(Quarantine.DIR).resolve(PackFormat.fileName(expected)))) {
            gaps.add(expected++);
        }
        // the gaps count: their tombstones go in place before anything reads the packs
        return expected;
    }

    /**
     * The pack size: recorded in the store's config; for a store written by another v1 writer,
     * inferred from the EOF entry of a sealed pack (never from a pack's length: a pack the Go
     * writer filled to the last byte has no EOF entry and is as long as the pack size); else the
     * option or the default. An option that contradicts the store is an error.
     */
    private long settlePackSize(int packs) throws IOException {
        StoreConfig config = StoreConfig.read(dir);
        long size;
        String source;
        if (config != null) {
            size = config.maxPackSize();
            source = "recorded in " + StoreConfig.FILE_NAME;
        } else {
            size = inferPackSize(packs);
            source = "inferred from the EOF entry of a sealed pack";
        }
        if (size > 0) {
            if (options.maxPackSize().isPresent() && options.maxPackSize().get() != size) {
                throw new StoreConfigurationException("store " + dir + " has pack size " + size + " (" + source
                        + "), not " + options.maxPackSize().get() + "; open it without a pack size or with " + size);
            }
        } else {
            size = options.maxPackSize().orElse(BlobStoreOptions.DEFAULT_MAX_PACK_SIZE);
        }
        if (config == null && !readOnly) {
            new StoreConfig(size).write(dir);
        }
        return size;
    }

    /**
     * The pack size an EOF entry states, preferring a pack whose length is that of a sealed pack of
     * that size (an EOF entry whose size field is damaged then cannot mislead). A pack full to the
     * last byte without an EOF entry says nothing about the pack size.
     *
     * @return the pack size, or -1 when no pack has an EOF entry
     */
    private long inferPackSize(int packs) throws IOException {
        long first = -1;
        for (int n = 0; n < packs; n++) {
            if (gaps.contains(n) || PackFormat.notRegular(PackFormat.path(dir, n)) != null) {
                continue;
            }
            Path p = PackFormat.path(dir, n);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                long m = PackScanner.packSizeFromEof(p, ch);
                if (m <= 0) {
                    continue;
                }
                if (PackGeometry.of(m).sealedSize() == ch.size()) {
                    return m;
                }
                if (first < 0) {
                    first = m;
                }
            }
        }
        return first;
    }

    /**
     * Every pack should start with a v1 header. The active pack may have been torn while it was
     * created (empty, or a prefix of our header): it holds no blob, so its header is rewritten.
     * A damaged header elsewhere is damage like any other: reported, never a reason to refuse the
     * store, since the entries after it do not depend on it.
     *
     * <p>After a clean close only the last pack is read, so that opening does not grow with the
     * store: no pack was being created, and a closed pack's header damaged since is damage that
     * {@code verify} reports like any other; its entries are read from offset 64 either way.
     * After a crash every pack is read, and a damaged header is logged at once.
     */
    private void checkHeaders(int packs, boolean unclean) throws IOException {
        for (int n = unclean ? 0 : Math.max(0, packs - 1); n < packs; n++) {
            Path p = PackFormat.path(dir, n);
            if (PackFormat.notRegular(p) != null) {
                continue; // never opened: verify reports it
            }
            byte[] h = new byte[PackFormat.HEADER_SIZE];
            int len;
            long size;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                len = PositionalIo.readUpTo(ch, 0, h, h.length);
                size = ch.size();
            }
            String problem = PackFormat.headerProblem(h, len);
            if (problem == null) {
                continue;
            }
            if (n == packs - 1 && PackFormat.isTornHeader(h, len, size) && readOnly) {
                LOG.warn("pack {} was torn while being created ({} bytes); it holds no blob and is left as it is"
                        + " (read-only)", p, len);
                continue;
            }
            if (n == packs - 1 && PackFormat.isTornHeader(h, len, size)) {
                LOG.warn("pack {} was torn while being created ({} bytes); writing its header again", p, len);
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    PositionalIo.writeFully(ch, 0, java.nio.ByteBuffer.wrap(PackFormat.header()));
                    ch.force(true);
                }
                continue;
            }
            // the entries after it are still walked from offset 64, and parity repairs a sealed pack's header
            LOG.error("{}: damaged pack header ({}); its entries are still read, and verify reports it", p, problem);
        }
    }

}
