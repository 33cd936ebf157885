package org.blobsfile.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's side of its archive: the {@link ArchiveLedger} of what is archived and evicted, the
 * {@link ArchiveUploader} (absent in a store opened read-only), and the reads of archived copies:
 * the entries of evicted packs, one ranged read each through a bounded cache; the check of an
 * evicted pack's copy; and the download of a copy to put a damaged local pack right. Every byte
 * read from the archive is checked (a blob against its hash, a pack against its digest) before
 * it is used. Thread-safe.
 */
public final class ArchiveTier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveTier.class);
    /** The folder of the store directory that keeps the manifest of each evicted pack. */
    public static final String EVICTED = "evicted";
    /** Ranges of an archived copy compared with the local file before the file is evicted. */
    private static final int EVICTION_SAMPLES = 16;
    private static final int SAMPLE_BYTES = 4096;
    /** Entries of an evicted copy read by a verify that does not read the copy whole. */
    private static final int VERIFY_SAMPLES = 16;
    /** Bytes of blob payloads read from the archive kept in memory. */
    private static final long CACHE_BYTES = 64L << 20;

    private final Archive archive;
    private final ArchiveLedger ledger;
    private final ArchiveUploader uploader;
    private final Path dir;
    private final CodecRegistry codecs;
    private final boolean ownsArchive;
    private final AtomicLong reads = new AtomicLong();
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cached;

    /**
     * @param archive     the archive
     * @param ledger      what is archived and evicted
     * @param uploader    what uploads sealed packs, or null for a store opened read-only
     * @param dir         the store directory
     * @param codecs      the codecs present, to check blobs with
     * @param ownsArchive whether {@link #close} closes the archive
     */
    public ArchiveTier(Archive archive, ArchiveLedger ledger, ArchiveUploader uploader, Path dir, CodecRegistry codecs,
                       boolean ownsArchive) {
        this.archive = archive;
        this.ledger = ledger;
        this.uploader = uploader;
        this.dir = dir;
        this.codecs = codecs;
        this.ownsArchive = ownsArchive;
    }

    /** @return what uploads sealed packs, or null in a store opened read-only */
    public ArchiveUploader uploader() {
        return uploader;
    }

    /** @return the archive's location */
    public String location() {
        return archive.location();
    }

    /** @return sealed packs the archive holds a copy of */
    public int archivedCount() {
        return ledger.archivedCount();
    }

    /** @return packs waiting to be uploaded */
    public int backlog() {
        return uploader == null ? 0 : uploader.backlog();
    }

    /** @return reads from the archive since open: ranged reads of blobs and whole copies */
    public long reads() {
        return reads.get() + (uploader == null ? 0 : uploader.downloads());
    }

    /**
     * @param pack a pack number
     * @return whether its local file was evicted
     */
    public boolean isEvicted(int pack) {
        return ledger.isEvicted(pack);
    }

    /**
     * @param pack a pack number
     * @return whether a lazy restore left it evicted, to be fetched whole on its first read
     */
    public boolean isLazy(int pack) {
        return ledger.isLazy(pack);
    }

    /** @return the evicted packs, ascending */
    public List<Integer> evictedPacks() {
        return ledger.evictedPacks();
    }

    /**
     * @param pack an evicted pack
     * @return its manifest, as kept in {@value #EVICTED}
     * @throws IOException when it cannot be read or is damaged
     */
    public Manifest evictedManifest(int pack) throws IOException {
        return evictedManifest(dir, pack);
    }

    /**
     * @param dir  a store directory
     * @param pack an evicted pack of it
     * @return the pack's manifest, as kept in {@value #EVICTED}
     * @throws IOException when it cannot be read or is damaged
     */
    public static Manifest evictedManifest(Path dir, int pack) throws IOException {
        return Manifest.decode(Files.readAllBytes(manifestPath(dir, pack)));
    }

    private Path manifestPath(int pack) {
        return manifestPath(dir, pack);
    }

    /**
     * @param dir  a store directory
     * @param pack a pack number
     * @return where the manifest of the pack is kept while it is evicted
     */
    public static Path manifestPath(Path dir, int pack) {
        return dir.resolve(EVICTED).resolve(PackFormat.fileName(pack) + ".manifest");
    }

    /**
     * Reads part of a pack's archived copy: the payload of one entry of an evicted pack, or of a
     * local pack's entry that is damaged here. Only a copy of the pack as it is locally is read.
     *
     * @param pack   the pack
     * @param offset where the bytes start
     * @param length how many
     * @return the bytes, unchecked: the caller checks the blob against its hash
     * @throws IOException when the pack has no such copy or the read fails
     */
    public byte[] read(int pack, long offset, int length) throws IOException {
        long key = ((long) pack << 40) ^ offset;
        synchronized (cache) {
            byte[] hit = cache.get(key);
            if (hit != null && hit.length == length) {
                return hit;
            }
        }
        ArchiveLedger.Archived a = ledger.archived(pack);
        if (a == null) {
            throw new NoSuchFileException(PackFormat.fileName(pack) + " has no archived copy in " + archive.location());
        }
        byte[] bytes = archive.read(Manifest.packObject(pack, a.digest()), offset, length);
        reads.incrementAndGet();
        if (length <= CACHE_BYTES / 16) {
            synchronized (cache) {
                if (cache.put(key, bytes) == null) {
                    cached += length;
                }
                var it = cache.values().iterator();
                while (cached > CACHE_BYTES && it.hasNext()) {
                    cached -= it.next().length;
                    it.remove();
                }
            }
        }
        return bytes;
    }

    /**
     * @param pack a local pack
     * @return whether the archive holds a copy of it as it should be: archived, and not since
     *         replaced by a compaction whose new copy is not archived yet
     */
    public boolean hasCopy(int pack) {
        return ledger.archived(pack) != null && !ledger.isRewriting(pack);
    }

    /**
     * Evicts one sealed pack: compares a sample of its archived copy with the file, keeps the
     * copy's manifest, records the eviction, and only then removes the file.
     *
     * @param pack the pack
     * @param rnd  picks the ranges compared
     * @return the bytes freed
     * @throws IOException saying why the pack stays local
     */
    public long evict(int pack, Random rnd) throws IOException {
        Path file = PackFormat.path(dir, pack);
        ArchiveLedger.Archived a = ledger.archived(pack);
        if (a == null || ledger.isRewriting(pack)) {
            throw new IOException("it is not archived as it is now");
        }
        if (!ArchiveLedger.stamp(file).equals(a.stamp())) {
            throw new IOException("it changed since it was archived; the next upload looks at it");
        }
        String object = Manifest.packObject(pack, a.digest());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size != a.length()) {
                throw new IOException("its length differs from its archived copy's");
            }
            for (int i = 0; i <= EVICTION_SAMPLES; i++) {
                // the last range is the end of the file, where a copy cut short would differ
                int len = (int) Math.min(SAMPLE_BYTES, size);
                long at = i == EVICTION_SAMPLES ? size - len : (long) (rnd.nextDouble() * (size - len + 1));
                byte[] there = archive.read(object, at, len);
                byte[] here = new byte[len];
                ch.read(ByteBuffer.wrap(here), at);
                reads.incrementAndGet();
                if (!Arrays.equals(there, here)) {
                    throw new IOException("its archived copy differs from it at offset " + at + ": it stays local");
                }
            }
        }
        Manifest m;
        try (InputStream in = archive.open(Manifest.manifestObject(pack, a.digest()))) {
            m = Manifest.decode(in.readAllBytes());
        }
        reads.incrementAndGet();
        if (!Arrays.equals(m.digest(), a.digest()) || m.pack() != pack) {
            throw new IOException("its manifest in the archive names another copy");
        }
        Files.createDirectories(manifestPath(pack).getParent());
        Fsync.writeAtomically(manifestPath(pack), m.encode());
        ledger.evicted(pack);
        long freed = Files.size(file);
        Files.delete(file);
        Fsync.directory(dir);
        LOG.info("{} evicted: its {} blobs are read from {}", PackFormat.fileName(pack), m.entries().size(),
                archive.location());
        return freed;
    }

    /**
     * Checks the archived copy of an evicted pack: read whole against its digest and every entry
     * against its hash, or a sample of entries by ranged reads.
     *
     * @param pack  an evicted pack
     * @param whole whether to read the whole copy
     * @param rnd   picks the sample
     * @return what is wrong, one sentence each; empty when the copy is sound
     * @throws IOException when the archive cannot be read
     */
    public List<String> checkEvicted(int pack, boolean whole, Random rnd) throws IOException {
        Manifest m = evictedManifest(pack);
        String object = m.packObject();
        List<String> problems = new ArrayList<>();
        if (whole) {
            StreamDigest d;
            try (InputStream in = archive.open(object)) {
                d = StreamDigest.of(in);
            }
            reads.incrementAndGet();
            if (d.length() != m.length() || !Arrays.equals(d.digest(), m.digest())) {
                problems.add(object + " in " + archive.location() + " does not match its manifest (" + d.length()
                        + " bytes, " + m.length() + " expected, or another digest)");
            }
            return problems;
        }
        List<Manifest.Entry> entries = new ArrayList<>(m.entries());
        java.util.Collections.shuffle(entries, rnd);
        for (Manifest.Entry e : entries.subList(0, Math.min(VERIFY_SAMPLES, entries.size()))) {
            byte[] payload = archive.read(object, e.offset() + EntryHeader.LENGTH, Math.toIntExact(e.storedSize()));
            reads.incrementAndGet();
            // a missing codec counts too: the sample could not prove the copy sound
            if (EntryCheck.checkedLength(codecs, Integer.MAX_VALUE - 8, e.hash(), e.flag(), e.codecId(), payload) < 0) {
                problems.add(object + " in " + archive.location() + ": the entry at offset " + e.offset()
                        + " does not hash to its blob");
            }
        }
        return problems;
    }

    /**
     * Puts a damaged local pack right from its archived copy: downloads it beside the pack,
     * checks it against the copy's digest, saves the damaged file to {@link LostAndFound}, then
     * renames the copy over it; or, for an evicted pack (a lazy restore's), makes it local again.
     *
     * @param pack the pack
     * @return whether the pack is now its archived copy
     * @throws IOException when the archive cannot be read
     */
    public boolean restoreCopy(int pack) throws IOException {
        if (!hasCopy(pack)) {
            return false;
        }
        ArchiveLedger.Archived a = ledger.archived(pack);
        Path file = PackFormat.path(dir, pack);
        Path part;
        try {
            part = ArchiveRestore.fetch(archive, Manifest.packObject(pack, a.digest()), file, a.length(), a.digest(),
                    n -> { });
        } catch (ArchiveUnavailableException e) {
            throw e;
        } catch (IOException e) {
            LOG.error("{}: its archived copy in {} is not used: {}", file, archive.location(), e.getMessage());
            return false;
        } finally {
            reads.incrementAndGet();
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                new LostAndFound(dir).save(file, ch, 0, ch.size(), "damaged beyond its parity; replaced by its archived"
                        + " copy " + Manifest.packObject(pack, a.digest()));
            }
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(dir);
        ledger.local(pack, ArchiveLedger.stamp(file));
        Files.deleteIfExists(manifestPath(pack));
        LOG.info("{} put in place from its archived copy in {}", file, archive.location());
        return true;
    }

    /** Stops the uploader, and closes the archive when the store opened it. */
    @Override
    public void close() {
        if (uploader != null) {
            uploader.close();
        }
        if (ownsArchive) {
            try {
                archive.close();
            } catch (IOException e) {
                LOG.warn("closing archive {}: {}", archive.location(), e.getMessage());
            }
        }
    }
}
