package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackWriter;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.blobsfile.tck.V1Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores as earlier versions left them: a pack that is not the last, closed short of the pack
 * size with room for its EOF entry but for no other entry, and so without parity. Opening such a
 * store for writing closes that pack and seals it when every entry verifies, and otherwise leaves
 * every byte of it as it was. Each case builds one such store, then perhaps damages it, starts
 * the close as a crash would have cut it short, or adds bytes no close writes.
 */
class UnclosedPackTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;
    private static final PackGeometry GEOMETRY = PackGeometry.of(PACK);
    private static final int CASES = 36;

    @TempDir
    Path tmp;

    /** What a case does to the short pack before the store is opened again. */
    private enum Change {
        /** Nothing: the pack as earlier versions left it. */
        NONE,
        /** Part of the close written, as a crash while closing it leaves it. */
        TORN_CLOSE,
        /** A bit of a blob's payload flipped. */
        DAMAGED_BLOB,
        /** A bit of an entry's header flipped. */
        DAMAGED_HEADER,
        /** The whole close written, the seal not begun. */
        CLOSED_NOT_SEALED,
        /** Zeros up to the pack size without the EOF entry: padding a power cut kept without its header. */
        PADDING_WITHOUT_EOF,
        /** A pack with room for another entry: not one earlier versions left. */
        OUTSIDE_THE_WINDOW,
        /** Bytes after the last entry that no close writes. */
        FOREIGN_TAIL,
        /** Nothing, but the store is opened read-only. */
        READ_ONLY,
        /** The pack is a symbolic link to such a pack: never followed, so never written. */
        SYMLINK
    }

    @Test
    void aShortPackIsClosedAndSealedOnlyWhenNothingInItCanChange() throws Exception {
        Random root = SEED.random();
        Map<Change, Integer> done = new TreeMap<>();
        int cases = Cases.scaled(CASES);
        for (int c = 0; c < cases; c++) {
            long seed = root.nextLong();
            Change change = Change.values()[c % Change.values().length];
            runCase(tmp.resolve("case-" + c), new Random(seed), change, "case " + c + " (" + change + ", seed " + seed
                    + ")");
            done.merge(change, 1, Integer::sum);
        }
        System.out.printf("unclosed packs: %d cases %s%n", cases, done);
    }

    private void runCase(Path dir, Random rnd, Change change, String label) throws Exception {
        // room for the EOF entry, none for another; outside the window, room for another entry (a store
        // never leaves less room than its EOF entry needs: the entry would go to the next pack)
        int left = change != Change.OUTSIDE_THE_WINDOW ? EntryHeader.LENGTH + rnd.nextInt(EntryHeader.LENGTH)
                : 2 * EntryHeader.LENGTH + rnd.nextInt(500);
        Map<BlobRef, byte[]> blobs = fill(dir, rnd, left);
        Path pack = PackFormat.path(dir, 0);
        long end = PACK - left;
        assertThat(Files.size(pack)).as(label).isEqualTo(end);
        // a later pack, as earlier versions started after such a pack
        PackWriter.create(dir, 1, GEOMETRY).close();
        BlobRef damaged = null;
        switch (change) {
            case TORN_CLOSE -> tearClose(pack, end, 1 + rnd.nextInt((int) (PACK - end) - 1));
            case DAMAGED_BLOB -> damaged = flipBit(pack, rnd, blobs, true);
            case DAMAGED_HEADER -> damaged = flipBit(pack, rnd, blobs, false);
            case CLOSED_NOT_SEALED -> tearClose(pack, end, (int) (PACK - end));
            case PADDING_WITHOUT_EOF -> append(pack, end, new byte[(int) (PACK - end)]);
            case FOREIGN_TAIL -> append(pack, end, foreignTail(rnd, end));
            case SYMLINK -> {
                Path target = dir.resolveSibling(dir.getFileName() + "-pack-elsewhere");
                Files.move(pack, target);
                Files.createSymbolicLink(pack, target);
            }
            default -> { }
        }
        byte[] before = Files.readAllBytes(pack);

        BlobStoreOptions.Builder builder = BlobStore.builder(dir).maxPackSize(PACK);
        if (change == Change.READ_ONLY) {
            builder.readOnly();
        }
        try (BlobStore store = builder.open()) {
            // returns once the sealing thread has looked at every closed pack
            VerifyReport report = store.verify();
            boolean closes = change == Change.NONE || change == Change.TORN_CLOSE || change == Change.CLOSED_NOT_SEALED;
            if (closes) {
                assertThat(report.isClean()).as(label + ": " + report).isTrue();
            }
            assertThat(store.sealedPacks().contains(pack)).as(label + ": sealed").isEqualTo(closes);
            for (Map.Entry<BlobRef, byte[]> b : blobs.entrySet()) {
                if (!b.getKey().equals(damaged) && change != Change.SYMLINK) {
                    assertThat(store.get(b.getKey())).as(label + ": " + b.getKey()).isEqualTo(b.getValue());
                }
            }
            byte[] after = Files.readAllBytes(pack);
            if (closes) {
                assertThat(after.length).as(label).isEqualTo(GEOMETRY.sealedSize());
                assertThat(Arrays.equals(after, 0, (int) end, before, 0, (int) end)).as(label + ": entries kept").isTrue();
                byte[] close = new byte[(int) (PACK - end)];
                byte[] eof = EntryHeader.eofAt(GEOMETRY, end).encode();
                System.arraycopy(eof, 0, close, 0, eof.length);
                assertThat(Arrays.copyOfRange(after, (int) end, (int) PACK)).as(label + ": the EOF entry and its padding")
                        .isEqualTo(close);
            } else {
                assertThat(after).as(label + ": every byte left as it was").isEqualTo(before);
            }
            assertThat(Files.isSymbolicLink(pack)).as(label + ": still a link").isEqualTo(change == Change.SYMLINK);
        }
        if (change == Change.NONE || change == Change.TORN_CLOSE || change == Change.CLOSED_NOT_SEALED) {
            V1Check.assertStrictPass(dir, PACK);
        }
    }

    /** Puts one to four blobs that leave {@code left} bytes of pack 0, and closes the store. */
    private static Map<BlobRef, byte[]> fill(Path dir, Random rnd, int left) throws IOException {
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        long room = PACK - PackFormat.HEADER_SIZE - left;
        int count = 1 + rnd.nextInt(4);
        try (BlobStore store = BlobStore.builder(dir).maxPackSize(PACK).open()) {
            for (int i = 0; i < count; i++) {
                long entry = i == count - 1 ? room : EntryHeader.LENGTH + 1 + rnd.nextInt((int) (room / (count - i)));
                byte[] blob = StoreTestSupport.random(rnd, (int) (entry - EntryHeader.LENGTH));
                blobs.put(store.put(blob), blob);
                room -= entry;
            }
        }
        return blobs;
    }

    /** Writes the first {@code length} bytes of the close at {@code end}: the EOF entry, then zeros. */
    private static void tearClose(Path pack, long end, int length) throws IOException {
        ByteBuffer close = ByteBuffer.allocate(length);
        byte[] eof = EntryHeader.eofAt(GEOMETRY, end).encode();
        close.put(eof, 0, Math.min(length, eof.length));
        append(pack, end, close.array());
    }

    /** Bytes after the entries that differ from the close in one place at least. */
    private static byte[] foreignTail(Random rnd, long end) {
        byte[] eof = EntryHeader.eofAt(GEOMETRY, end).encode();
        int length = 1 + rnd.nextInt((int) (PACK - end) - 1);
        byte[] tail = new byte[length];
        System.arraycopy(eof, 0, tail, 0, Math.min(length, eof.length));
        int at = rnd.nextInt(length);
        tail[at] ^= (byte) (1 + rnd.nextInt(255));
        return tail;
    }

    private static void append(Path pack, long at, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
    }

    /** Flips one bit in the payload, or the header, of one of the blobs; @return that blob */
    private static BlobRef flipBit(Path pack, Random rnd, Map<BlobRef, byte[]> blobs, boolean payload)
            throws IOException {
        long offset = PackFormat.HEADER_SIZE;
        int target = rnd.nextInt(blobs.size());
        BlobRef hit = null;
        int i = 0;
        for (Map.Entry<BlobRef, byte[]> b : blobs.entrySet()) {
            if (i++ == target) {
                hit = b.getKey();
                break;
            }
            offset += EntryHeader.LENGTH + b.getValue().length;
        }
        byte[] blob = blobs.get(hit);
        long at = payload ? offset + EntryHeader.LENGTH + rnd.nextInt(blob.length) : offset + rnd.nextInt(EntryHeader.LENGTH);
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ (1 << rnd.nextInt(8))));
            ch.write(one.rewind(), at);
        }
        return hit;
    }
}
