package org.blobsfile.index.h2;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Bloom filter over the keys of one frozen {@link Generation}: whether a key may be there, so
 * that a lookup of a key that is nowhere, which the store makes before every put of a new blob,
 * reads no page of the generations that do not hold it. Blocked: every bit of a key lies in one
 * 512-bit block, so a test touches one or two cache lines. Sixteen bits per key, seven of them
 * set per key, which answers "maybe" for about one key in a thousand that is absent: a lookup of
 * an absent key tests every frozen generation's filter, and each "maybe" costs a read of that
 * generation's tree. The number of bits per key only sizes a filter. Stored with a
 * header naming its format, since a filter read with another hash or layout than it was built
 * with would answer "absent" for keys that are there.
 *
 * <p>Immutable once built; safe to share between threads.
 */
final class KeyFilter {
    private static final int BLOCK_LONGS = 8;
    /** The bits of one block, in which all of a key's bits lie. */
    static final int BLOCK_BITS = BLOCK_LONGS * 64;
    /** How many bits a filter has per key it is sized for. */
    static final int BITS_PER_KEY = 16;
    /** How many bits are set per key. */
    static final int PROBES = 7;
    /** The first bytes of a stored filter: this format's name, version 1 (hash, probes and block layout as here). */
    private static final long FORMAT = 0x314B4C42_46534642L;
    private static final int HEADER = 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long[] bits;
    private final long blocks;

    private KeyFilter(long[] bits) {
        this.bits = bits;
        this.blocks = bits.length / BLOCK_LONGS;
    }

    /**
     * @param keys how many keys will be added
     * @return an empty filter sized for them
     */
    static KeyFilter forKeys(long keys) {
        long blocks = blocksFor(keys);
        if (blocks * BLOCK_LONGS > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a key filter for " + keys + " keys is too large");
        }
        return new KeyFilter(new long[(int) (blocks * BLOCK_LONGS)]);
    }

    /**
     * @param keys how many keys a filter is for
     * @return how many blocks {@link #forKeys} gives it
     */
    static long blocksFor(long keys) {
        return Math.max(1, (Math.max(1, keys) * BITS_PER_KEY + BLOCK_BITS - 1) / BLOCK_BITS);
    }

    /** @param key a key to answer "maybe" for from now on; called before the filter is shared */
    void add(byte[] key) {
        long h = hashOf(key);
        int base = (int) (firstBit(h, blocks) >>> 6);
        long probes = probes(h);
        for (int i = 0; i < PROBES; i++) {
            int bit = probe(probes, i);
            bits[base + (bit >>> 6)] |= 1L << bit;
        }
    }

    /**
     * @param hash what {@link #hashOf} returned for a key, the same for every filter, so a key
     *             tested against many is hashed once
     * @return false only when that key was never added
     */
    boolean mightContain(long hash) {
        int base = (int) (firstBit(hash, blocks) >>> 6);
        long probes = probes(hash);
        for (int i = 0; i < PROBES; i++) {
            int bit = probe(probes, i);
            if ((bits[base + (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where a key's bits lie, shared with {@link FilterBank}, which must find them where a filter
     * put them.
     *
     * @param hash   what {@link #hashOf} returned for the key
     * @param blocks how many blocks the filter has
     * @return the number of the first bit of the key's block: the block taken from the hash's high half
     */
    static long firstBit(long hash, long blocks) {
        return (((hash >>> 32) * blocks) >>> 32) * BLOCK_BITS;
    }

    /**
     * @param hash what {@link #hashOf} returned for a key
     * @return the key's probes, to pass to {@link #probe}
     */
    static long probes(long hash) {
        return mix(hash);
    }

    /**
     * @param probes what {@link #probes} returned for a key
     * @param i      which of the {@value #PROBES} probes
     * @return the bit it sets in the key's block, from 0 to {@value #BLOCK_BITS} - 1
     */
    static int probe(long probes, int i) {
        return (int) (probes >>> (9 * i)) & (BLOCK_BITS - 1);
    }

    /** @return how many blocks of {@value #BLOCK_BITS} bits this filter has */
    long blocks() {
        return blocks;
    }

    /**
     * @param i from 0 to {@code blocks() * BLOCK_BITS / 64 - 1}
     * @return bits {@code 64 * i} to {@code 64 * i + 63} of the filter, the lowest first
     */
    long word(int i) {
        return bits[i];
    }

    /**
     * Every byte of the key counts: keys are hashes, but nothing here relies on it, so keys that
     * differ in a few bytes only, as tests write them, spread as well.
     */
    static long hashOf(byte[] key) {
        long h = 0x9E3779B97F4A7C15L ^ key.length;
        int i = 0;
        for (; i + 8 <= key.length; i += 8) {
            h = mix(h ^ (long) LONGS.get(key, i));
        }
        long tail = 0;
        for (int j = key.length - 1; j >= i; j--) {
            tail = tail << 8 | (key[j] & 0xFF);
        }
        return mix(h ^ tail);
    }

    /** The finalizer of MurmurHash3's 64-bit variant: every input bit reaches every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    /** @return the filter's format and bits, to store beside its generation */
    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + bits.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(FORMAT);
        b.asLongBuffer().put(bits);
        return b.array();
    }

    /**
     * @param stored what {@link #toBytes} returned
     * @return the filter
     * @throws IllegalArgumentException when {@code stored} is of another format, or not a whole
     *                                  number of blocks
     */
    static KeyFilter fromBytes(byte[] stored) {
        int length = stored.length - HEADER;
        if (length <= 0 || length % (BLOCK_LONGS * 8) != 0) {
            throw new IllegalArgumentException("a key filter of " + stored.length + " bytes is not a header and whole"
                    + " blocks of " + BLOCK_LONGS * 8);
        }
        ByteBuffer b = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong() != FORMAT) {
            throw new IllegalArgumentException("a key filter of another format");
        }
        long[] bits = new long[length / 8];
        b.asLongBuffer().get(bits);
        return new KeyFilter(bits);
    }
}
