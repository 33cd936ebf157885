package org.blobsfile.it;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.Durability;
import org.blobsfile.api.Progress;

/**
 * The process a compaction crash test kills: it fills the store until it has sealed packs,
 * deletes a random share of its blobs, says {@code READY}, then compacts, sweeps and deletes in
 * a loop forever while another thread keeps putting.
 *
 * <p>Like {@link CrashChild}, it prints a line only after the call it reports has returned, so
 * each is a promise: {@code P hash} a put, {@code D hash} a deletion, {@code K hash} a blob a
 * sweep spared because its put was under way as the sweep began. Before a deletion can take
 * effect it prints {@code d hash}, so the parent knows which blobs a kill may have caught
 * half-way, and {@code phase NAME} says what the loop is doing ({@code compact}, {@code sweep},
 * {@code delete}, {@code idle}). Every blob it puts is new: random bytes lead each one, so no
 * put ever brings back a deleted blob.
 *
 * <p>It writes each line to a file as well as to its standard output, the file first: the parent
 * watches the output to time its kill, and reads the file once the child is dead, since a pipe
 * can lose the last lines a killed process wrote to it, and a file cannot.
 *
 * <p>Arguments: store directory, durability, seed, pack size, live blobs to keep the store at,
 * the file of its lines.
 */
public final class CompactionChild {
    private final BlobStore store;
    private final Random rnd;
    private final PrintStream out;
    /** The blobs this process knows to be live, to pick deletions from. */
    private final Set<BlobRef> live = new HashSet<>();
    /** Held by each put, and exclusively by a sweep whose live set is a list read before it began. */
    private final ReentrantReadWriteLock puts = new ReentrantReadWriteLock();

    private CompactionChild(BlobStore store, Random rnd, PrintStream out) {
        this.store = store;
        this.rnd = rnd;
        this.out = out;
    }

    /** @param args directory, durability, seed, pack size, live blobs, file of lines */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        long seed = Long.parseLong(args[2]);
        long packSize = Long.parseLong(args[3]);
        int target = Integer.parseInt(args[4]);
        PrintStream out = new PrintStream(new Both(new FileOutputStream(args[5]), new FileOutputStream(FileDescriptor.out)),
                false, StandardCharsets.US_ASCII);
        // prunes the deletion log after every compaction that empties a pack, so kills land in prunings too
        System.setProperty("blobsfile.deletions.pruneAt", "1");
        BlobStore store = BlobStore.builder(dir).maxPackSize(packSize).durability(durability)
                .codec(seed % 3 == 0 ? "snappy" : "none").open();
        new CompactionChild(store, new Random(seed), out).run(target, seed);
    }

    private void run(int target, long seed) throws Exception {
        store.enumerate().map(BlobInfo::ref).forEach(live::add);
        List<byte[]> batch = new ArrayList<>();
        while (live.size() < target) {
            batch.add(blob(rnd));
            if (batch.size() == 40) {
                put(batch);
                batch.clear();
            }
        }
        put(batch);
        delete(pick(0.2 + 0.3 * rnd.nextDouble()));
        line("READY");
        Random putRandom = new Random(seed * 31 + 7);
        Thread putter = new Thread(() -> {
            while (true) {
                put(List.of(blob(putRandom)));
                pause();
            }
        }, "putter");
        putter.setDaemon(true);
        putter.start();
        while (true) {
            int what = rnd.nextInt(20);
            if (what < 9) {
                compact();
            } else if (what < 16) {
                sweep();
            } else {
                line("phase delete");
                delete(pick(0.05 + 0.1 * rnd.nextDouble()));
                line("phase idle");
            }
        }
    }

    private void compact() {
        double[] thresholds = {5, 10, 25, 50};
        // now and then a rate limit, which spreads the copying over time
        long rate = rnd.nextInt(4) == 0 ? (8 + rnd.nextInt(16)) << 20 : 0;
        line("phase compact");
        store.compact(new CompactionOptions(thresholds[rnd.nextInt(thresholds.length)], rate), Progress.NONE);
        line("phase idle");
    }

    /**
     * Sweeps with a random live set: by predicate, or as the sorted list of every blob less the
     * doomed ones (then puts wait, since a blob put between the listing and the sweep's start
     * would be missing from the list and swept).
     */
    private void sweep() {
        double doom = 0.03 + 0.15 * rnd.nextDouble();
        List<BlobRef> doomed = new ArrayList<>();
        line("phase sweep");
        if (rnd.nextBoolean()) {
            Random decide = new Random(rnd.nextLong());
            store.sweep(ref -> {
                if (decide.nextDouble() >= doom) {
                    return true;
                }
                // asked in the sweep's one thread: a doomed blob is named before its batch is deleted
                line("d " + ref.hex());
                doomed.add(ref);
                return false;
            });
        } else {
            puts.writeLock().lock();
            try {
                List<BlobRef> keep = new ArrayList<>();
                for (BlobRef ref : store.enumerate().map(BlobInfo::ref).toList()) {
                    if (rnd.nextDouble() < doom) {
                        doomed.add(ref);
                    } else {
                        keep.add(ref);
                    }
                }
                lines("d ", doomed);
                store.sweep(keep.stream());
            } finally {
                puts.writeLock().unlock();
            }
        }
        // a sweep spares a blob whose put began after it did: the put may have been the one under way when it began
        List<BlobRef> spared = doomed.stream().filter(store::exists).toList();
        doomed.removeAll(spared);
        lines("K ", spared);
        lines("D ", doomed);
        synchronized (live) {
            doomed.forEach(live::remove);
        }
        line("phase idle");
    }

    private List<BlobRef> pick(double share) {
        synchronized (live) {
            List<BlobRef> some = new ArrayList<>();
            for (BlobRef ref : live) {
                if (rnd.nextDouble() < share) {
                    some.add(ref);
                }
            }
            return some;
        }
    }

    private void delete(List<BlobRef> refs) {
        lines("d ", refs);
        List<BlobRef> gone = store.deleteAll(refs);
        lines("D ", gone);
        synchronized (live) {
            refs.forEach(live::remove);
        }
    }

    private void put(List<byte[]> blobs) {
        if (blobs.isEmpty()) {
            return;
        }
        puts.readLock().lock();
        try {
            List<BlobRef> done = blobs.size() == 1 ? List.of(store.put(blobs.get(0))) : store.putAll(blobs);
            lines("P ", done);
            synchronized (live) {
                live.addAll(done);
            }
        } finally {
            puts.readLock().unlock();
        }
    }

    private void line(String s) {
        synchronized (out) {
            out.println(s);
            out.flush();
        }
    }

    private void lines(String prefix, Collection<BlobRef> refs) {
        synchronized (out) {
            for (BlobRef r : refs) {
                out.println(prefix + r.hex());
            }
            out.flush();
        }
    }

    /** Paces the putter, so the store grows by a few packs per run rather than by all the disk takes. */
    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blobs of 16 bytes to 6 KiB, now and then 20 KiB: 16 random bytes, then random or compressible bytes. */
    static byte[] blob(Random rnd) {
        int size = 16 + (rnd.nextInt(25) == 0 ? 20_000 : rnd.nextInt(6_000));
        byte[] b = new byte[size];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(b);
        } else {
            byte[] head = new byte[16];
            rnd.nextBytes(head);
            System.arraycopy(head, 0, b, 0, 16);
            for (int i = 16; i < size; i++) {
                b[i] = (byte) ('a' + (i * 7 + size) % 23);
            }
        }
        return b;
    }

    /** Writes to a file, then to a stream: whatever reached the stream is in the file too. */
    private static final class Both extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Both(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
