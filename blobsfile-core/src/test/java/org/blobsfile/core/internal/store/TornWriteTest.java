package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed in the middle of a write leaves the active pack as the write left it: its
 * first bytes written, the rest as they were before, which is zeros where the writer had written
 * them ahead of its entries (the modes that force) and nothing where the file ended (NONE). The
 * generator makes such a pack at a random point of the last write, page-aligned as a kill leaves
 * it or anywhere, and holds the reopened store to the rules: every blob stored before the write
 * reads back, verify finds nothing (the torn entry is cut, not left in the pack ahead of later
 * puts), the bytes cut that were not zeros are in lost+found, and puts go on after the cut.
 */
class TornWriteTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 1 << 20;
    private static final int PAGE = 4096;

    @TempDir
    Path tmp;

    @Test
    void aWriteCutShortAnywhereIsCutOffAtOpenAndNothingStoredBeforeItIsLost() throws Exception {
        Random rnd = SEED.random();
        int cases = Cases.scaled(30);
        for (int c = 0; c < cases; c++) {
            Path dir = tmp.resolve("case" + c);
            Durability mode = Durability.values()[c % Durability.values().length];
            oneCase(dir, mode, rnd.nextBoolean() ? "snappy" : "none", new Random(rnd.nextLong()),
                    "case " + c + " (" + mode + ")");
        }
    }

    private void oneCase(Path dir, Durability mode, String codec, Random rnd, String what) throws Exception {
        Map<BlobRef, byte[]> stored = new LinkedHashMap<>();
        Map<BlobRef, byte[]> inTornWrite = new LinkedHashMap<>();
        Path pack = dir.resolve("blobs-00000");
        byte[] before;
        byte[] after;
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(PACK).durability(mode).codec(codec).open()) {
            int puts = 1 + rnd.nextInt(30);
            for (int i = 0; i < puts; i++) {
                byte[] b = blob(rnd);
                stored.put(store.put(b), b);
            }
            // what a kill finds in the page cache: the entries, and the zeros written ahead of them
            before = Files.readAllBytes(pack);
            List<byte[]> last = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                last.add(blob(rnd));
            }
            List<BlobRef> refs = store.putAll(last);
            for (int i = 0; i < refs.size(); i++) {
                inTornWrite.put(refs.get(i), last.get(i));
            }
            after = Files.readAllBytes(pack);
        }
        // where the write began: its first bytes may equal the zeros it wrote over
        int from = entriesEnd(before);
        int to = lastDifference(before, after) + 1;
        assertThat(from).as(what).isLessThan(to);
        int tear = tearPoint(rnd, from, to);
        // the write's bytes up to the tear, then what the file held before: zeros, or its end
        byte[] torn = before.length > tear ? before.clone() : Arrays.copyOf(after, tear);
        System.arraycopy(after, 0, torn, 0, tear);
        Files.write(pack, torn);
        assertThat(PackFormat.path(dir, 1)).as("%s: one pack", mode).doesNotExist();
        StoreTestSupport.deleteIndex(dir);

        try (BlobStore store = BlobStore.builder(dir).maxPackSize(PACK).durability(mode).codec(codec).open()) {
            for (Map.Entry<BlobRef, byte[]> e : stored.entrySet()) {
                assertThat(store.get(e.getKey())).as("%s, torn at %d in [%d, %d)", what, tear, from, to)
                        .isEqualTo(e.getValue());
            }
            for (Map.Entry<BlobRef, byte[]> e : inTornWrite.entrySet()) {
                if (store.exists(e.getKey())) {
                    assertThat(store.get(e.getKey())).as(what).isEqualTo(e.getValue());
                }
            }
            long cutAt = Files.size(pack);
            assertThat(cutAt).as("%s: cut within the write", what).isBetween((long) from, (long) tear);
            VerifyReport v = store.verify();
            assertThat(v.isClean()).as("%s, torn at %d in [%d, %d): %s", what, tear, from, to, v).isTrue();
            byte[] cut = Arrays.copyOfRange(torn, (int) cutAt, tear);
            Path saved = dir.resolve(LostAndFound.DIR).resolve("blobs-00000." + cutAt);
            if (isZero(cut)) {
                assertThat(saved).doesNotExist();
            } else {
                assertThat(Arrays.copyOf(Files.readAllBytes(saved), cut.length)).as(what).isEqualTo(cut);
            }
            byte[] more = blob(rnd);
            stored.put(store.put(more), more);
            assertThat(store.verify().isClean()).as("%s: a put after the cut", what).isTrue();
        }
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(PACK).durability(mode).codec(codec).open()) {
            for (Map.Entry<BlobRef, byte[]> e : stored.entrySet()) {
                assertThat(store.get(e.getKey())).as(what).isEqualTo(e.getValue());
            }
            assertThat(store.verify().isClean()).as(what).isTrue();
        }
    }

    /** @return a point in {@code [from, to)}: most often a page boundary, where a kill cuts a write */
    private static int tearPoint(Random rnd, int from, int to) {
        int firstPage = (from + PAGE - 1) / PAGE * PAGE;
        if (firstPage < to && rnd.nextInt(3) > 0) {
            int pages = (to - 1 - firstPage) / PAGE + 1;
            return firstPage + rnd.nextInt(pages) * PAGE;
        }
        return from + rnd.nextInt(to - from);
    }

    private static byte[] blob(Random rnd) {
        int n = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 60_000 : 3000);
        return rnd.nextBoolean() ? text(rnd, n) : random(rnd, n);
    }

    /** @return where the entries of a pack's bytes end: the first offset with no entry header */
    private static int entriesEnd(byte[] pack) {
        int at = PackFormat.HEADER_SIZE;
        while (at + EntryHeader.LENGTH <= pack.length && !isZero(Arrays.copyOfRange(pack, at, at + EntryHeader.LENGTH))) {
            long size = java.nio.ByteBuffer.wrap(pack, at + EntryHeader.SIZE, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getInt() & 0xFFFFFFFFL;
            at += EntryHeader.LENGTH + (int) size;
        }
        return at;
    }

    /** @return the last offset where {@code b} differs from {@code a}, a shorter {@code a} ending in zeros */
    private static int lastDifference(byte[] a, byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if ((i < a.length ? a[i] : 0) != b[i]) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
