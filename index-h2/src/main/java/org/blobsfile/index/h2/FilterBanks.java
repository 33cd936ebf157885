package org.blobsfile.index.h2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the filters of one index's frozen generations answer from: {@link FilterBank banks} of
 * filters with the same number of blocks, a new bank when the last of that size is full. A
 * generation's filter is sized for a full generation, so the generations of one run share banks;
 * those frozen under another heap, whose full generations were of another size, share theirs.
 * Filters stored by versions that sized each by its own keys, which vary by up to a batch past
 * the freeze, mostly sit in banks of one, answering no faster than alone, until the index is
 * rebuilt. Thread-safe.
 */
final class FilterBanks {
    private final long blocks;
    private final Map<Long, List<FilterBank>> bySize = new HashMap<>();

    /** @param generationKeys the keys a generation takes before it is frozen */
    FilterBanks(long generationKeys) {
        this.blocks = KeyFilter.blocksFor(generationKeys);
    }

    /**
     * @param keys how many keys a frozen generation holds
     * @return how many keys to size its filter for: those of a full generation when it holds not
     *         much more, so that its filter shares a bank with the others, at a slightly higher
     *         rate of false "maybe"s, else its own
     */
    long filterKeys(long keys) {
        long full = blocks * KeyFilter.BLOCK_BITS / KeyFilter.BITS_PER_KEY;
        return keys <= full + full / 4 ? full : keys;
    }

    /**
     * @param filter a frozen generation's filter, complete
     * @return the lane that answers for it from now on, or null when it is to answer itself: no
     *         bank of its size fits in an array
     */
    synchronized FilterBank.Lane place(KeyFilter filter) {
        List<FilterBank> banks = bySize.computeIfAbsent(filter.blocks(), b -> new ArrayList<>());
        FilterBank.Lane lane = banks.isEmpty() ? null : banks.get(banks.size() - 1).add(filter);
        if (lane == null) {
            FilterBank bank = FilterBank.forBlocks(filter.blocks());
            if (bank == null) {
                return null;
            }
            banks.add(bank);
            lane = bank.add(filter);
        }
        return lane;
    }
}
