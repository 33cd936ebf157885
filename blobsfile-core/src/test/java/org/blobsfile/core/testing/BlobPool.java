package org.blobsfile.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.internal.hash.Blake2b;

/**
 * A fixed set of blobs that generated tests draw from, so that the same bytes are put, deleted
 * and put again many times. Sizes run from 0 to {@code maxSize} bytes; some blobs are one byte
 * repeated, the rest random. Immutable, so threads may share one.
 */
public final class BlobPool {
    private final List<byte[]> blobs;
    private final List<BlobRef> refs;
    private final Map<BlobRef, byte[]> byRef;

    private BlobPool(List<byte[]> blobs) {
        this.blobs = List.copyOf(blobs);
        List<BlobRef> r = new ArrayList<>();
        Map<BlobRef, byte[]> m = new HashMap<>();
        for (byte[] b : blobs) {
            BlobRef ref = ref(b);
            r.add(ref);
            m.put(ref, b);
        }
        this.refs = List.copyOf(r);
        this.byRef = Collections.unmodifiableMap(m);
    }

    /**
     * @param rnd     the choices
     * @param count   how many distinct blobs (duplicates drawn are dropped)
     * @param maxSize the largest blob
     * @return the pool
     */
    public static BlobPool create(Random rnd, int count, int maxSize) {
        Map<BlobRef, byte[]> distinct = new java.util.LinkedHashMap<>();
        while (distinct.size() < count) {
            int kind = rnd.nextInt(10);
            int size = kind == 0 ? rnd.nextInt(3) : kind < 4 ? rnd.nextInt(300) : rnd.nextInt(maxSize + 1);
            byte[] b = new byte[size];
            if (kind % 3 == 0) {
                java.util.Arrays.fill(b, (byte) rnd.nextInt(256));
            } else {
                rnd.nextBytes(b);
            }
            distinct.putIfAbsent(ref(b), b);
        }
        return new BlobPool(new ArrayList<>(distinct.values()));
    }

    /**
     * @param from  the first blob's index
     * @param count how many blobs
     * @return a pool of those blobs alone, which no other slice of this pool shares
     */
    public BlobPool slice(int from, int count) {
        return new BlobPool(blobs.subList(from, from + count));
    }

    /** @return the blob's reference */
    public static BlobRef ref(byte[] blob) {
        return BlobRef.of(Blake2b.hash(blob, 0, blob.length));
    }

    /** @return how many blobs */
    public int size() {
        return blobs.size();
    }

    /** @return blob {@code i} */
    public byte[] blob(int i) {
        return blobs.get(i);
    }

    /** @return the reference of blob {@code i} */
    public BlobRef refOf(int i) {
        return refs.get(i);
    }

    /** @return every reference, in pool order */
    public List<BlobRef> refs() {
        return refs;
    }

    /** @return the blob with this reference, or null */
    public byte[] bytes(BlobRef ref) {
        return byRef.get(ref);
    }

    /** @return a random blob's index */
    public int pick(Random rnd) {
        return rnd.nextInt(blobs.size());
    }
}
