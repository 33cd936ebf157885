package org.blobsfile.core;

import java.nio.file.Path;
import java.util.Random;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;

/** Small helpers shared by the store tests. */
final class StoreTestSupport {
    private StoreTestSupport() {
    }

    static BlobStoreOptions.Builder small(Path dir) {
        return BlobStore.builder(dir).maxPackSize(64 * 1024);
    }

    static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] text(Random rnd, int n) {
        String[] words = {"blob", "pack", "seal", "parity", "index", "hash", "store", "the", "of", "and"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            sb.append(words[rnd.nextInt(words.length)]).append(' ');
        }
        return sb.substring(0, n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
