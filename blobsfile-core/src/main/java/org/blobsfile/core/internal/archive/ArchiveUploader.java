package org.blobsfile.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.Progress;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies sealed packs to the archive: each with its manifest, the pack first, so a manifest in
 * the archive always names a whole pack. A background thread archives each pack it is told was
 * sealed or rewritten, and at start every sealed pack the {@link ArchiveLedger} does not hold;
 * while the archive is unavailable it waits with a growing backoff and tries again.
 * {@link #archiveNow} does the same work in the caller's thread and reports. One pack at a time,
 * whoever does it, so no pack is uploaded twice.
 *
 * <p>Objects are never replaced: a pack whose object exists already (an upload a crash cut off
 * before the ledger recorded it) is read back whole and its digest compared; a copy that differs
 * is reported and left alone. A local pack that changed since it was archived without a
 * compaction saying it rewrites it (a repair in place, a quarantine's tombstone) is not archived
 * again: the archived copy stays the one restores and repairs use.
 */
public final class ArchiveUploader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveUploader.class);
    /** The first wait after the archive was unavailable; it doubles up to {@link #MAX_BACKOFF_MS}. */
    private static final long FIRST_BACKOFF_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 60_000;
    /** How long after open the thread looks for sealed packs the archive lacks. */
    private static final long FIRST_PASS_DELAY_MS = 2_000;

    private final Archive archive;
    private final ArchiveLedger ledger;
    private final Path dir;
    private final PackGeometry geometry;
    private final CodecRegistry codecs;
    private final Supplier<List<Integer>> sealedPacks;
    /** Whether a pack was quarantined: its file is a tombstone, and its archived copy the one to keep. */
    private final IntPredicate quarantined;
    private final Path deletionLog;

    /** Taken for the whole of one pack's archiving, by the thread or a caller of archiveNow. */
    private final ReentrantLock work = new ReentrantLock();
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queued = queueLock.newCondition();
    /** Packs to archive (guarded by queueLock). */
    private final TreeSet<Integer> pending = new TreeSet<>();
    private final AtomicLong downloads = new AtomicLong();
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param archive     where packs go
     * @param ledger      what is archived already
     * @param dir         the store directory
     * @param geometry    the store's pack geometry
     * @param codecs      the codecs present, to check entries with
     * @param sealedPacks the store's sealed packs, in number order
     * @param quarantined whether a pack was quarantined
     */
    public ArchiveUploader(Archive archive, ArchiveLedger ledger, Path dir, PackGeometry geometry, CodecRegistry codecs,
                           Supplier<List<Integer>> sealedPacks, IntPredicate quarantined) {
        this.archive = archive;
        this.ledger = ledger;
        this.dir = dir;
        this.geometry = geometry;
        this.codecs = codecs;
        this.sealedPacks = sealedPacks;
        this.quarantined = quarantined;
        this.deletionLog = dir.resolve(DeletionLog.FILE_NAME);
    }

    /**
     * Starts the background thread, which first queues every sealed pack the ledger lacks or that
     * changed since: in the thread, since telling which packs are sealed reads each one.
     */
    public synchronized void start() {
        thread = new Thread(() -> {
            // a caller that archives right after open (the command line's archive) does it
            // itself and reports it; packs sealed meanwhile wait in the queue
            if (!pause(FIRST_PASS_DELAY_MS)) {
                return;
            }
            try {
                reconcile();
            } catch (IOException e) {
                LOG.warn("archive {}: its listing could not be read ({}); the ledger is trusted until the next try",
                        archive.location(), e.getMessage());
            }
            for (int n : sealedPacks.get()) {
                queueIfDue(n);
            }
            run();
        }, "blobsfile-archive " + dir.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a pack the archive does not hold as it is now. */
    private void queueIfDue(int n) {
        try {
            if (isDue(n)) {
                queue(n);
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot tell whether it is archived: {}", PackFormat.fileName(n), e.getMessage());
            queue(n);
        }
    }

    /**
     * Checks the ledger against the archive's listing: a pack the ledger says is archived whose
     * object the archive no longer lists (removed there by hand, or a bucket emptied) is archived
     * again; one that is evicted cannot be, and is named as lost from the archive.
     */
    private void reconcile() throws IOException {
        Set<String> listed = new HashSet<>();
        for (ArchivedObject o : archive.list(Manifest.PACKS)) {
            listed.add(o.name());
        }
        for (int n : ledger.archivedPacks()) {
            ArchiveLedger.Archived a = ledger.archived(n);
            if (a == null || listed.contains(Manifest.packObject(n, a.digest()))) {
                continue;
            }
            if (ledger.isEvicted(n)) {
                LOG.error("{} is evicted, but archive {} no longer lists its copy {}: its blobs cannot be read",
                        PackFormat.fileName(n), archive.location(), Manifest.packObject(n, a.digest()));
            } else {
                LOG.warn("archive {} no longer lists {}, the copy of {}: it is archived again", archive.location(),
                        Manifest.packObject(n, a.digest()), PackFormat.fileName(n));
                ledger.forget(n);
            }
        }
    }

    /** @return whether the archive lacks pack {@code n} as the local file is now, cheaply: by the ledger and the file's identity */
    private boolean isDue(int n) throws IOException {
        ArchiveLedger.Archived a = ledger.archived(n);
        if (a == null || ledger.isRewriting(n)) {
            return true;
        }
        Path p = PackFormat.path(dir, n);
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !ArchiveLedger.stamp(p).equals(a.stamp());
    }

    /**
     * Tells the uploader a pack was sealed, or rewritten by a compaction: it is archived soon.
     *
     * @param n the pack's number
     */
    public void queue(int n) {
        queueLock.lock();
        try {
            pending.add(n);
            queued.signalAll();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Records, before a compaction replaces pack {@code n}, that its new copy is to be archived.
     *
     * @param n the pack's number
     * @throws IOException when the ledger cannot be written
     */
    public void rewriting(int n) throws IOException {
        ledger.rewriting(n);
    }

    /** @return sealed packs the archive does not hold as they are now, whether queued yet or not */
    public int backlog() {
        int due = 0;
        for (int n : sealedPacks.get()) {
            try {
                due += isDue(n) ? 1 : 0;
            } catch (IOException e) {
                due++;
            }
        }
        return due;
    }

    /** @return whole objects read back from the archive since open */
    public long downloads() {
        return downloads.get();
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MS;
        while (!closed) {
            Integer n;
            queueLock.lock();
            try {
                while (pending.isEmpty() && !closed) {
                    queued.await();
                }
                if (closed) {
                    return;
                }
                n = pending.first();
            } catch (InterruptedException e) {
                return;
            } finally {
                queueLock.unlock();
            }
            try {
                archivePack(n, Archive.Progress.NONE);
                backoff = FIRST_BACKOFF_MS;
                if (unqueue(n)) {
                    archiveDeletionsOrLog();
                }
            } catch (ArchiveUnavailableException e) {
                LOG.warn("archive {} unavailable: {}; trying again in {} s", archive.location(), e.getMessage(),
                        backoff / 1000);
                if (!pause(backoff)) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return; // the store closed under the upload: the next open archives the pack
                }
                LOG.error("{} is not archived: {}", PackFormat.fileName(n), e.getMessage(), e);
                unqueue(n);
            }
        }
    }

    /** Waits before trying again, unless closed meanwhile. @return false when closed */
    private boolean pause(long ms) {
        queueLock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(ms);
            while (!closed && left > 0) {
                left = queued.awaitNanos(left);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            queueLock.unlock();
        }
    }

    /** @return whether the queue is empty now */
    private boolean unqueue(int n) {
        queueLock.lock();
        try {
            pending.remove(n);
            return pending.isEmpty();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Archives every sealed pack the archive lacks, in the caller's thread, and the deletion log.
     *
     * @param progress told of bytes uploaded out of the bytes of the packs to archive
     * @return what was done
     * @throws ArchiveException when the archive is unavailable
     */
    public ArchiveReport archiveNow(Progress progress) {
        List<Integer> due = new ArrayList<>();
        long total = 0;
        int already = 0;
        try {
            reconcile();
        } catch (ArchiveUnavailableException e) {
            throw new ArchiveException(e.getMessage(), e);
        } catch (IOException e) {
            throw new ArchiveException("cannot list archive " + archive.location() + ": " + e.getMessage(), e);
        }
        try {
            for (int n : sealedPacks.get()) {
                if (isDue(n)) {
                    due.add(n);
                    total += Files.size(PackFormat.path(dir, n));
                } else {
                    already++;
                }
            }
        } catch (IOException e) {
            throw new ArchiveException("cannot list the packs to archive in " + dir + ": " + e.getMessage(), e);
        }
        long[] done = {0};
        long totalBytes = total;
        progress.update(0, totalBytes);
        int uploaded = 0;
        long bytes = 0;
        List<String> problems = new ArrayList<>();
        for (int n : due) {
            long base = done[0];
            try {
                long sent = archivePack(n, b -> progress.update(base + b, totalBytes));
                if (sent > 0) {
                    uploaded++;
                    bytes += sent;
                } else {
                    already++; // there already, or archived by the background thread meanwhile
                }
                unqueue(n);
            } catch (ArchiveUnavailableException e) {
                throw new ArchiveException(e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                problems.add(PackFormat.fileName(n) + ": " + e.getMessage());
            }
            done[0] = base + sizeOrZero(n);
            progress.update(done[0], totalBytes);
        }
        try {
            archiveDeletions();
        } catch (ArchiveUnavailableException e) {
            throw new ArchiveException(e.getMessage(), e);
        } catch (IOException e) {
            problems.add(DeletionLog.FILE_NAME + ": " + e.getMessage());
        }
        return new ArchiveReport(uploaded, bytes, already, problems);
    }

    private long sizeOrZero(int n) {
        try {
            return Files.size(PackFormat.path(dir, n));
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Archives one pack as its file is now, unless the archive holds it so already.
     *
     * @return the bytes uploaded, 0 when the archive held it, -1 when it was not due after all
     */
    long archivePack(int n, Archive.Progress progress) throws IOException {
        work.lock();
        try {
            if (closed) {
                throw new IOException("the store is closing");
            }
            Path file = PackFormat.path(dir, n);
            if (!isDue(n)) {
                return -1;
            }
            int rewrites = ledger.rewrites(n);
            String stamp = ArchiveLedger.stamp(file);
            ArchiveLedger.Archived before = ledger.archived(n);
            boolean rewritten = ledger.isRewriting(n);
            Manifest m = Manifest.of(file, n, geometry, codecs, null);
            if (before != null && Arrays.equals(before.digest(), m.digest())) {
                // the same bytes in a file replaced or touched since: nothing to upload
                ledger.archived(n, new ArchiveLedger.Archived(m.digest(), m.length(), stamp));
                return 0;
            }
            if (before != null && !rewritten && m.entries().isEmpty() && !quarantined.test(n)) {
                // emptied by a compaction while the store was opened without this archive, which so did not
                // hear of it: the new copy replaces the old as a compaction's does, and a pruned deletion
                // log, which no longer names the blobs the old copy holds, waits for it
                LOG.info("{} was compacted while the store was opened without archive {}: its new copy is archived in"
                        + " place of the old one", PackFormat.fileName(n), archive.location());
                ledger.rewriting(n);
                rewrites = ledger.rewrites(n);
                rewritten = true;
            }
            if (before != null && !rewritten) {
                throw new IOException("it differs from its archived copy though no compaction rewrote it (a repair or"
                        + " a quarantine changed it?): the archived copy is kept");
            }
            if (before != null) {
                m = new Manifest(m.pack(), m.packSize(), m.length(), m.digest(), before.digest(), m.entries());
            }
            long sent = uploadPack(file, m, progress);
            uploadManifest(m);
            // the file must still be the one read: a compaction replacing it meanwhile queues it
            // again, and the copy of its new file must name this one as the copy it replaces
            if (ArchiveLedger.stamp(file).equals(stamp) && ledger.rewrites(n) == rewrites) {
                ledger.archived(n, new ArchiveLedger.Archived(m.digest(), m.length(), stamp));
            } else {
                ledger.archivedSuperseded(n, new ArchiveLedger.Archived(m.digest(), m.length(), "-"));
            }
            LOG.info("{} archived to {} ({} bytes{})", PackFormat.fileName(n), archive.location(), m.length(),
                    sent == 0 ? ", found there already" : "");
            return sent;
        } finally {
            work.unlock();
        }
    }

    /** @return bytes uploaded, 0 when a whole copy with this digest was there already */
    private long uploadPack(Path file, Manifest m, Archive.Progress progress) throws IOException {
        String name = m.packObject();
        try { // an upload never replaces an object: one already there is told by the exception
            archive.upload(name, file, progress);
        } catch (FileAlreadyExistsException e) {
            checkCopy(name, m);
            return 0;
        }
        return m.length();
    }

    /** Reads an archived copy whole and compares its digest with the manifest's. */
    private void checkCopy(String name, Manifest m) throws IOException {
        StreamDigest d;
        try (InputStream in = archive.open(name)) {
            d = StreamDigest.of(in);
        }
        downloads.incrementAndGet();
        if (d.length() != m.length() || !Arrays.equals(d.digest(), m.digest())) {
            throw new IOException("the archive holds " + name + " already, with other bytes; it is never replaced:"
                    + " look at it, and remove it from the archive if it is damaged");
        }
    }

    private void uploadManifest(Manifest m) throws IOException {
        String name = m.manifestObject();
        byte[] bytes = m.encode();
        Path tmp = Files.createTempFile(dir, ".archive-", ".manifest");
        try {
            Files.write(tmp, bytes);
            archive.upload(name, tmp, Archive.Progress.NONE);
        } catch (FileAlreadyExistsException e) {
            if (!Arrays.equals(readWhole(name), bytes)) {
                throw new IOException("the archive holds " + name + " already, with other content; it is never replaced");
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private byte[] readWhole(String name) throws IOException {
        try (InputStream in = archive.open(name)) {
            return in.readAllBytes();
        }
    }

    /** As {@link #archiveDeletions}, from the thread: a failure is logged, and the next pack archived tries again. */
    private void archiveDeletionsOrLog() throws ArchiveUnavailableException {
        try {
            archiveDeletions();
        } catch (ArchiveUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("{} is not archived: {}", DeletionLog.FILE_NAME, e.getMessage(), e);
            }
        }
    }

    /**
     * Uploads the deletion log when the archive lacks some of it, as a new object named by its
     * generation and length ({@link DeletionLogCopy}): within a generation the log only grows, and
     * a pruning makes it shorter but of a later generation, so the archive lacks some of it when
     * it is of a later generation than the copy the ledger names, or of that one and longer.
     *
     * <p>A pruned log no longer says which blobs of the packs emptied by compaction were deleted,
     * so a copy of a new generation waits until the archive holds every pack it has a copy of as
     * its local file is now ({@link #packNotArchived}): a restore that took it with an old copy of an emptied
     * pack would bring its deleted blobs back. Growth within the archived generation never waits.
     */
    private void archiveDeletions() throws IOException {
        if (!Files.isRegularFile(deletionLog, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (FileChannel in = FileChannel.open(deletionLog, StandardOpenOption.READ)) {
            if (!new DeletionLogCopy(DeletionLog.generation(in), in.size()).isNewerThan(ledger.deletionsArchived())) {
                return;
            }
        }
        work.lock();
        Path tmp = Files.createTempFile(dir, ".archive-", ".deletions");
        try {
            DeletionLogCopy archived = ledger.deletionsArchived();
            DeletionLogCopy copy = copyLog(tmp);
            if (!copy.isNewerThan(archived)) {
                if (copy.generation() < archived.generation()) {
                    LOG.warn("{} is of generation {}, older than that of its archived copy ({}): it was replaced by"
                            + " other than a pruning, and is not archived", deletionLog, copy.generation(),
                            archived.objectName());
                }
                return;
            }
            if (copy.generation() > archived.generation()) {
                String waitsFor = packNotArchived();
                if (waitsFor != null) {
                    LOG.info("{} was pruned; it is archived once the archive holds every pack it has a copy of as it is"
                            + " here ({} is not yet)", DeletionLog.FILE_NAME, waitsFor);
                    return;
                }
            }
            String name = copy.objectName();
            try {
                archive.upload(name, tmp, Archive.Progress.NONE);
            } catch (FileAlreadyExistsException e) {
                // uploaded before a crash cut off the ledger's record, unless another log of this
                // generation and length was there: a log moved aside as unreadable, another store
                if (!Arrays.equals(readWhole(name), Files.readAllBytes(tmp))) {
                    throw new IOException("the archive holds " + name + " already, with other bytes; it is never"
                            + " replaced: look at it, and remove it from the archive if it is not this store's");
                }
                downloads.incrementAndGet();
            }
            ledger.deletionsArchived(copy);
        } finally {
            Files.deleteIfExists(tmp);
            work.unlock();
        }
    }

    /**
     * Tells whether a pruned log may be archived: not while the archive holds a copy of some pack
     * that differs from its local file, since that may be the old copy of a pack a compaction
     * emptied (said so by the compaction, or found so when the copy is made, for one emptied while
     * the store was opened without its archive), and a restore that took it with the pruned log,
     * which no longer says its blobs were deleted, would bring them back. A quarantined pack does
     * not hold the log back (its archived copy is the one to keep, and no pruning runs while it is
     * there), nor does one never archived (a restore does not bring it).
     *
     * @return what the log waits for, or null when it waits for nothing
     */
    private String packNotArchived() throws IOException {
        if (ledger.isRewritingAny()) {
            return "a pack a compaction rewrote";
        }
        for (int n : sealedPacks.get()) {
            if (ledger.archived(n) != null && !quarantined.test(n) && isDue(n)) {
                return PackFormat.fileName(n);
            }
        }
        return null;
    }

    /**
     * Copies the deletion log as it is now, through one channel: the log may grow while it is
     * uploaded, or be replaced by a pruned one, and the copy must be one file's first bytes.
     *
     * @param tmp the file to copy it to
     * @return the copy: its length, and its generation read from the bytes copied
     */
    private DeletionLogCopy copyLog(Path tmp) throws IOException {
        try (FileChannel in = FileChannel.open(deletionLog, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long pos = 0; pos < size; ) {
                long n = in.transferTo(pos, size - pos, out);
                if (n <= 0) {
                    throw new IOException(deletionLog + " ends before offset " + size + " though nothing cuts it");
                }
                pos += n;
            }
            return new DeletionLogCopy(DeletionLog.generation(out), size);
        }
    }

    /** Stops the thread after the pack it is archiving, if any; the rest is resumed at the next open. */
    @Override
    public void close() {
        closed = true;
        queueLock.lock();
        try {
            queued.signalAll();
        } finally {
            queueLock.unlock();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt(); // an upload under way is given up: the next open archives the pack again
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        work.lock();
        work.unlock();
    }
}
