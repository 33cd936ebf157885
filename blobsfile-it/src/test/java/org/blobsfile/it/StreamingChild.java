package org.blobsfile.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.VerifyReport;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * The child JVM of {@link StreamingHeapTest}, started with a heap far smaller than its blob: puts
 * a generated stream with {@code put(InputStream)}, closes and reopens the store, reads the blob
 * back with {@code get(ref, OutputStream)} and with {@code open(ref)}, each compared by hash
 * (Bouncy Castle's BLAKE2b, not the store's) with the stream as the put read it, verifies the
 * store, rebuilds its index, and prints {@code PEAK <bytes>}: the sum of the heap pools' peak
 * usage. Exits non-zero on any mismatch; runs out of heap if anything holds the blob.
 *
 * <p>Run by hand with {@code bench} as the fourth argument and a heap that holds the blob, it
 * also times the blob through the streaming and the byte[] API side by side in the same run, and
 * prints both throughputs and their ratio.
 */
public final class StreamingChild {
    private StreamingChild() {
    }

    /**
     * @param args store directory, codec name, blob length in bytes, and optionally {@code bench}
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        // CODEC or CODEC:zeros, the blob that compresses a thousandfold: its payload is small, the blob is not
        String codec = args[1].split(":")[0];
        boolean zeros = args[1].endsWith(":zeros");
        long length = Long.parseLong(args[2]);
        boolean bench = args.length > 3 && args[3].equals("bench");
        BlobRef ref;
        Blake2bOut source = new Blake2bOut(); // what the store was given, hashed on its way in
        try (BlobStore store = BlobStore.builder(dir).codec(codec).open()) {
            ref = store.put(new Tee(zeros ? new Zeros(length) : new Generated(length, 18), source));
        }
        byte[] expected = source.digest();
        check(source.count == length, "the store read " + source.count + " bytes of the stream");
        check(Arrays.equals(ref.bytes(), expected), "put returned " + ref + ", not the stream's hash");
        try (BlobStore store = BlobStore.builder(dir).codec(codec).open()) {
            check(store.size(ref) == length, "size " + store.size(ref) + ", expected " + length);
            System.out.println("STORED " + store.stats().storedBytes());
            Blake2bOut out = new Blake2bOut();
            store.get(ref, out);
            check(Arrays.equals(out.digest(), expected), "get(ref, out) wrote other bytes");
            check(out.count == length, "get(ref, out) wrote " + out.count + " bytes");
            Blake2bOut read = new Blake2bOut();
            try (InputStream in = store.open(ref)) {
                in.transferTo(read);
            }
            check(Arrays.equals(read.digest(), expected), "open(ref) read other bytes");
            VerifyReport report = store.verify();
            check(report.isClean(), "verify: " + report.damage());
            store.rebuildIndex();
            check(store.size(ref) == length, "size after a rebuild of the index " + store.size(ref));
            if (bench) {
                bench(store, length);
            }
        }
        System.out.println("PEAK " + peakHeap());
    }

    /**
     * The byte[] API beside the streaming one on the same blob, held in memory for both: puts into
     * new stores (open and close included, as the durability of a put needs), then gets from one
     * store, alternating, best of three each, so both paths are warmed up and read from the page cache.
     */
    private static void bench(BlobStore streamed, long length) throws IOException {
        byte[] blob = new Generated(length, 18).readAllBytes();
        String codec = streamed.stats().codec();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long putStream = Long.MAX_VALUE;
        long putArray = Long.MAX_VALUE;
        Path kept = null;
        BlobRef ref = null;
        for (int i = 0; i < 3; i++) {
            Path a = tmp.resolve("bench-stream-" + i);
            long t0 = System.nanoTime();
            try (BlobStore store = BlobStore.builder(a).codec(codec).open()) {
                ref = store.put(new java.io.ByteArrayInputStream(blob));
            }
            putStream = Math.min(putStream, System.nanoTime() - t0);
            delete(a);
            Path b = tmp.resolve("bench-array-" + i);
            t0 = System.nanoTime();
            try (BlobStore store = BlobStore.builder(b).codec(codec).open()) {
                store.put(blob);
            }
            putArray = Math.min(putArray, System.nanoTime() - t0);
            if (kept != null) {
                delete(kept);
            }
            kept = b;
        }
        blob = null;
        long getArray = Long.MAX_VALUE;
        long getStream = Long.MAX_VALUE;
        try (BlobStore store = BlobStore.builder(kept).codec(codec).open()) {
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                byte[] back = store.get(ref);
                getArray = Math.min(getArray, System.nanoTime() - t0);
                check(back.length == length, "get(ref) length");
                back = null;
                t0 = System.nanoTime();
                store.get(ref, OutputStream.nullOutputStream());
                getStream = Math.min(getStream, System.nanoTime() - t0);
            }
        }
        delete(kept);
        System.out.printf("BENCH %s put: stream %.0f MB/s, byte[] %.0f MB/s (%.2f); get: stream %.0f MB/s, byte[] %.0f MB/s"
                + " (%.2f)%n", codec, mbs(length, putStream), mbs(length, putArray), (double) putArray / putStream,
                mbs(length, getStream), mbs(length, getArray), (double) getArray / getStream);
    }

    private static void delete(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private static double mbs(long bytes, long ns) {
        return bytes / 1e6 / (ns / 1e9);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAIL " + what);
            System.exit(1);
        }
    }

    /** @return the sum of the heap memory pools' peak usage since the JVM started */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** A stream that copies what is read from it to a sink. */
    private static final class Tee extends InputStream {
        private final InputStream in;
        private final OutputStream copy;

        Tee(InputStream in, OutputStream copy) {
            this.in = in;
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
        }
    }

    /** Hashes what is written to it with BLAKE2b-256 and counts it. */
    private static final class Blake2bOut extends OutputStream {
        private final Blake2bDigest d = new Blake2bDigest(256);
        long count;

        @Override
        public void write(int b) {
            d.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            d.update(b, off, len);
            count += len;
        }

        byte[] digest() {
            byte[] out = new byte[32];
            d.doFinal(out, 0);
            return out;
        }
    }

    /**
     * A seeded stream of {@code length} bytes, never held whole: eight-letter words drawn from a
     * vocabulary of 1024, which both Zstandard and LZ4 shrink (LZ4 has no entropy coder, so it
     * needs the repeats).
     */
    static final class Generated extends InputStream {
        private static final int WORD = 8;
        private final SplittableRandom random;
        private final byte[][] words = new byte[1024][WORD];
        private long left;
        private long pos;
        private byte[] word;

        Generated(long length, long seed) {
            this.left = length;
            this.random = new SplittableRandom(seed);
            for (byte[] w : words) {
                for (int i = 0; i < WORD; i++) {
                    w[i] = (byte) ('a' + random.nextInt(16));
                }
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++, pos++) {
                int k = (int) (pos % WORD);
                if (k == 0) {
                    word = words[random.nextInt(words.length)];
                }
                b[off + i] = word[k];
            }
            left -= n;
            return n;
        }
    }

    /** {@code length} zero bytes, never held. */
    static final class Zeros extends InputStream {
        private long left;

        Zeros(long length) {
            this.left = length;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
