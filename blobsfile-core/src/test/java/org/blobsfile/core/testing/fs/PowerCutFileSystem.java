package org.blobsfile.core.testing.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * The default file system as a disk whose cache a power cut empties. Writes go to the real files,
 * so reads see them at once, but the layer remembers what is not durable yet: for each file, the
 * pages (of {@value #PAGE} bytes) written since its last force, with what they held before, and
 * its length at that force; for each directory, the entries created, renamed and deleted since
 * its last force. {@link #cut} then closes every channel opened through this file system (the
 * store's lock goes with them), keeps, drops or tears any subset of the pages not forced, picks a
 * length between the durable and the current one, and undoes any subset of the directory changes
 * not forced (a change on a name undone takes every later change on that name with it).
 *
 * <p>The power can go off by itself at the n-th changing call ({@link #offAt}) or when the test
 * says ({@link #powerOff}); from then on every changing call and every open fails, as in a machine
 * that stopped. Forces are simulated (the real files are never forced: the layer decides what
 * survives). Files the layer has not seen change since it was made count as durable. One
 * instance serves one life of a store: a new one is made for the next. Thread-safe.
 */
public final class PowerCutFileSystem extends LayeredFileSystem {
    /** The granularity at which unforced writes are lost or kept. */
    public static final int PAGE = 4096;
    /** The granularity at which a page is torn: a disk sector. */
    private static final int SECTOR = 512;

    /** What a cut did, for the test's counts and for judging the damage a reopened store reports. */
    public record Cut(int pagesKept, int pagesDropped, int pagesTorn, int directoryChangesUndone,
                      int directoryChangesKept, Map<Path, Long> unforcedFrom) {
        /**
         * @param file a real path
         * @return the offset from which the file's content was not durable at the cut (0 when a
         *         change of its directory entry was undone), or {@link Long#MAX_VALUE} when all of
         *         it was durable
         */
        public long unforcedFrom(Path file) {
            return unforcedFrom.getOrDefault(file.toAbsolutePath().normalize(), Long.MAX_VALUE);
        }
    }

    private final Disk disk;

    private PowerCutFileSystem(Disk disk) {
        super(disk);
        this.disk = disk;
    }

    /**
     * @param random decides whether the call at which the power goes off by itself still runs
     * @return a file system with the power on
     */
    public static PowerCutFileSystem create(Random random) {
        return new PowerCutFileSystem(new Disk(new Random(random.nextLong())));
    }

    /**
     * Makes the power go off by itself at the {@code call}-th changing call from now (writes,
     * forces, truncations, renames, new files and directories, deletions).
     *
     * @param call which call, from 1
     */
    public void offAt(long call) {
        disk.offAt(call);
    }

    /** Turns the power off now: changing calls and opens fail from now on. */
    public void powerOff() {
        disk.off = true;
    }

    /** @return whether the power is off */
    public boolean isOff() {
        return disk.off;
    }

    /** @return how many changing calls ran since the file system was made */
    public long calls() {
        return disk.calls;
    }

    /**
     * Cuts the power (if it is not off yet), once the calls in progress are through: closes every
     * channel, undoes a random subset of the directory changes not forced, and keeps, drops or
     * tears a random subset of the pages not forced, at a random length for each file.
     *
     * @param random the choices
     * @return what the cut did
     * @throws IOException when the real files cannot be put in their state after the cut
     */
    public Cut cut(Random random) throws IOException {
        return disk.cut(random);
    }

    /** A file's state beyond what the real file shows: what a power cut would leave of it. */
    private static final class Inode {
        /** The file's length at its last force. */
        long durable;
        /** Pages written since the last force, by index, with their content then (zero past {@link #durable}). */
        final TreeMap<Long, byte[]> before = new TreeMap<>();

        Inode(long durable) {
            this.durable = durable;
        }
    }

    /** A file as it was before a change replaced or removed it: its bytes and its durability state. */
    private record Saved(byte[] bytes, Inode inode) {
    }

    private enum Kind { CREATE, MKDIR, DELETE, RENAME }

    /**
     * A directory change not yet durable: durable once every directory in {@code pending} is forced.
     *
     * @param a     the file created, deleted, or the rename's source
     * @param b     the rename's target, else null
     * @param saved the file deleted, or replaced by the rename, else null
     */
    private record Change(Kind kind, Path a, Path b, Saved saved, Set<Path> pending) {
        List<Path> names() {
            return b == null ? List.of(a) : List.of(a, b);
        }
    }

    /** The layer: keeps the state and does the cut. */
    private static final class Disk implements FileLayer {
        private final Random random;
        /** Held shared by every changing call, exclusively by the cut. */
        private final ReentrantReadWriteLock power = new ReentrantReadWriteLock();
        private final Map<Path, Inode> files = new ConcurrentHashMap<>();
        private final List<Change> changes = new ArrayList<>();
        private final Set<FileChannel> channels = ConcurrentHashMap.newKeySet();
        private volatile boolean off;
        private volatile long calls;
        private long offAt = Long.MAX_VALUE;

        Disk(Random random) {
            this.random = random;
        }

        synchronized void offAt(long call) {
            offAt = calls + call;
        }

        private static Path key(Path p) {
            return p.toAbsolutePath().normalize();
        }

        private static IOException offError(Path file) {
            return new IOException("the power is off (" + file + ")");
        }

        /** Counts a changing call, under the shared power lock the caller holds; throws if the power is off. */
        private void tick(Path file) throws IOException {
            if (off) {
                throw offError(file);
            }
            boolean runs;
            synchronized (this) {
                calls++;
                if (calls < offAt) {
                    return;
                }
                runs = random.nextBoolean();
            }
            if (!runs) {
                off = true;
                throw offError(file);
            }
        }

        /** Goes off after a call that ran at the moment the power went. */
        private void after(Path file) throws IOException {
            synchronized (this) {
                if (calls < offAt) {
                    return;
                }
            }
            off = true;
            throw offError(file);
        }

        private interface Guarded<T> {
            T run() throws IOException;
        }

        private <T> T powered(Path file, Guarded<T> work) throws IOException {
            power.readLock().lock();
            try {
                tick(file);
                T t = work.run();
                after(file);
                return t;
            } finally {
                power.readLock().unlock();
            }
        }

        private Inode inode(Path file) throws IOException {
            Path k = key(file);
            Inode i = files.get(k);
            if (i == null) {
                long size = Files.exists(k, LinkOption.NOFOLLOW_LINKS) ? Files.size(k) : 0;
                i = files.computeIfAbsent(k, x -> new Inode(size));
            }
            return i;
        }

        /** Remembers what the pages of {@code [from, from + length)} held at the last force. */
        private static void remember(Path file, Inode inode, long from, long length) throws IOException {
            if (length <= 0) {
                return;
            }
            long first = from / PAGE;
            long last = (from + length - 1) / PAGE;
            FileChannel reader = null;
            try {
                for (long k = first; k <= last; k++) {
                    if (inode.before.containsKey(k)) {
                        continue;
                    }
                    byte[] page = new byte[PAGE];
                    long durableHere = Math.min(PAGE, inode.durable - k * PAGE);
                    if (durableHere > 0) {
                        if (reader == null) {
                            reader = FileChannel.open(file, StandardOpenOption.READ);
                        }
                        ByteBuffer b = ByteBuffer.wrap(page, 0, (int) durableHere);
                        while (b.hasRemaining() && reader.read(b, k * PAGE + b.position()) >= 0) {
                            // reads up to the end of the page's durable bytes, or of the file
                        }
                    }
                    inode.before.put(k, page);
                }
            } finally {
                if (reader != null) {
                    reader.close();
                }
            }
        }

        private synchronized void record(Kind kind, Path a, Path b, Saved saved) {
            Set<Path> pending = new HashSet<>();
            pending.add(key(a).getParent());
            if (b != null) {
                pending.add(key(b).getParent());
            }
            changes.add(new Change(kind, key(a), b == null ? null : key(b), saved, pending));
        }

        private synchronized void directoryForced(Path dir) {
            Path d = key(dir);
            for (Change c : changes) {
                c.pending().remove(d);
            }
            changes.removeIf(c -> c.pending().isEmpty());
        }

        private Saved save(Path file) throws IOException {
            Path k = key(file);
            if (!Files.isRegularFile(k, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            Inode i = inode(k);
            return new Saved(Files.readAllBytes(k), i);
        }

        @Override
        public FileChannel open(Path file, Set<? extends OpenOption> options, Call<FileChannel> open) throws IOException {
            boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
            boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            boolean creates = writes && !exists
                    && (options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW));
            boolean truncates = writes && exists && options.contains(StandardOpenOption.TRUNCATE_EXISTING);
            FileChannel ch;
            if (creates || truncates) {
                ch = powered(file, () -> {
                    if (truncates) {
                        Inode i = inode(file);
                        synchronized (i) {
                            remember(file, i, 0, i.durable);
                        }
                    }
                    FileChannel c = open.run();
                    if (creates) {
                        files.put(key(file), new Inode(0));
                        record(Kind.CREATE, file, null, null);
                    }
                    return c;
                });
            } else {
                power.readLock().lock();
                try {
                    if (off) {
                        throw offError(file);
                    }
                    ch = open.run();
                } finally {
                    power.readLock().unlock();
                }
            }
            channels.add(ch);
            if (off) {
                ch.close(); // the cut may have passed the channel by
            }
            return ch;
        }

        @Override
        public void closed(FileChannel raw) {
            channels.remove(raw);
        }

        @Override
        public long write(Path file, FileChannel raw, long position, long length, Call<Long> write) throws IOException {
            return powered(file, () -> {
                Inode i = inode(file);
                synchronized (i) {
                    remember(file, i, position, length);
                    return write.run();
                }
            });
        }

        @Override
        public void force(Path file, FileChannel raw, Call<Void> force) throws IOException {
            powered(file, () -> {
                // the layer is the disk: what it counts as forced is what survives its cuts, so the
                // real force, which only costs time, is left out
                if (Files.isDirectory(file)) {
                    directoryForced(file);
                    return null;
                }
                Inode i = inode(file);
                synchronized (i) {
                    i.before.clear();
                    i.durable = raw.size();
                }
                return null;
            });
        }

        @Override
        public void truncate(Path file, FileChannel raw, long size, Call<Void> truncate) throws IOException {
            powered(file, () -> {
                Inode i = inode(file);
                synchronized (i) {
                    remember(file, i, size, i.durable - size);
                    truncate.run();
                }
                return null;
            });
        }

        @Override
        public void move(Path source, Path target, CopyOption[] options, Call<Void> move) throws IOException {
            powered(source, () -> {
                Saved replaced = save(target);
                if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    inode(source); // its state moves with it
                }
                files.remove(key(target));
                move.run();
                rekey(key(source), key(target));
                record(Kind.RENAME, source, target, replaced);
                return null;
            });
        }

        @Override
        public void createDirectory(Path dir, Call<Void> create) throws IOException {
            powered(dir, () -> {
                create.run();
                record(Kind.MKDIR, dir, null, null);
                return null;
            });
        }

        @Override
        public void delete(Path file, Call<Void> delete) throws IOException {
            powered(file, () -> {
                Saved saved = save(file);
                delete.run();
                files.remove(key(file));
                record(Kind.DELETE, file, null, saved);
                return null;
            });
        }

        /** Moves the state of {@code from} and of everything under it to {@code to}. */
        private void rekey(Path from, Path to) {
            for (Path p : new ArrayList<>(files.keySet())) {
                if (p.startsWith(from)) {
                    Inode i = files.remove(p);
                    if (i != null) {
                        files.put(to.resolve(from.relativize(p)), i);
                    }
                }
            }
        }

        Cut cut(Random r) throws IOException {
            off = true;
            power.writeLock().lock();
            try {
                for (FileChannel ch : new ArrayList<>(channels)) {
                    ch.close();
                }
                channels.clear();
                Map<Path, Long> unforcedFrom = new HashMap<>();
                int[] dirCounts = undoDirectoryChanges(r, unforcedFrom);
                int[] pageCounts = new int[3];
                for (Map.Entry<Path, Inode> e : files.entrySet()) {
                    Path p = e.getKey();
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        long from = tear(p, e.getValue(), r, pageCounts);
                        if (from != Long.MAX_VALUE) {
                            unforcedFrom.merge(p, from, Math::min);
                        }
                    }
                }
                files.clear();
                return new Cut(pageCounts[0], pageCounts[1], pageCounts[2], dirCounts[0], dirCounts[1], unforcedFrom);
            } finally {
                power.writeLock().unlock();
            }
        }

        /**
         * @param unforcedFrom gets offset 0 for every name an undone change touched
         * @return the changes undone and kept
         */
        private int[] undoDirectoryChanges(Random r, Map<Path, Long> unforcedFrom) throws IOException {
            List<Change> undo = new ArrayList<>();
            List<Path> tainted = new ArrayList<>();
            int kept = 0;
            synchronized (this) {
                for (Change c : changes) {
                    boolean depends = c.names().stream().anyMatch(n -> tainted.stream()
                            .anyMatch(t -> n.startsWith(t) || t.startsWith(n)));
                    if (depends || r.nextBoolean()) {
                        undo.add(c);
                        tainted.addAll(c.names());
                    } else {
                        kept++;
                    }
                }
                changes.clear();
            }
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo(undo.get(i));
                for (Path n : undo.get(i).names()) {
                    unforcedFrom.put(n, 0L);
                }
            }
            return new int[] {undo.size(), kept};
        }

        private void undo(Change c) throws IOException {
            switch (c.kind()) {
                case CREATE -> {
                    Files.deleteIfExists(c.a());
                    files.remove(c.a());
                }
                case MKDIR -> {
                    deleteTree(c.a());
                    files.keySet().removeIf(p -> p.startsWith(c.a()));
                }
                case DELETE -> restore(c.a(), c.saved());
                case RENAME -> {
                    if (Files.exists(c.b(), LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(c.b(), c.a(), StandardCopyOption.REPLACE_EXISTING);
                        rekey(c.b(), c.a());
                    }
                    restore(c.b(), c.saved());
                }
                default -> throw new IllegalStateException(c.kind().name());
            }
        }

        private void restore(Path p, Saved saved) throws IOException {
            if (saved == null) {
                return;
            }
            Files.createDirectories(p.getParent());
            Files.write(p, saved.bytes());
            files.put(p, saved.inode());
        }

        private static void deleteTree(Path dir) throws IOException {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        /**
         * Leaves a file as a cut may: each page not forced kept, dropped or torn, at a length
         * between the durable and the current one.
         *
         * @return where the file's undurable content began, or {@link Long#MAX_VALUE}
         */
        private static long tear(Path p, Inode inode, Random r, int[] counts) throws IOException {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long current = ch.size();
                long lo = Math.min(inode.durable, current);
                long hi = Math.max(inode.durable, current);
                long length = hi > lo ? lo + r.nextLong(hi - lo + 1) : lo;
                long from = inode.durable < current ? inode.durable : Long.MAX_VALUE;
                if (!inode.before.isEmpty()) {
                    from = Math.min(from, inode.before.firstKey() * PAGE);
                }
                if (length > current) {
                    ch.write(ByteBuffer.allocate(1), length - 1); // the file's size went out before its data
                }
                long size = Math.max(length, current);
                for (Map.Entry<Long, byte[]> e : inode.before.entrySet()) {
                    long at = e.getKey() * PAGE;
                    if (at >= size) {
                        continue;
                    }
                    int choice = r.nextInt(3);
                    counts[choice]++;
                    int lo2 = 0;
                    int hi2 = PAGE;
                    if (choice == 0) {
                        continue;
                    } else if (choice == 2) {
                        int split = SECTOR * (1 + r.nextInt(PAGE / SECTOR - 1));
                        if (r.nextBoolean()) {
                            hi2 = split;
                        } else {
                            lo2 = split;
                        }
                    }
                    int n = (int) Math.min(hi2 - lo2, size - at - lo2);
                    if (n > 0) {
                        ch.write(ByteBuffer.wrap(e.getValue(), lo2, n), at + lo2);
                    }
                }
                if (length < ch.size()) {
                    ch.truncate(length);
                }
                return from;
            }
        }
    }
}
