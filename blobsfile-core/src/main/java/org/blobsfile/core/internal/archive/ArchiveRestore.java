package org.blobsfile.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.blobsfile.api.Progress;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.PackFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a store directory from its archive: the newest archived copy of every pack, each
 * downloaded to a temporary file, checked against its manifest's length and digest, forced and
 * only then renamed into place; the newest copy of the deletion log, so deleted blobs stay
 * deleted; and a ledger saying all of it is archived. The index is then built from the packs as
 * for any store without one. A copy whose bytes do not match its manifest is never put in place.
 */
public final class ArchiveRestore {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRestore.class);
    private static final String PART = ".restoring";
    /** Packs downloaded at once by a restore. */
    private static final int PARALLEL = 3;

    private ArchiveRestore() {
    }

    /**
     * Restores the newest copy of every pack, a few at a time, each checked against its manifest
     * before it is put in place, and the deletion log.
     *
     * @param archive  the archive
     * @param dir      the store directory, which holds no store
     * @param progress told of bytes downloaded out of the bytes of every pack
     * @throws IOException when the archive cannot be read, holds no whole set of packs, or a copy
     *         does not match its manifest
     */
    public static void restore(Archive archive, Path dir, Progress progress) throws IOException {
        // the log is chosen before the packs are listed: a store archiving meanwhile uploads a pruned
        // log only after the packs it was pruned for, so the packs listed next are no older than it
        DeletionLogCopy log = newestLog(archive);
        Map<Integer, Manifest> current = whole(archive);
        long total = current.values().stream().mapToLong(Manifest::length).sum();
        ArchiveLedger ledger = ArchiveLedger.open(dir, archive.location());
        // before any pack: a restore a crash cut short leaves packs only beside the deletions that
        // keep their deleted blobs deleted
        restoreDeletions(archive, log, dir, ledger);
        AtomicLong done = new AtomicLong();
        progress.update(0, total);
        // a few packs at once: one stream rarely fills the link, and the digest runs beside the writes
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, current.size()), r -> {
            Thread t = new Thread(r, "blobsfile-restore");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (Manifest m : current.values()) {
                running.add(pool.submit(() -> {
                    Path target = PackFormat.path(dir, m.pack());
                    Path part = fetch(archive, m.packObject(), target, m.length(), m.digest(),
                            n -> progress.update(done.addAndGet(n), total));
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                    ledger.archived(m.pack(), new ArchiveLedger.Archived(m.digest(), m.length(), ArchiveLedger.stamp(target)));
                    return null;
                }));
            }
            for (Future<Void> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("the restore was interrupted", e);
                }
            }
        } finally {
            pool.shutdown();
        }
        Fsync.directory(dir);
        LOG.info("restored {} packs ({} bytes) from {}", current.size(), total, archive.location());
    }

    /**
     * Restores lazily: only the manifests, each kept beside the packs as an evicted pack's, so
     * every pack starts evicted: its blobs are read from the archive by range, and the first read
     * fetches the whole pack in the background. The index is then built from the manifests.
     *
     * @param archive  the archive
     * @param dir      the store directory, which holds no store
     * @param progress told of packs done out of every pack
     * @throws IOException when the archive cannot be read or holds no whole set of packs
     */
    public static void restoreLazily(Archive archive, Path dir, Progress progress) throws IOException {
        DeletionLogCopy log = newestLog(archive); // before the packs, as restore does
        Map<Integer, Manifest> current = whole(archive);
        ArchiveLedger ledger = ArchiveLedger.open(dir, archive.location());
        restoreDeletions(archive, log, dir, ledger);
        Files.createDirectories(dir.resolve(ArchiveTier.EVICTED));
        int done = 0;
        for (Manifest m : current.values()) {
            Fsync.writeAtomically(ArchiveTier.manifestPath(dir, m.pack()), m.encode());
            ledger.archived(m.pack(), new ArchiveLedger.Archived(m.digest(), m.length(), "-"));
            ledger.evicted(m.pack(), true);
            progress.update(++done, current.size());
        }
        Fsync.directory(dir);
        LOG.info("restored {} packs lazily from {}: their blobs are read from it", current.size(), archive.location());
    }

    /** @return the newest copy of every pack from 0 to the last the archive holds, in pack order */
    private static Map<Integer, Manifest> whole(Archive archive) throws IOException {
        Map<Integer, Manifest> current = newest(archive);
        if (current.isEmpty()) {
            throw new IOException("archive " + archive.location() + " holds no pack to restore");
        }
        int last = current.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int n = 0; n <= last; n++) {
            if (!current.containsKey(n)) {
                throw new IOException("archive " + archive.location() + " holds no copy of "
                        + PackFormat.fileName(n) + ", so the store cannot be restored whole");
            }
        }
        return current;
    }

    /** @return for each pack number, the manifest of its newest copy: the one no other copy replaces */
    static Map<Integer, Manifest> newest(Archive archive) throws IOException {
        Map<Integer, List<Manifest>> copies = new TreeMap<>();
        java.util.Set<String> replaced = new java.util.HashSet<>();
        for (ArchivedObject o : archive.list(Manifest.MANIFESTS)) {
            Manifest m;
            try (InputStream in = archive.open(o.name())) {
                m = Manifest.decode(in.readAllBytes());
            } catch (IOException e) {
                if (e instanceof org.blobsfile.api.spi.ArchiveUnavailableException) {
                    throw e;
                }
                LOG.warn("{} in {} is passed over: {}", o.name(), archive.location(), e.getMessage());
                continue;
            }
            copies.computeIfAbsent(m.pack(), k -> new ArrayList<>()).add(m);
            if (m.replaces() != null) {
                replaced.add(HexFormat.of().formatHex(m.replaces()));
            }
        }
        Map<Integer, Manifest> newest = new TreeMap<>();
        for (Map.Entry<Integer, List<Manifest>> e : copies.entrySet()) {
            List<Manifest> heads = e.getValue().stream().filter(m -> !replaced.contains(m.digestHex())).toList();
            if (heads.size() != 1) {
                throw new IOException("archive " + archive.location() + " holds " + heads.size() + " copies of "
                        + PackFormat.fileName(e.getKey()) + " that no later copy replaces; it cannot tell which is newest");
            }
            newest.put(e.getKey(), heads.get(0));
        }
        return newest;
    }

    /**
     * Downloads an archived copy beside where it goes, checks it against its length and digest,
     * and forces it; the caller renames it into place. A copy that does not match is removed.
     *
     * @param archive the archive
     * @param name    the copy's object
     * @param target  where it will go: the temporary file is beside it
     * @param length  its length
     * @param digest  its BLAKE2b-256 digest
     * @param sent    told of each run of bytes written
     * @return the temporary file, whole and forced
     * @throws IOException when the download fails or the copy does not match
     */
    static Path fetch(Archive archive, String name, Path target, long length, byte[] digest, LongConsumer sent)
            throws IOException {
        Path part = target.resolveSibling(target.getFileName() + PART);
        StreamDigest got;
        try (InputStream in = archive.open(name);
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            got = StreamDigest.copy(in, out, sent);
            if (got.length() == length && Arrays.equals(got.digest(), digest)) {
                out.force(true);
                return part;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.deleteIfExists(part);
        throw new IOException(name + " in " + archive.location() + " does not match its manifest (" + got.length()
                + " bytes read, " + length + " expected, or another digest): it is damaged and was not used");
    }

    /**
     * @return the newest copy of the deletion log in the archive, of the highest generation, then
     *         the longest ({@link DeletionLogCopy}), or null when it has none; objects whose names
     *         are no copy's are passed over
     */
    private static DeletionLogCopy newestLog(Archive archive) throws IOException {
        DeletionLogCopy newest = null;
        for (ArchivedObject o : archive.list(DeletionLogCopy.FOLDER)) {
            DeletionLogCopy c = DeletionLogCopy.parse(o.name());
            if (c == null) {
                LOG.warn("{} in {} is passed over: its name is not that of a copy of the deletion log", o.name(),
                        archive.location());
            } else if (newest == null || c.isNewerThan(newest)) {
                newest = c;
            }
        }
        return newest;
    }

    /**
     * Downloads a copy of the deletion log, unless null. A copy whose length or generation is not
     * the one its name says is damaged, and the restore stops rather than take an older copy,
     * which would bring deleted blobs back.
     */
    private static void restoreDeletions(Archive archive, DeletionLogCopy newest, Path dir, ArchiveLedger ledger)
            throws IOException {
        if (newest == null) {
            return;
        }
        String name = newest.objectName();
        Path target = dir.resolve(DeletionLog.FILE_NAME);
        Path part = target.resolveSibling(target.getFileName() + PART);
        try {
            long length;
            int generation;
            try (InputStream in = archive.open(name);
                 FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                length = StreamDigest.copy(in, out, n -> { }).length();
                generation = DeletionLog.generation(out);
                out.force(true);
            }
            if (length != newest.length() || generation != newest.generation()) {
                throw new IOException(name + " in " + archive.location() + " holds " + length + " bytes of a log of"
                        + " generation " + generation + ", not what its name says: it is damaged, and an older copy"
                        + " would bring deleted blobs back, so the store is not restored");
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            // forced now, not only by the caller's force at the end: the ledger, written next,
            // must not name a copy of the log that a crash could still take away from the directory
            Fsync.directory(dir);
        } finally {
            Files.deleteIfExists(part);
        }
        ledger.deletionsArchived(newest);
    }
}
