package org.blobsfile.it;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;

/**
 * The process a crash test kills: puts blobs from several threads forever and prints each hash
 * only after its put returned, so every printed hash is a promise the store must keep.
 *
 * <p>Arguments: store directory, durability, threads, seed, pack size.
 */
public final class CrashChild {
    private CrashChild() {
    }

    /** @param args directory, durability, threads, seed, pack size, index */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        long packSize = Long.parseLong(args[4]);
        String index = args[5];
        // H2 committing every few milliseconds, in generations small enough that kills land in
        // commits, freezes and filter builds
        System.setProperty("blobsfile.h2.commitMillis", "5");
        System.setProperty("blobsfile.h2.generationKeys", "200");
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
        BlobStore store = BlobStore.builder(dir).maxPackSize(packSize).durability(durability).index(index)
                .codec(seed % 4 == 0 ? "snappy" : "none").open();
        // load the hash, codec and index code before the parent's clock starts
        store.put("warm-up".getBytes(StandardCharsets.US_ASCII));
        out.println("READY");
        out.flush();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random rnd = new Random(seed * 31 + t);
            Thread w = new Thread(() -> {
                for (long i = 0;; i++) {
                    List<BlobRef> done;
                    if (i % 9 == 8) {
                        done = store.putAll(List.of(blob(rnd), blob(rnd), blob(rnd)));
                    } else {
                        done = List.of(store.put(blob(rnd)));
                    }
                    synchronized (out) {
                        for (BlobRef r : done) {
                            out.println(r.hex());
                        }
                        out.flush();
                    }
                }
            }, "put-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    /** Mostly small blobs, some large ones, and some that every thread and run repeats. */
    static byte[] blob(Random rnd) {
        int kind = rnd.nextInt(20);
        if (kind == 0) {
            return ("shared blob " + rnd.nextInt(40)).getBytes(StandardCharsets.US_ASCII);
        }
        int size = kind == 1 ? 20_000 + rnd.nextInt(40_000) : rnd.nextInt(4_000);
        byte[] b = new byte[size];
        if (kind % 2 == 0) {
            rnd.nextBytes(b);
        } else {
            for (int i = 0; i < size; i++) {
                b[i] = (byte) ('a' + (i * 7 + size) % 23);
            }
            if (size > 8) {
                rnd.nextBytes(java.util.Arrays.copyOf(b, 8)); // keep repeats rare
                long v = rnd.nextLong();
                for (int i = 0; i < 8; i++) {
                    b[i] = (byte) (v >>> (8 * i));
                }
            }
        }
        return b;
    }
}
