package org.blobsfile.index.h2;

/**
 * One lookup's key as the filters of frozen generations test it: its hash, computed once, and the
 * answer of the last {@link FilterBank} asked, which answers for all its lanes at once. Used by
 * one thread, for one lookup.
 */
final class KeyProbe {
    private final long hash;
    private FilterBank bank;
    private long answer;

    /** @param key the key looked up */
    KeyProbe(byte[] key) {
        this.hash = KeyFilter.hashOf(key);
    }

    /** @return what {@link KeyFilter#hashOf} returns for the key */
    long hash() {
        return hash;
    }

    /**
     * @param lane where a generation's filter answers
     * @return false only when that filter answers that the key was never added to it. A lane added
     *         to its bank after the bank was last asked here answers "maybe", which is never wrong
     */
    boolean mightBeIn(FilterBank.Lane lane) {
        if (lane.bank() != bank) {
            bank = lane.bank();
            answer = bank.mightContain(hash);
        }
        return (answer >>> lane.index() & 1) != 0;
    }
}
