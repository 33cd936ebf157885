package org.blobsfile.core.testing;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;

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
}
