package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.Durability;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.core.testing.fs.FaultyFileSystem.Fault;
import org.blobsfile.core.testing.fs.FaultyFileSystem.Op;
import org.blobsfile.core.testing.fs.FaultyFileSystem;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * I/O errors and a full disk at every step of put, putAll, seal, repair and quarantine, injected
 * by {@link FaultyFileSystem}: the n-th write, force, truncation, rename, new file or new directory
 * of the operation fails, for every n until the operation runs through. Each time the operation
 * fails with one {@link BlobStoreException} naming the store (or a background seal logs it), no
 * blob acknowledged before or during it is lost once the store is reopened on the plain file
 * system, verify is clean again (after a repair of the damage the test made itself), and puts
 * work again once the fault is gone.
 */
class FaultInjectionTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;
    private static final Set<Op> ALL = EnumSet.allOf(Op.class);
    /** In the default run, quarantine fails at every STRIDE-th step ... */
    private static final int STRIDE = 5;
    /** ... and at each of its LAST steps. */
    private static final int LAST = 10;

    @TempDir
    Path tmp;

    /** The operations faults are injected into. */
    enum Operation {
        PUT, PUT_ALL, SEAL, REPAIR, QUARANTINE
    }

    /** A store prepared for one injection, and what the test knows of it. */
    private final class Prepared {
        final Path dir;
        final KeptMemoryIndex index = new KeptMemoryIndex();
        final Map<BlobRef, byte[]> acked = new LinkedHashMap<>();
        final Random r;
        final Durability mode;

        Prepared(Path dir, long seed, Operation op, Durability mode) throws IOException {
            this.dir = dir;
            this.mode = mode;
            this.r = new Random(seed);
            // set up through a file system that fails nothing and skips the real forces: faster
            try (BlobStore s = open(FaultyFileSystem.create().wrap(dir))) {
                // most of a pack, so that SEAL's put rolls over and REPAIR's pack is sealed
                int target = op == Operation.PUT || op == Operation.PUT_ALL ? 12 : 30;
                for (int i = 0; i < target; i++) {
                    byte[] b = blob(r, 1500 + r.nextInt(1000));
                    acked.put(s.put(b), b);
                }
                if (op == Operation.REPAIR || op == Operation.QUARANTINE) {
                    while (s.sealedPacks().isEmpty()) {
                        byte[] b = blob(r, 1500 + r.nextInt(1000));
                        acked.put(s.put(b), b);
                        s.verify(); // waits for the seal a rollover queued
                    }
                }
            }
            if (op == Operation.REPAIR) {
                damageShards(PackFormat.path(dir, 0), 3);
            } else if (op == Operation.QUARANTINE) {
                damageShards(PackFormat.path(dir, 0), 1, 4, 7);
            }
        }

        BlobStore open(Path d) {
            return BlobStore.builder(d).maxPackSize(PACK).index(index).durability(mode).open();
        }
    }

    private static byte[] blob(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static void damageShards(Path pack, int... shards) throws IOException {
        long shard = PackGeometry.of(PACK).shardSize();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int k : shards) {
                long at = k * shard + shard / 2;
                ByteBuffer b = ByteBuffer.allocate(32);
                ch.read(b, at);
                for (int i = 0; i < 32; i++) {
                    b.put(i, (byte) ~b.get(i));
                }
                ch.write(b.flip(), at);
            }
        }
    }

    /** What the injections into one operation found. */
    private static final class Tally {
        int steps;
        int injections;
        int thrown;
        int absorbed;
        int refusedAfter;
        final Map<Op, Integer> byOp = new TreeMap<>();
        /** The first few faults the operation did not report: a background seal's, logged. */
        final List<String> absorbedAt = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void everyStepOfAnOperationFailsCleanly(Operation op) throws Exception {
        long seed = SEED.seed();
        Set<BlobRef> lostByDamage = op == Operation.QUARANTINE ? controlRun(seed) : Set.of();
        Tally t = new Tally();
        long t0 = System.nanoTime();
        // quarantine copies blob after blob: the default run takes every STRIDE-th of its steps and
        // the last ones (where its renames are), the soak profile every step
        int stride = op == Operation.QUARANTINE && Cases.scaled(1) == 1 ? STRIDE : 1;
        // the write side in every durability mode; maintenance, which holds puts back, in the default
        List<Durability> modes = op == Operation.REPAIR || op == Operation.QUARANTINE ? List.of(Durability.GROUP)
                : List.of(Durability.values());
        for (Durability mode : modes) {
            for (Fault fault : Fault.values()) {
                int steps = 0;
                for (int step = 1; ; step += stride) {
                    if (!inject(op, mode, fault, step, seed, lostByDamage, t)) {
                        steps = stride == 1 ? step - 1 : countSteps(op, mode, seed);
                        break;
                    }
                    assertThat(step).as("%s never runs through", op).isLessThan(500);
                }
                for (int step = Math.max(1, steps - LAST); step <= steps; step++) {
                    if (stride > 1 && (step - 1) % stride != 0) {
                        inject(op, mode, fault, step, seed, lostByDamage, t);
                    }
                }
                t.steps = Math.max(t.steps, steps);
            }
        }
        System.out.printf("faults %s: %d steps, %d injections (%s), %d thrown, %d absorbed (background or"
                        + " logged, first: %s), %d refused puts until reopened; %d ms%n", op, t.steps, t.injections,
                t.byOp, t.thrown, t.absorbed, t.absorbedAt, t.refusedAfter, (System.nanoTime() - t0) / 1_000_000);
        assertThat(t.failures).as("seed %d", seed).isEmpty();
        assertThat(t.injections).isPositive();
    }

    /** @return how many counted calls {@code op} makes when nothing fails */
    private int countSteps(Operation op, Durability mode, long seed) throws IOException {
        Prepared p = new Prepared(tmp.resolve(op + "-" + mode + "-count"), seed, op, mode);
        FaultyFileSystem fs = FaultyFileSystem.create();
        try (BlobStore s = p.open(fs.wrap(p.dir))) {
            fs.failAt(Integer.MAX_VALUE, Fault.EIO, ALL);
            run(op, s, p);
            return fs.steps();
        }
    }

    /** @return the blobs a fault-free repair of the QUARANTINE case loses to the test's own damage */
    private Set<BlobRef> controlRun(long seed) throws IOException {
        Prepared p = new Prepared(tmp.resolve("control"), seed, Operation.QUARANTINE, Durability.GROUP);
        try (BlobStore s = p.open(p.dir)) {
            return new HashSet<>(s.repair().lost());
        }
    }

    /** @return whether the fault fired: false once the operation has fewer steps than {@code step} */
    private boolean inject(Operation op, Durability mode, Fault fault, int step, long seed,
                           Set<BlobRef> lostByDamage, Tally t) throws Exception {
        Path dir = tmp.resolve(op + "-" + mode + "-" + fault + "-" + step);
        Prepared p = new Prepared(dir, seed, op, mode);
        FaultyFileSystem fs = FaultyFileSystem.create();
        BlobStore store = p.open(fs.wrap(dir));
        String where = op + " " + mode + " " + fault + " at step " + step;
        Throwable thrown = null;
        fs.failAt(step, fault, ALL);
        try {
            run(op, store, p);
        } catch (Throwable e) {
            thrown = e;
        }
        List<FaultyFileSystem.Fired> fired = fs.fired();
        fs.disarm();
        if (fired.isEmpty()) {
            if (thrown != null) {
                t.failures.add(where + ": failed with no fault injected: " + thrown);
            }
            closeQuietly(store);
            return false;
        }
        t.injections++;
        t.byOp.merge(fired.get(0).op(), 1, Integer::sum);
        if (thrown != null) {
            t.thrown++;
            if (!(thrown instanceof BlobStoreException) || thrown.getMessage() == null
                    || !thrown.getMessage().contains(dir.getFileName().toString())) {
                t.failures.add(where + " (" + fired.get(0) + "): not one clear error naming the store: " + thrown);
            }
        } else {
            t.absorbed++;
            if (t.absorbedAt.size() < 3) {
                t.absorbedAt.add(mode + " " + fired.get(0));
            }
        }
        // the fault is gone (space is back): the same store takes puts again, or refuses them clearly
        try {
            byte[] b = blob(p.r, 700);
            p.acked.put(store.put(b), b);
        } catch (BlobStoreException e) {
            t.refusedAfter++;
        } catch (RuntimeException e) {
            t.failures.add(where + ": a put after the fault failed unclearly: " + e);
        }
        closeQuietly(store);
        try (BlobStore s = p.open(dir)) {
            if (op == Operation.REPAIR || op == Operation.QUARANTINE) {
                RepairReport rr = s.repair();
                if (!lostByDamage.containsAll(rr.lost())) {
                    t.failures.add(where + ": repair after the fault lost more than the damage: " + rr.lost());
                }
            }
            for (Map.Entry<BlobRef, byte[]> e : p.acked.entrySet()) {
                if (lostByDamage.contains(e.getKey())) {
                    continue;
                }
                try {
                    if (!java.util.Arrays.equals(s.get(e.getKey()), e.getValue())) {
                        t.failures.add(where + ": " + e.getKey() + " reads back other bytes");
                    }
                } catch (BlobStoreException ex) {
                    t.failures.add(where + ": acknowledged " + e.getKey() + " lost: " + ex);
                }
            }
            VerifyReport v = s.verify();
            if (!v.isClean()) {
                t.failures.add(where + ": verify after reopening: " + v.damage() + " " + v.index() + " " + v.warnings());
            }
            byte[] b = blob(p.r, 900);
            BlobRef ref = s.put(b);
            assertThat(s.get(ref)).isEqualTo(b);
        } catch (BlobStoreException e) {
            t.failures.add(where + ": reopening on the plain file system: " + e);
        }
        return true;
    }

    private static void run(Operation op, BlobStore store, Prepared p) {
        switch (op) {
            case PUT -> {
                byte[] b = blob(p.r, 3000);
                p.acked.put(store.put(b), b);
            }
            case PUT_ALL -> {
                List<byte[]> bs = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    bs.add(blob(p.r, 500 + i * 700));
                }
                List<BlobRef> refs = store.putAll(bs);
                for (int i = 0; i < refs.size(); i++) {
                    p.acked.put(refs.get(i), bs.get(i));
                }
            }
            case SEAL -> {
                // puts until one rolls the pack over, then waits for its seal
                int packs = store.stats().packs();
                while (store.stats().packs() == packs) {
                    byte[] b = blob(p.r, 2500);
                    p.acked.put(store.put(b), b);
                }
                store.verify();
            }
            case REPAIR, QUARANTINE -> store.repair();
            default -> throw new IllegalArgumentException(op.name());
        }
    }

    private static void closeQuietly(BlobStore store) {
        try {
            store.close();
        } catch (BlobStoreException expected) {
            // a store whose last write failed may not close cleanly; reopening is what counts
        }
    }

    @Test
    void putsFailWhileTheDiskIsFullAndWorkAgainOnceSpaceIsBack() throws Exception {
        Random r = SEED.random();
        Path dir = tmp.resolve("full");
        KeptMemoryIndex index = new KeptMemoryIndex();
        FaultyFileSystem fs = FaultyFileSystem.create();
        Map<BlobRef, byte[]> acked = new LinkedHashMap<>();
        int refused = 0;
        try (BlobStore s = BlobStore.builder(fs.wrap(dir)).maxPackSize(PACK).index(index).open()) {
            fs.limitSpace(40 * 1024);
            for (int i = 0; i < 40; i++) {
                byte[] b = blob(r, 1000 + r.nextInt(3000));
                try {
                    acked.put(s.put(b), b);
                } catch (BlobStoreException e) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            fs.restoreSpace();
            for (int i = 0; i < 20; i++) {
                byte[] b = blob(r, 1000 + r.nextInt(3000));
                acked.put(s.put(b), b);
            }
            for (Map.Entry<BlobRef, byte[]> e : acked.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
        try (BlobStore s = BlobStore.builder(dir).index(index).open()) {
            for (Map.Entry<BlobRef, byte[]> e : acked.entrySet()) {
                assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(s.verify().isClean()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC_EACH", "GROUP"})
    void aFailedForceIsNeverRetriedToAcknowledgeLaterPuts(Durability mode) throws Exception {
        Random r = SEED.random();
        Path dir = tmp.resolve("force-" + mode);
        KeptMemoryIndex index = new KeptMemoryIndex();
        FaultyFileSystem fs = FaultyFileSystem.create();
        byte[] before = blob(r, 2000);
        byte[] failed = blob(r, 2000);
        byte[] after = blob(r, 2000);
        try (BlobStore s = BlobStore.builder(fs.wrap(dir)).maxPackSize(PACK).index(index).durability(mode).open()) {
            BlobRef first = s.put(before);
            fs.failAt(1, Fault.EIO, EnumSet.of(Op.FORCE));
            assertThatThrownBy(() -> s.put(failed)).isInstanceOf(StorageIOException.class);
            fs.disarm();
            // the pages the failed force should have written may be gone: a later force proves nothing
            assertThatThrownBy(() -> s.put(after)).isInstanceOf(StorageIOException.class)
                    .hasStackTraceContaining("a force failed");
            assertThat(s.get(first)).isEqualTo(before);
        } catch (StorageIOException closing) {
            // closing a store whose pack refuses writes may report it too
        }
        try (BlobStore s = BlobStore.builder(dir).index(index).durability(mode).open()) {
            assertThat(s.get(BlobRef.of(org.blobsfile.core.internal.hash.Blake2b.hash(before, 0, before.length))))
                    .isEqualTo(before);
            BlobRef again = s.put(after);
            assertThat(s.get(again)).isEqualTo(after);
            assertThat(s.verify().isClean()).isTrue();
        }
    }

    @Test
    void aFailedDirectoryForceFailsThePutThatCreatedItsPack() throws Exception {
        Path dir = tmp.resolve("dirforce");
        KeptMemoryIndex index = new KeptMemoryIndex();
        FaultyFileSystem fs = FaultyFileSystem.create();
        try (BlobStore s = BlobStore.builder(fs.wrap(dir)).maxPackSize(PACK).index(index).open()) {
            // the first put creates the first pack: its header is forced (1), then the directory (2)
            fs.failAt(2, Fault.EIO, EnumSet.of(Op.FORCE));
            assertThatThrownBy(() -> s.put(new byte[] {1, 2, 3})).isInstanceOf(StorageIOException.class);
            assertThat(fs.fired()).extracting(FaultyFileSystem.Fired::file).containsExactly(dir.toAbsolutePath());
            fs.disarm();
            BlobRef ref = s.put(new byte[] {4, 5, 6});
            assertThat(s.get(ref)).containsExactly(4, 5, 6);
        }
    }

    @Test
    void aQuarantineStoppedBeforeItsTombstoneIsInPlaceReopensWithEveryBlob() throws Exception {
        long seed = SEED.seed();
        Set<BlobRef> lostByDamage = controlRun(seed);
        Prepared p = new Prepared(tmp.resolve("tomb"), seed, Operation.QUARANTINE, Durability.GROUP);
        FaultyFileSystem fs = FaultyFileSystem.create();
        try (BlobStore s = p.open(fs.wrap(p.dir))) {
            // the note's rename (1), the pack's move to quarantine (2), the tombstone's into its place (3)
            fs.failAt(3, Fault.EIO, EnumSet.of(Op.RENAME));
            assertThatThrownBy(s::repair).isInstanceOf(StorageIOException.class);
        }
        try (BlobStore s = p.open(p.dir)) {
            for (Map.Entry<BlobRef, byte[]> e : p.acked.entrySet()) {
                if (!lostByDamage.contains(e.getKey())) {
                    assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
            byte[] b = blob(p.r, 800);
            assertThat(s.get(s.put(b))).isEqualTo(b);
            assertThat(s.verify().isClean()).isTrue();
        }
    }
}
