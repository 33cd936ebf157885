package org.blobsfile.core.internal.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.blobsfile.core.internal.io.Fsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store knows it has archived, kept in {@value #FILE} beside the packs: for each pack
 * number, the digest and length of the copy the archive holds with its manifest, and the identity
 * of the local file it was read from (its file key and modification time), so that a local file
 * replaced since (a compaction's rewrite) is noticed at open without reading every pack; the packs
 * a compaction is about to rewrite, whose new copy must be archived too; and the newest copy of
 * the deletion log the archive holds: its length, and its generation on a line of its own that
 * is left out while it is 0, so the ledger of a log never pruned is what older versions read.
 * Rewritten whole through a forced temporary file at each change, so a crash leaves the old
 * ledger or the new one. It also names the packs whose local file was
 * evicted, so it is written before a pack file is removed. Thread-safe.
 */
public final class ArchiveLedger {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveLedger.class);
    /** The ledger's file name in the store directory. */
    public static final String FILE = "archive.ledger";
    private static final String MAGIC = "blobsfile-archive-ledger 1";
    private static final HexFormat HEX = HexFormat.of();

    /**
     * One archived copy of a pack.
     *
     * @param digest the BLAKE2b-256 digest of the copy
     * @param length its length
     * @param stamp  the identity of the local file it was read from, or "-" when unknown
     */
    public record Archived(byte[] digest, long length, String stamp) {
    }

    private final Path file;
    private final String location;
    private final Map<Integer, Archived> archived = new TreeMap<>();
    private final Set<Integer> rewriting = new TreeSet<>();
    /** Asked by every read of a blob, so read without the ledger's lock; changed under it. */
    private final Set<Integer> evicted = new ConcurrentSkipListSet<>();
    /** How many times each pack was said to be rewritten since open: an upload that saw another count copied an older file. */
    private final Map<Integer, Integer> rewrites = new TreeMap<>();
    /** Evicted packs a lazy restore left, fetched whole the first time one of their blobs is read. */
    private final Set<Integer> lazy = new ConcurrentSkipListSet<>();
    private long deletionsArchived;
    private int deletionsGeneration;

    private ArchiveLedger(Path file, String location) {
        this.file = file;
        this.location = location;
    }

    /**
     * Reads the ledger of a store directory. A ledger kept for another archive counts for
     * nothing here: every pack is then checked against this archive's listing again; unless it
     * names evicted packs, which only that archive holds, and then opening fails.
     *
     * @param dir      the store directory
     * @param location the archive's location
     * @return the ledger, empty when there is none yet
     * @throws IOException when the file cannot be read
     */
    public static ArchiveLedger open(Path dir, String location) throws IOException {
        ArchiveLedger l = new ArchiveLedger(dir.resolve(FILE), location);
        String text = read(l.file);
        if (text == null) {
            return l;
        }
        String[] lines = text.split("\n");
        String kept = keptFor(lines);
        if (!location.equals(kept)) {
            if (kept != null && namesEvicted(text)) {
                throw new IOException("packs of " + dir + " are evicted to " + kept + ", so the store must be opened with"
                        + " that archive, not " + location);
            }
            LOG.info("{} was kept for another archive ({}): the packs are checked against {} again", l.file,
                    kept, location);
            return l;
        }
        for (int i = 2; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            switch (f[0]) {
                case "pack" -> l.archived.put(Integer.parseInt(f[1]), new Archived(HEX.parseHex(f[2]), Long.parseLong(f[3]), f[4]));
                case "rewriting" -> l.rewriting.add(Integer.parseInt(f[1]));
                case "evicted" -> l.evicted.add(Integer.parseInt(f[1]));
                case "lazy" -> l.lazy.add(Integer.parseInt(f[1]));
                case "deletions" -> l.deletionsArchived = Long.parseLong(f[1]);
                case "deletions-generation" -> l.deletionsGeneration = Integer.parseInt(f[1]);
                default -> throw new IOException(l.file + ": unexpected line '" + lines[i] + "'");
            }
        }
        return l;
    }

    /**
     * @param pack a pack number
     * @return the archived copy of it, or null
     */
    public synchronized Archived archived(int pack) {
        return archived.get(pack);
    }

    /** @return the packs with an archived copy, ascending */
    public synchronized List<Integer> archivedPacks() {
        return List.copyOf(archived.keySet());
    }

    /**
     * Forgets the archived copy of a local pack whose object the archive no longer holds, so it
     * is archived again.
     *
     * @param pack a pack that is not evicted
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void forget(int pack) throws IOException {
        if (evicted.contains(pack)) {
            throw new IllegalStateException(pack + " is evicted: its archived copy is its only one");
        }
        if (archived.remove(pack) != null) {
            write();
        }
    }

    /** @return how many packs have an archived copy */
    public synchronized int archivedCount() {
        return archived.size();
    }

    /** @return whether a compaction said it rewrites some pack whose new copy is not archived yet */
    public synchronized boolean isRewritingAny() {
        return !rewriting.isEmpty();
    }

    /** @return whether a compaction said it rewrites this pack, and its new copy is not archived yet */
    public synchronized boolean isRewriting(int pack) {
        return rewriting.contains(pack);
    }

    /** @return whether the local file of pack {@code n} was evicted: its blobs are read from the archive */
    public boolean isEvicted(int pack) {
        return evicted.contains(pack);
    }

    /** @return the evicted packs, ascending */
    public synchronized List<Integer> evictedPacks() {
        return List.copyOf(evicted);
    }

    /**
     * Records, before the local file of pack {@code n} is removed, that its blobs are to be read
     * from its archived copy.
     *
     * @param pack the pack's number, archived already
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void evicted(int pack) throws IOException {
        evicted(pack, false);
    }

    /**
     * As {@link #evicted(int)}, for a pack a lazy restore leaves in the archive.
     *
     * @param pack         the pack's number, archived already
     * @param fetchOnRead  whether the pack is to be fetched whole the first time it is read
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void evicted(int pack, boolean fetchOnRead) throws IOException {
        if (!archived.containsKey(pack)) {
            throw new IllegalStateException(pack + " is not archived");
        }
        boolean changed = evicted.add(pack);
        changed |= fetchOnRead && lazy.add(pack);
        if (changed) {
            write();
        }
    }

    /** @return whether pack {@code n} is evicted by a lazy restore, to be fetched whole on its first read */
    public boolean isLazy(int pack) {
        return lazy.contains(pack);
    }

    /**
     * Records that pack {@code n} is local again (a repair or a fetch put its file back).
     *
     * @param pack the pack's number
     * @param stamp the identity of its new local file
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void local(int pack, String stamp) throws IOException {
        Archived a = archived.get(pack);
        lazy.remove(pack);
        if (evicted.remove(pack) && a != null) {
            archived.put(pack, new Archived(a.digest(), a.length(), stamp));
        }
        write();
    }

    /**
     * The archive a store's ledger names, for a store opened without one whose packs are evicted.
     *
     * @param dir the store directory
     * @return the location the ledger is kept for, when it records evicted packs; else null
     * @throws IOException when the ledger cannot be read
     */
    public static String evictedTo(Path dir) throws IOException {
        String text = read(dir.resolve(FILE));
        return text != null && namesEvicted(text) ? keptFor(text.split("\n")) : null;
    }

    /** @return the ledger's text, or null when there is none */
    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** @return the archive a ledger's lines say it is kept for, or null when they are not a ledger */
    private static String keptFor(String[] lines) {
        return lines.length > 1 && lines[0].equals(MAGIC) && lines[1].startsWith("archive ") ? lines[1].substring(8) : null;
    }

    private static boolean namesEvicted(String text) {
        return text.contains("\nevicted ");
    }

    /** @return the newest copy of the deletion log the archive holds, {@link DeletionLogCopy#NONE} when none */
    public synchronized DeletionLogCopy deletionsArchived() {
        return new DeletionLogCopy(deletionsGeneration, deletionsArchived);
    }

    /**
     * Records that the archive holds a copy of a pack and its manifest.
     *
     * @param pack   the pack's number
     * @param copy   the copy
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void archived(int pack, Archived copy) throws IOException {
        archived.put(pack, copy);
        rewriting.remove(pack);
        write();
    }

    /**
     * Records, before a compaction replaces a pack, that its new copy is to be archived: a crash
     * right after the replacement then still archives it at the next open.
     *
     * @param pack the pack's number
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void rewriting(int pack) throws IOException {
        rewrites.merge(pack, 1, Integer::sum);
        if (rewriting.add(pack)) {
            write();
        }
    }

    /**
     * @param pack the pack's number
     * @return how many times a compaction said it rewrites the pack since the ledger was opened
     */
    public synchronized int rewrites(int pack) {
        return rewrites.getOrDefault(pack, 0);
    }

    /**
     * Records a copy of a pack whose file a compaction replaced while the copy was uploaded: the
     * archive holds it, so the copy of the new file names it as the one it replaces (else a
     * restore finds two copies and cannot tell which is newest), and the new file is still due.
     *
     * @param pack the pack's number
     * @param copy the copy uploaded, of the file as it was
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void archivedSuperseded(int pack, Archived copy) throws IOException {
        archived.put(pack, copy);
        rewriting.add(pack);
        write();
    }

    /**
     * @param copy the newest copy of the deletion log the archive now holds
     * @throws IOException when the ledger cannot be written
     */
    public synchronized void deletionsArchived(DeletionLogCopy copy) throws IOException {
        deletionsArchived = copy.length();
        deletionsGeneration = copy.generation();
        write();
    }

    private void write() throws IOException {
        StringBuilder b = new StringBuilder(MAGIC).append('\n').append("archive ").append(location).append('\n');
        archived.forEach((n, a) -> b.append("pack ").append(n).append(' ').append(HEX.formatHex(a.digest())).append(' ')
                .append(a.length()).append(' ').append(a.stamp()).append('\n'));
        rewriting.forEach(n -> b.append("rewriting ").append(n).append('\n'));
        evicted.forEach(n -> b.append("evicted ").append(n).append('\n'));
        lazy.forEach(n -> b.append("lazy ").append(n).append('\n'));
        b.append("deletions ").append(deletionsArchived).append('\n');
        if (deletionsGeneration > 0) {
            // only a pruned log has one: the ledger of a log never pruned stays as older versions read it
            b.append("deletions-generation ").append(deletionsGeneration).append('\n');
        }
        Fsync.writeAtomically(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param file a pack file
     * @return its identity: file key and modification time, which a file renamed over it changes
     * @throws IOException when it cannot be read
     */
    public static String stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object key = a.fileKey();
        return (key == null ? "nokey" : key.toString().replaceAll("[^A-Za-z0-9=,]", "")) + "@"
                + a.lastModifiedTime().toMillis();
    }
}
