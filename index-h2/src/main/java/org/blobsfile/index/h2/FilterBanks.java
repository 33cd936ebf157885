package org.blobsfile.index.h2;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the filters of one index's frozen generations answer from: filters of the size a full
 * generation gets go into {@link FilterBank banks}, a new bank when the last is full; others, of
 * generations frozen under another size or stored by a version that sized filters by their keys,
 * answer from themselves. Thread-safe.
 */
final class FilterBanks {
    private final long blocks;
    private final List<FilterBank> banks = new ArrayList<>();

    /** @param generationKeys the keys a generation takes before it is frozen */
    FilterBanks(long generationKeys) {
        this.blocks = KeyFilter.blocksFor(generationKeys);
    }

    /**
     * @param keys how many keys a frozen generation holds
     * @return how many keys to size its filter for: those of a full generation when it holds not
     *         much more, so that its filter fits a bank, at a slightly higher rate of false
     *         "maybe"s, else its own
     */
    long filterKeys(long keys) {
        long full = blocks * KeyFilter.BLOCK_BITS / KeyFilter.BITS_PER_KEY;
        return keys <= full + full / 4 ? full : keys;
    }

    /**
     * @param filter a frozen generation's filter, complete
     * @return the lane that answers for it from now on, or null when it is to answer itself
     */
    synchronized FilterBank.Lane place(KeyFilter filter) {
        if (filter.blocks() != blocks) {
            return null;
        }
        FilterBank.Lane lane = banks.isEmpty() ? null : banks.get(banks.size() - 1).add(filter);
        if (lane == null) {
            FilterBank bank = FilterBank.forBlocks(blocks);
            if (bank == null) {
                return null;
            }
            banks.add(bank);
            lane = bank.add(filter);
        }
        return lane;
    }
}
