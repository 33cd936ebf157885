package org.blobsfile.core.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexRecord;
import org.blobsfile.core.internal.plugin.PluginRegistry;

/**
 * The RocksDB index with a gate on its writes, for tests that need to hold a group commit
 * between its force and its index batch. {@link #arm()} makes the next write wait, after
 * counting down {@link #entered()}, until {@link #open()}; {@link #failNext()} makes it fail.
 */
public final class GatedIndexProvider implements IndexProvider {
    public static final String NAME = "gated";

    private static volatile CountDownLatch entered = new CountDownLatch(0);
    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static volatile boolean armed;
    private static volatile boolean failing;

    /** Makes the next index write wait for {@link #open()}. */
    public static void arm() {
        entered = new CountDownLatch(1);
        gate = new CountDownLatch(1);
        armed = true;
    }

    /** @return counted down when a write reached the armed gate */
    public static CountDownLatch entered() {
        return entered;
    }

    /** Lets the held write, and every later one, through. */
    public static void open() {
        armed = false;
        failing = false;
        gate.countDown();
    }

    /** Makes the next index write fail with an {@link IOException}, as a full disk would. */
    public static void failNext() {
        failing = true;
    }

    private static IndexProvider rocksdb() {
        return PluginRegistry.indexes().forName("rocksdb");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlobIndex open(Path directory) throws IOException {
        BlobIndex inner = rocksdb().open(directory);
        return new BlobIndex() {
            @Override
            public byte[] get(byte[] key) throws IOException {
                return inner.get(key);
            }

            @Override
            public void write(IndexBatch batch) throws IOException {
                if (failing) {
                    failing = false;
                    throw new IOException("No space left on device");
                }
                if (armed) {
                    armed = false;
                    entered.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted at the gate", e);
                    }
                }
                inner.write(batch);
            }

            @Override
            public List<IndexRecord> scan(byte[] fromInclusive, int limit) throws IOException {
                return inner.scan(fromInclusive, limit);
            }

            @Override
            public byte[] getMeta(String name) throws IOException {
                return inner.getMeta(name);
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    @Override
    public void destroy(Path directory) throws IOException {
        rocksdb().destroy(directory);
    }
}
