package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobTooLargeException;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Durability;
import org.blobsfile.api.StoreStats;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.core.testing.V1CheckTest;
import org.blobsfile.core.testing.fs.FaultyFileSystem;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streamed puts and reads: the same blobs as the byte[] API, checked by the end of the stream,
 * with the store's size limit, durability and concurrency. Blobs here are a few MiB, past the
 * size below which a stream takes the byte[] path; the 200 MiB run under a small heap is
 * blobsfile-it's StreamingHeapTest.
 */
class StreamingTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    private static final int BLOB = (2 << 20) + 4093;

    @Test
    void aStreamAFileAndAnArrayGiveTheSameBlobStoredOnce() throws IOException {
        byte[] data = random(SEED.random(), BLOB);
        Path file = tmp.resolve("file");
        Files.write(file, data);
        Path dir = tmp.resolve("store");
        try (BlobStore store = BlobStore.builder(dir).open()) {
            BlobRef fromStream = store.put(new ByteArrayInputStream(data));
            assertThat(fromStream.bytes()).isEqualTo(Blake2b.hash(data, 0, data.length));
            long packLength = Files.size(dir.resolve("blobs-00000"));
            assertThat(store.put(file)).isEqualTo(fromStream);
            assertThat(store.put(data)).isEqualTo(fromStream);
            assertThat(Files.size(dir.resolve("blobs-00000"))).as("nothing appended for a stored blob").isEqualTo(packLength);
            StoreStats s = store.stats();
            assertThat(s.blobs()).isEqualTo(1);
            assertThat(s.puts()).isEqualTo(3);
            assertThat(s.dedupedPuts()).isEqualTo(2);
            assertThat(s.storedBytes()).isEqualTo(BLOB);
            assertThat(store.get(fromStream)).isEqualTo(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.get(fromStream, out);
            assertThat(out.toByteArray()).isEqualTo(data);
            try (InputStream in = store.open(fromStream)) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThat(store.verify().isClean()).isTrue();
        }
        assertThat(dir.resolve(Spool.DIR)).isEmptyDirectory();
    }

    @Test
    void streamedPutsAndGetsAreTimedAsPutsAndGetsOfTheirBytes() throws IOException {
        byte[] data = random(SEED.random(), BLOB);
        List<String> timed = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BlobStore store = BlobStore.builder(tmp.resolve("store")).open()) {
            store.addOperationListener((op, nanos, bytes) -> {
                if (op != org.blobsfile.api.OperationListener.Operation.FORCE) {
                    timed.add(op + " " + bytes);
                }
            });
            BlobRef ref = store.put(new ByteArrayInputStream(data));
            store.get(ref, OutputStream.nullOutputStream());
            assertThat(timed).containsExactly("PUT " + BLOB, "GET " + BLOB);
        }
    }

    @Test
    void aShortStreamTakesTheArrayPath() throws IOException {
        byte[] data = random(SEED.random(), 1000);
        Path dir = tmp.resolve("store");
        try (BlobStore store = BlobStore.builder(dir).open()) {
            BlobRef ref = store.put(new ByteArrayInputStream(data));
            assertThat(ref).isEqualTo(BlobRef.of(Blake2b.hash(data, 0, data.length)));
            try (InputStream in = store.open(ref)) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
        assertThat(dir.resolve(Spool.DIR)).doesNotExist();
    }

    @Test
    void aDamagedByteFailsTheReadThatWouldEndTheStream() throws IOException {
        Random rnd = SEED.random();
        byte[] data = random(rnd, BLOB);
        Path dir = tmp.resolve("store");
        BlobRef ref;
        try (BlobStore store = BlobStore.builder(dir).open()) {
            ref = store.put(new ByteArrayInputStream(data));
        }
        long at = PackFormat.HEADER_SIZE + EntryHeader.LENGTH + rnd.nextInt(BLOB);
        try (FileChannel ch = FileChannel.open(dir.resolve("blobs-00000"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x20)).rewind();
            ch.write(b, at);
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            InputStream in = store.open(ref);
            byte[] buf = new byte[65_536];
            long delivered = 0;
            IOException failure = null;
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    delivered += n;
                }
            } catch (IOException e) {
                failure = e;
            }
            assertThat(failure).as("the end of a damaged blob is never reached quietly").isNotNull();
            assertThat(failure.getCause()).isInstanceOf(CorruptPackException.class);
            assertThat(failure.getMessage()).contains(ref.hex()).contains("hash");
            assertThat(delivered).as("every byte came before the failure").isEqualTo(BLOB);
            assertThatThrownBy(in::read).as("and it stays failed").isSameAs(failure);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThatThrownBy(() -> store.get(ref, out)).isInstanceOf(CorruptPackException.class);
            assertThat(out.size()).isEqualTo(BLOB);
            assertThatThrownBy(() -> store.get(ref)).isInstanceOf(CorruptPackException.class);
        }
    }

    /** A compaction that replaces the pack under a streamed read does not fail it: the read keeps its file. */
    @Test
    void aStreamedReadGoesOnWhileACompactionReplacesItsPack() throws IOException {
        Random rnd = SEED.random();
        byte[] kept = random(rnd, 3 << 20);
        byte[] dropped = random(rnd, 3 << 20);
        try (BlobStore store = BlobStore.builder(tmp.resolve("store")).maxPackSize(8 << 20).open()) {
            BlobRef keep = store.put(kept);
            BlobRef drop = store.put(dropped);
            store.put(random(rnd, 3 << 20)); // does not fit: the first pack is sealed
            assertThat(store.delete(drop)).isTrue();
            try (InputStream in = store.open(keep)) {
                byte[] head = in.readNBytes(1 << 20);
                assertThat(store.compact(new org.blobsfile.api.CompactionOptions(0, 0), org.blobsfile.api.Progress.NONE)
                        .rewritten()).as("the pack read from was replaced").isNotEmpty();
                byte[] rest = in.readAllBytes();
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.write(head);
                all.write(rest);
                assertThat(all.toByteArray()).isEqualTo(kept);
            }
            assertThat(store.get(keep)).isEqualTo(kept);
        }
    }

    /** A stream shorter than the spool's first chunk takes the path of put(byte[]), and its size check. */
    @Test
    void aShortStreamLongerThanASmallPackHoldsIsRefused() throws IOException {
        Path dir = tmp.resolve("store");
        byte[] blob = random(SEED.random(), 100_000);
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(64 * 1024).open()) {
            store.put(new byte[] {1});
            assertThatThrownBy(() -> store.put(new ByteArrayInputStream(blob))).isInstanceOf(BlobTooLargeException.class);
            assertThat(store.verify().isClean()).isTrue();
        }
        assertThat(PackFormat.path(dir, 1)).doesNotExist();
    }

    @Test
    void aStreamLongerThanAPackHoldsIsRefusedWithoutReadingOn() throws IOException {
        long packSize = 1 << 20;
        Path dir = tmp.resolve("store");
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(packSize).open()) {
            long max = packSize - PackFormat.HEADER_SIZE - 2 * EntryHeader.LENGTH;
            CountingStream endless = new CountingStream(Long.MAX_VALUE);
            assertThatThrownBy(() -> store.put(endless)).isInstanceOfSatisfying(BlobTooLargeException.class,
                    e -> assertThat(e.limit()).isEqualTo(max));
            assertThat(endless.read).as("read no further than the limit and a buffer").isLessThanOrEqualTo(max + (1 << 20));
            Path file = tmp.resolve("big");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[1]), max); // max + 1 bytes, a hole before the last
            }
            assertThatThrownBy(() -> store.put(file)).isInstanceOf(BlobTooLargeException.class);
            // exactly the limit fits, in a pack of its own
            BlobRef ref = store.put(new CountingStream(max));
            assertThat(store.size(ref)).isEqualTo(max);
            assertThat(store.verify().isClean()).isTrue();
        }
        assertThat(dir.resolve(Spool.DIR)).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void anAcknowledgedStreamedPutSurvivesCloseAndReopen(Durability mode) throws IOException {
        Random rnd = SEED.random();
        byte[] small = random(rnd, 100);
        byte[] large = random(rnd, BLOB);
        Path dir = tmp.resolve("store");
        BlobRef a;
        BlobRef b;
        try (BlobStore store = BlobStore.builder(dir).durability(mode).open()) {
            a = store.put(small);
            b = store.put(new ByteArrayInputStream(large));
        }
        try (BlobStore store = BlobStore.builder(dir).durability(mode).open()) {
            assertThat(store.get(a)).isEqualTo(small);
            try (InputStream in = store.open(b)) {
                assertThat(in.readAllBytes()).isEqualTo(large);
            }
            assertThat(store.stats().blobs()).isEqualTo(2);
        }
    }

    @Test
    void theStreamedBlobRollsOverToANewPackAndThePacksStayV1() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("store");
        List<byte[]> blobs = new ArrayList<>();
        List<BlobRef> refs = new ArrayList<>();
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(4 << 20).open()) {
            for (int i = 0; i < 4; i++) {
                byte[] b = random(rnd, (1 << 20) + rnd.nextInt(1 << 20));
                blobs.add(b);
                refs.add(i % 2 == 0 ? store.put(new ByteArrayInputStream(b)) : store.put(b));
            }
            assertThat(store.verify().isClean()).isTrue();
        }
        try (BlobStore store = BlobStore.builder(dir).open()) {
            for (int i = 0; i < refs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(blobs.get(i));
            }
            assertThat(store.sealedPacks()).isNotEmpty();
        }
        String v1 = System.getProperty("blobsfile.v1check");
        if (v1 != null && Files.isExecutable(Path.of(v1))) {
            String[] r = V1CheckTest.run(dir, "--strict", "--max-pack-size", Long.toString(4 << 20));
            assertThat(r[0]).as("v1check:\n" + r[1]).isEqualTo("0");
        }
    }

    @Test
    void smallPutsGoOnWhileALargeStreamIsRead() throws Exception {
        Random rnd = SEED.random();
        byte[] large = random(rnd, BLOB);
        CountDownLatch halfRead = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            private final InputStream in = new ByteArrayInputStream(large);
            private long read;

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= BLOB / 2 && halfRead.getCount() > 0) {
                    halfRead.countDown();
                    try {
                        go.await(); // until the small puts below are done
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                int n = in.read(b, off, Math.min(len, 100_000));
                read += Math.max(0, n);
                return n;
            }
        };
        try (BlobStore store = BlobStore.builder(tmp.resolve("store")).open()) {
            CompletableFuture<BlobRef> streamed = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.put(slow);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(halfRead.await(60, TimeUnit.SECONDS)).isTrue();
            List<byte[]> smalls = new ArrayList<>();
            List<BlobRef> refs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] s = random(rnd, 1 + rnd.nextInt(5000));
                smalls.add(s);
                refs.add(store.put(s)); // would wait forever if the streamed put held the write lock
            }
            go.countDown();
            BlobRef ref = streamed.get(60, TimeUnit.SECONDS);
            assertThat(store.get(ref)).isEqualTo(large);
            for (int i = 0; i < refs.size(); i++) {
                assertThat(store.get(refs.get(i))).isEqualTo(smalls.get(i));
            }
        }
    }

    @Test
    void aWriteFailingAnywhereInAStreamedPutFailsAtMostThatPutAndLeavesNoTrace() throws IOException {
        Random rnd = SEED.random();
        byte[] first = random(rnd, BLOB);
        byte[] second = random(rnd, BLOB);
        int steps;
        FaultyFileSystem counting = FaultyFileSystem.create();
        // an index in memory that outlives the store: RocksDB needs the default file system
        try (BlobStore store = BlobStore.builder(counting.wrap(tmp.resolve("count"))).index(new KeptMemoryIndex()).open()) {
            store.put(first);
            counting.failAt(Integer.MAX_VALUE, FaultyFileSystem.Fault.EIO, EnumSet.of(FaultyFileSystem.Op.WRITE));
            store.put(new ByteArrayInputStream(second));
            steps = counting.steps();
        }
        assertThat(steps).as("writes of a streamed put: spool and pack").isGreaterThan(10);
        for (int step : new int[] {1, 1 + rnd.nextInt(steps / 2), steps / 2 + rnd.nextInt(steps / 2), steps}) {
            Path dir = tmp.resolve("step-" + step);
            FaultyFileSystem fs = FaultyFileSystem.create();
            KeptMemoryIndex index = new KeptMemoryIndex();
            BlobRef a;
            try (BlobStore store = BlobStore.builder(fs.wrap(dir)).index(index).open()) {
                a = store.put(first);
                fs.failAt(step, FaultyFileSystem.Fault.EIO, EnumSet.of(FaultyFileSystem.Op.WRITE));
                boolean thrown = false;
                try {
                    store.put(new ByteArrayInputStream(second));
                    // only the zeros a pack writes ahead of its entries may fail unnoticed: they are an optimisation
                } catch (org.blobsfile.api.StorageIOException e) {
                    thrown = true;
                    assertThat(e).as("step %d", step).hasMessageContaining(dir.getFileName().toString());
                }
                if (step == 1) {
                    assertThat(thrown).as("the first write is the spool's, and fails the put").isTrue();
                }
                assertThat(fs.fired()).as("step %d fired", step).hasSize(1);
                fs.disarm();
                assertThat(store.get(a)).isEqualTo(first);
                assertThat(store.put(new ByteArrayInputStream(second))).as("the same put again, step %d", step)
                        .isEqualTo(BlobRef.of(Blake2b.hash(second, 0, second.length)));
            }
            try (BlobStore store = BlobStore.builder(dir).index(index).open()) {
                assertThat(store.get(a)).isEqualTo(first);
                assertThat(store.get(BlobRef.of(Blake2b.hash(second, 0, second.length)))).isEqualTo(second);
                assertThat(store.stats().blobs()).isEqualTo(2);
                assertThat(store.verify().isClean()).as("step %d", step).isTrue();
            }
            assertThat(dir.resolve(Spool.DIR)).isEmptyDirectory();
        }
    }

    @Test
    void spoolsLeftByAStoppedProcessAreRemovedAtOpenAndNothingElse() throws IOException {
        Path dir = tmp.resolve("store");
        try (BlobStore store = BlobStore.builder(dir).open()) {
            store.put(new byte[] {1});
        }
        Path incoming = Files.createDirectories(dir.resolve(Spool.DIR));
        Path leftover = Files.write(incoming.resolve("put-123.spool"), new byte[100]);
        Path other = Files.write(incoming.resolve("notes.txt"), new byte[] {1});
        try (BlobStore store = BlobStore.builder(dir).open()) {
            assertThat(leftover).doesNotExist();
            assertThat(other).exists();
        }
    }

    /** Zeros, as many as asked for, counting what was read. */
    private static final class CountingStream extends InputStream {
        private final long length;
        long read;

        CountingStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - read);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            read += n;
            return n;
        }
    }
}
