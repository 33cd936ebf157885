package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.small;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Durability;
import org.blobsfile.api.SweepReport;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.testing.KeptMemoryIndex;
import org.blobsfile.core.testing.fs.PowerCutFileSystem;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Compaction against what runs beside it: sweeps, and a power cut right after it. */
class CompactionRaceTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    /**
     * Fills several sealed packs and deletes two blobs of three, so that every sealed pack is
     * worth compacting.
     *
     * @return the live blobs, in put order
     */
    private static Map<BlobRef, byte[]> fillWithGarbage(BlobStore store, Random rnd) {
        Map<BlobRef, byte[]> live = new LinkedHashMap<>();
        List<BlobRef> doomed = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] b = random(rnd, 200 + rnd.nextInt(1500));
            BlobRef ref = store.put(b);
            if (i % 3 == 0) {
                live.put(ref, b);
            } else {
                doomed.add(ref);
            }
        }
        store.deleteAll(doomed);
        assertThat(store.stats().sealedPacks()).isGreaterThan(3);
        return live;
    }

    @Test
    void aSweepDeletesABlobThatACompactionMovedWhileTheSweepRan() {
        try (BlobStore store = small(tmp).durability(Durability.GROUP).open()) {
            Map<BlobRef, byte[]> live = fillWithGarbage(store, new Random(SEED.seed(1)));
            // among the first blobs put, so in the first pack, which the compaction rewrites
            List<BlobRef> first = new ArrayList<>(live.keySet()).subList(0, 15);
            BlobRef victim = first.stream().max(BlobRef::compareTo).orElseThrow();
            BlobRef smallest = live.keySet().stream().min(BlobRef::compareTo).orElseThrow();
            assertThat(victim).as("asked after the compaction runs").isNotEqualTo(smallest);
            CompactionReport[] compacted = {null};
            SweepReport report = store.sweep(ref -> {
                if (compacted[0] == null) {
                    compacted[0] = store.compact(); // runs while the sweep walks its first batch
                }
                return !ref.equals(victim);
            });
            assertThat(compacted[0].rewritten()).isNotEmpty();
            assertThat(compacted[0].blobsMoved()).isPositive();
            assertThat(store.exists(victim)).as("the sweep's live set does not hold it").isFalse();
            assertThat(report.deleted()).isEqualTo(1);
            for (Map.Entry<BlobRef, byte[]> e : live.entrySet()) {
                if (!e.getKey().equals(victim)) {
                    assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
        }
    }

    /** A cut that loses everything not forced: each unforced page dropped, no directory change forced undone. */
    private static final class LoseAllUnforced extends Random {
        @Override
        public boolean nextBoolean() {
            return false; // keep the directory changes: the renames the store forced the directory for
        }

        @Override
        public int nextInt(int bound) {
            return bound == 3 ? 1 : 0; // a page not forced: dropped
        }

        @Override
        public long nextLong(long bound) {
            return 0; // each file at its length at its last force
        }
    }

    @Test
    void compactionWithoutForcedPutsForcesWhatItMovedBeforeItEmptiesThePack() throws Exception {
        Map<BlobRef, byte[]> live;
        KeptMemoryIndex index = new KeptMemoryIndex();
        try (BlobStore store = small(tmp).index(index).durability(Durability.GROUP).open()) {
            live = fillWithGarbage(store, new Random(SEED.seed(2)));
        }
        PowerCutFileSystem fs = PowerCutFileSystem.create(new Random(SEED.seed(3)));
        BlobStore store = small(fs.wrap(tmp)).index(index).durability(Durability.NONE).open();
        CompactionReport report = store.compact();
        assertThat(report.rewritten()).isNotEmpty();
        assertThat(report.blobsMoved()).isPositive();
        fs.powerOff();
        index.fence();
        fs.cut(new LoseAllUnforced());
        try {
            store.close();
        } catch (BlobStoreException expected) {
            // its channels were closed by the cut
        }
        try (BlobStore reopened = small(tmp).index(index).durability(Durability.NONE).open()) {
            List<BlobRef> lost = new ArrayList<>();
            for (Map.Entry<BlobRef, byte[]> e : live.entrySet()) {
                try {
                    if (!java.util.Arrays.equals(reopened.get(e.getKey()), e.getValue())) {
                        lost.add(e.getKey());
                    }
                } catch (BlobStoreException gone) {
                    lost.add(e.getKey());
                }
            }
            assertThat(lost).as("blobs durable before the compaction, lost by the cut after it").isEmpty();
        }
    }

    /**
     * A cut that keeps the deletion log, which has never been forced, whole, and drops every page
     * not forced of the other files: told the log by the bound of its length's draw.
     */
    private static final class KeepTheLogOnly extends Random {
        private final long logBound;
        private boolean log;

        /** @param logLength the log's length at the cut */
        KeepTheLogOnly(long logLength) {
            this.logBound = logLength + 1;
        }

        @Override
        public boolean nextBoolean() {
            return false; // keep the directory changes
        }

        @Override
        public long nextLong(long bound) {
            log = bound == logBound; // drawn first for each file that grew since its last force
            return log ? bound - 1 : 0;
        }

        @Override
        public int nextInt(int bound) {
            return bound == 3 && !log ? 1 : 0;
        }
    }

    @Test
    void aBlobPutAgainAfterACutLivesThroughARebuild() throws Exception {
        // without forced puts, a cut may keep the deletion log's page and lose the pack's; the
        // deletion must not name a position past what the pack keeps, where the next puts go
        Random rnd = new Random(SEED.seed(4));
        byte[] again = random(rnd, 5000);
        KeptMemoryIndex index = new KeptMemoryIndex();
        PowerCutFileSystem fs = PowerCutFileSystem.create(new Random(SEED.seed(5)));
        BlobStore store = small(fs.wrap(tmp)).index(index).durability(Durability.NONE).open();
        store.put(random(rnd, 3000));
        BlobRef gone = store.put(again);
        assertThat(store.delete(gone)).isTrue();
        fs.powerOff();
        index.fence();
        fs.cut(new KeepTheLogOnly(DeletionLog.HEADER_SIZE + DeletionLog.RECORD_SIZE));
        try {
            store.close();
        } catch (BlobStoreException expected) {
            // its channels were closed by the cut
        }
        assertThat(tmp.resolve(DeletionLog.FILE_NAME)).hasSize(DeletionLog.HEADER_SIZE + DeletionLog.RECORD_SIZE);
        index.forget(tmp);
        try (BlobStore reopened = small(tmp).index(index).durability(Durability.NONE).open()) {
            assertThat(reopened.exists(gone)).isFalse();
            assertThat(reopened.put(again)).isEqualTo(gone);
            assertThat(reopened.get(gone)).isEqualTo(again);
            reopened.rebuildIndex();
            assertThat(reopened.exists(gone)).as("put again after its deletion").isTrue();
            assertThat(reopened.get(gone)).isEqualTo(again);
        }
    }
}
