package org.blobsfile.index.h2;

/**
 * The {@link KeyFilter filters} of up to {@value #MAX_LANES} frozen generations, all with the same
 * number of blocks, laid out bit by bit: for each bit of a filter, one bit per filter, its lane,
 * side by side. Why: a lookup of an absent key, which the store makes twice for every new blob,
 * tests every frozen generation's filter, and each filter is an array of its own larger than the
 * caches, so each test most likely costs a miss to memory: lookups slowed down as generations
 * grew in number, and not with more false "maybe"s or a smaller page cache. Here one key's test
 * reads {@value KeyFilter#PROBES} words, whatever the number of filters, and answers for all of
 * them: the bits of a filter are the same as in the filter itself, only placed elsewhere.
 *
 * <p>Each bit position of a filter holds a group of lane bits, {@value #FIRST_WIDTH} at first,
 * twice as many each time every one is taken, up to {@value #MAX_LANES}. So a bank of one filter
 * holds what the filter does, the newest bank less than twice the bits of its filters, and while
 * a bank widens it holds the old group and the new, three times the filters it had: 48 filters'
 * worth when the 17th arrives.
 *
 * <p>One thread adds at a time; tests go on meanwhile without a lock. A test reads one published
 * {@link Layout}, whose lanes were all complete when it was published, and answers "maybe" for the
 * lanes it does not have: a lane added later is only written bit by bit into the array of the
 * layout a test may be reading, and a widened layout gets a new array.
 */
final class FilterBank {
    /**
     * The most filters a bank holds. Not 64: a mask of complete lanes is {@code (1L << lanes) - 1},
     * and widening to 64 would hold 96 filters' worth for a while.
     */
    static final int MAX_LANES = 32;
    /** Lane bits per position in a new bank; each width divides 64, so a position's lanes share one long. */
    private static final int FIRST_WIDTH = 1;

    /** A lane of a bank: where one generation's filter answers. */
    record Lane(FilterBank bank, int index) {
    }

    /**
     * What tests read: the bits, each bit of a filter {@code width} bits apart, and how many lanes
     * are complete in them.
     */
    private record Layout(long[] bits, int width, int lanes) {
    }

    private final long blocks;
    /** The bits of each filter in the bank. */
    private final long positions;
    private volatile Layout layout;

    private FilterBank(long blocks) {
        this.blocks = blocks;
        this.positions = blocks * KeyFilter.BLOCK_BITS;
        this.layout = new Layout(new long[arrayLength(FIRST_WIDTH)], FIRST_WIDTH, 0);
    }

    /**
     * @param blocks how many blocks each filter in the bank has
     * @return an empty bank, or null when one for filters that large would not fit in an array
     */
    static FilterBank forBlocks(long blocks) {
        return longs(blocks * KeyFilter.BLOCK_BITS, MAX_LANES) > Integer.MAX_VALUE - 8 ? null : new FilterBank(blocks);
    }

    /**
     * @param positions the bits of each filter
     * @param width     lane bits per position
     * @return the longs that hold every position's group of lane bits
     */
    private static long longs(long positions, int width) {
        return positions / 64 * width;
    }

    /** @return the length of this bank's array at lanes {@code width} bits wide; fits, by {@link #forBlocks} */
    private int arrayLength(int width) {
        return (int) longs(positions, width);
    }

    /**
     * Copies a filter into the next lane, widening the lanes first when all are taken; tests
     * answer for it once this returns.
     *
     * @param filter a filter of as many blocks as the bank's
     * @return the lane that answers for it, or null when the bank is full
     */
    synchronized Lane add(KeyFilter filter) {
        if (filter.blocks() != blocks) {
            throw new IllegalArgumentException("a filter of " + filter.blocks() + " blocks in a bank of " + blocks);
        }
        Layout current = layout;
        if (current.lanes() == MAX_LANES) {
            return null;
        }
        long[] bits = current.bits();
        int width = current.width();
        if (current.lanes() == width) {
            width *= 2;
            bits = widened(current, width);
        }
        int lane = current.lanes();
        for (int i = 0; i < positions / 64; i++) {
            for (long w = filter.word(i); w != 0; w &= w - 1) {
                long position = (long) i * 64 + Long.numberOfTrailingZeros(w);
                long at = position * width + lane;
                bits[(int) (at >>> 6)] |= 1L << at;
            }
        }
        layout = new Layout(bits, width, lane + 1);
        return new Lane(this, lane);
    }

    /** @return a copy of the layout's bits, each bit of a filter {@code width} bits apart */
    private long[] widened(Layout from, int width) {
        long[] wide = new long[arrayLength(width)];
        long laneMask = (1L << from.width()) - 1;
        for (long p = 0; p < positions; p++) {
            long at = p * from.width();
            long lanes = from.bits()[(int) (at >>> 6)] >>> at & laneMask;
            if (lanes != 0) {
                long to = p * width;
                wide[(int) (to >>> 6)] |= lanes << to;
            }
        }
        return wide;
    }

    /**
     * @param hash what {@link KeyFilter#hashOf} returned for a key
     * @return bit {@code i} clear only when the filter in lane {@code i} answers that the key was
     *         never added to it; every bit of a lane not complete when the test began is set, those
     *         above {@value #MAX_LANES} too
     */
    long mightContain(long hash) {
        Layout l = layout;
        long complete = (1L << l.lanes()) - 1;
        long answer = complete;
        long first = KeyFilter.firstBit(hash, blocks);
        long probes = KeyFilter.probes(hash);
        long[] bits = l.bits();
        int width = l.width();
        for (int i = 0; i < KeyFilter.PROBES && answer != 0; i++) {
            long at = (first + KeyFilter.probe(probes, i)) * width;
            answer &= bits[(int) (at >>> 6)] >>> at;
        }
        return answer | ~complete;
    }
}
