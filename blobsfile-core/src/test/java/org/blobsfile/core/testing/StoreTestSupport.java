package org.blobsfile.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;

/** Small helpers shared by the store tests. */
public final class StoreTestSupport {
    private StoreTestSupport() {
    }

    public static BlobStoreOptions.Builder small(Path dir) {
        return BlobStore.builder(dir).maxPackSize(64 * 1024);
    }

    public static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** @return the buffers of a plain blob entry holding {@code payload}: its header, then the payload */
    public static ByteBuffer[] plainEntry(byte[] payload) {
        byte[] header = new EntryHeader(Blake2b.hash(payload, 0, payload.length), PackFormat.FLAG_BLOB,
                PackFormat.CODEC_NONE, payload.length).encode();
        return new ByteBuffer[] {ByteBuffer.wrap(header), ByteBuffer.wrap(payload)};
    }

    /** @return {@code count} random blobs of {@code n} bytes each */
    public static List<byte[]> randomBlobs(Random rnd, int count, int n) {
        List<byte[]> blobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            blobs.add(random(rnd, n));
        }
        return blobs;
    }

    public static byte[] text(Random rnd, int n) {
        String[] words = {"blob", "pack", "seal", "parity", "index", "hash", "store", "the", "of", "and"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            sb.append(words[rnd.nextInt(words.length)]).append(' ');
        }
        return sb.substring(0, n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Puts random blobs, text or random bytes of 200 B to 6 KiB, until the store has sealed
     * {@code sealed} packs.
     *
     * @return the blobs put, in order
     */
    public static Map<BlobRef, byte[]> putUntilSealed(BlobStore s, Random rnd, int sealed) {
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        while (s.sealedPacks().size() < sealed) {
            byte[] b = rnd.nextBoolean() ? text(rnd, 200 + rnd.nextInt(6000)) : random(rnd, 200 + rnd.nextInt(6000));
            blobs.put(s.put(b), b);
        }
        return blobs;
    }

    /** @return the blobs of the store's sealed packs, with their bytes: what an archive of it holds */
    public static Map<BlobRef, byte[]> sealedBlobs(BlobStore s) {
        Set<Integer> sealed = new HashSet<>();
        for (Path p : s.sealedPacks()) {
            sealed.add(PackFormat.packNumber(p.getFileName().toString()));
        }
        Map<BlobRef, byte[]> out = new LinkedHashMap<>();
        s.enumerate().filter(i -> sealed.contains(i.pack())).forEach(i -> out.put(i.ref(), s.get(i.ref())));
        return out;
    }

    /** Deletes every index directory of a store, so that the next open builds one from the packs. */
    public static void deleteIndex(Path dir) throws IOException {
        List<Path> indexes;
        try (Stream<Path> s = Files.list(dir)) {
            indexes = s.filter(p -> p.getFileName().toString().startsWith("index-")).toList();
        }
        for (Path index : indexes) {
            try (Stream<Path> walk = Files.walk(index)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Zeroes three data shards of a sealed pack: beyond what its two parity shards rebuild. */
    public static void damageBeyondParity(Path pack, long packSize) throws IOException {
        long shard = PackGeometry.of(packSize).shardSize();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) (3 * shard)), PackFormat.HEADER_SIZE + shard);
        }
    }
}
