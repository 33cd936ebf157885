package org.blobsfile.index.h2;

import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * One generation of the H2 index's keys: {@value #SLICES} maps, each holding the keys whose
 * first byte has that value in its high four bits, so the maps in their order list the
 * generation's keys in order.
 *
 * <p>New keys go to the newest generation, the active one, until it holds
 * {@link H2Tuning#generationKeys()} keys; it is then frozen, and a new one takes the new keys. A
 * frozen generation gets a {@link KeyFilter} of its keys, built after the freeze; until then it may
 * hold any key. A key lives in one generation only: a put of a key some generation holds replaces
 * it there. Why: MVStore writes every page a commit changed, and with random keys nearly every leaf
 * of a map changes between two commits, so a commit costs the size of the maps new keys go to.
 * Kept to one generation of bounded size, that cost stays the same however large the index grows
 * (deletes and moved blobs still touch the generations that hold their keys), while a lookup of an
 * absent key, which the store makes before every put of a new blob, costs one filter test per
 * frozen generation, which a {@link FilterBank} makes for many generations at once.
 *
 * <p>Thread-safe: the maps take concurrent reads and writes; a frozen generation's key set only
 * shrinks, so a filter of its keys stays right. The filter is built by a writer after the freeze,
 * or read from the file on first use, and moved once into a bank when a writer's maintenance
 * offers it and a bank takes it.
 */
final class Generation {
    /** How many maps a generation's keys are spread over, by the high bits of their first byte. */
    static final int SLICES = 16;
    private static final int SLICE_SHIFT = 4;
    /** The name of a slice's map is this, the generation's number, a dot and the slice's number. */
    static final String MAP_PREFIX = "gen.";

    private final int number;
    private final List<MVMap<byte[], byte[]>> slices;
    /** Reads a frozen generation's stored filter; null for the active generation. */
    private final FilterSource source;
    /** Where a frozen generation's filter is placed once read or built; null for the active one. */
    private final FilterBanks banks;
    /** The filter while it answers itself: until it joins a bank, or for good when no bank takes it. */
    private volatile KeyFilter filter;
    /** The lane of a bank that answers for the filter once it joined one. */
    private volatile FilterBank.Lane lane;
    /** Set once the filter is known: read or looked for in the file, or built. */
    private volatile boolean filterKnown;
    /** Set once the filter was offered to a bank; guarded by this. */
    private boolean bankTried;

    /** Reads the stored filter of a frozen generation. */
    interface FilterSource {
        /** @return the filter's bytes, or null when none was stored */
        byte[] read(int generation);
    }

    private Generation(int number, List<MVMap<byte[], byte[]>> slices, FilterSource source, FilterBanks banks) {
        this.number = number;
        this.slices = slices;
        this.source = source;
        this.banks = banks;
    }

    /**
     * Opens (creating when missing) the maps of a generation.
     *
     * @param store  the file
     * @param prefix the maps' names before the slice number: {@link #names(int)}, or an older layout's
     * @param number the generation's number
     * @param source its stored filter when frozen; null for the active generation
     * @param banks  where its filter is placed when frozen; null for the active generation
     * @return the generation
     */
    static Generation open(MVStore store, String prefix, int number, FilterSource source, FilterBanks banks) {
        List<MVMap<byte[], byte[]>> maps = new ArrayList<>(SLICES);
        for (int i = 0; i < SLICES; i++) {
            maps.add(store.openMap(prefix + i, new MVMap.Builder<byte[], byte[]>()
                    .keyType(UnsignedBytesType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)));
        }
        return new Generation(number, List.copyOf(maps), source, banks);
    }

    /**
     * @param number a generation's number
     * @return the prefix of its maps' names
     */
    static String names(int number) {
        return MAP_PREFIX + number + ".";
    }

    /** @return this generation's number; the active one has the highest */
    int number() {
        return number;
    }

    /** @return the slice that holds {@code key}: keys sort first by their first byte, an empty key first of all */
    static int sliceIndex(byte[] key) {
        return key.length == 0 ? 0 : (key[0] & 0xFF) >>> SLICE_SHIFT;
    }

    /** @return the map of this generation that would hold {@code key} */
    MVMap<byte[], byte[]> slice(byte[] key) {
        return slices.get(sliceIndex(key));
    }

    /** @return slice {@code i}'s map */
    MVMap<byte[], byte[]> slice(int i) {
        return slices.get(i);
    }

    /**
     * @param store  the file
     * @param prefix a generation's maps' names before the slice number
     * @return whether the file holds every map of that generation, as it does once committed
     */
    static boolean inFile(MVStore store, String prefix) {
        for (int i = 0; i < SLICES; i++) {
            if (!store.hasMap(prefix + i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return whether this is a frozen generation with no filter, neither stored nor built: it
     *         was frozen just now, or a crash came before its filter was stored
     */
    boolean lacksFilter() {
        if (source == null) {
            return false;
        }
        knowFilter();
        return filter == null && lane == null;
    }

    /**
     * @param probe the key looked up
     * @return false only when this generation certainly does not hold that key: the active
     *         generation, and a frozen one whose filter is missing or unreadable, may hold any key
     */
    boolean mightHold(KeyProbe probe) {
        if (source == null) {
            return true;
        }
        knowFilter();
        // the filter before the lane: one moving into a bank gets its lane first
        KeyFilter f = filter;
        if (f != null) {
            return f.mightContain(probe.hash());
        }
        FilterBank.Lane l = lane;
        return l == null || probe.mightBeIn(l);
    }

    /** Reads a frozen generation's stored filter on first use. */
    private void knowFilter() {
        if (!filterKnown) {
            readFilter();
        }
    }

    private synchronized void readFilter() {
        if (filterKnown) {
            return;
        }
        byte[] stored = source.read(number);
        try {
            filter = stored == null ? null : KeyFilter.fromBytes(stored);
        } catch (IllegalArgumentException e) {
            filter = null; // every lookup then reads the maps: slower, never wrong
        }
        filterKnown = true;
    }

    /**
     * Sets the filter a frozen generation was built, which answers for it from now on.
     *
     * @param built what {@link #buildFilter} returned for this generation, frozen
     */
    synchronized void install(KeyFilter built) {
        filter = built;
        filterKnown = true;
    }

    /**
     * Moves a frozen generation's filter into a lane of a bank, which then answers for it, when a
     * bank takes it; tried once. Not done when the filter is read, since copying the filters of a
     * large index into banks takes time that a reader should not wait for: a writer does it,
     * outside the lock, and the filter answers itself until then.
     */
    synchronized void joinBank() {
        if (source == null || bankTried) {
            return;
        }
        knowFilter();
        KeyFilter f = filter;
        if (f == null) {
            return; // none yet: it may be built
        }
        bankTried = true;
        FilterBank.Lane placed = banks.place(f);
        if (placed != null) {
            // the lane before the filter goes: a test that finds no filter then finds the lane
            lane = placed;
            filter = null;
        }
    }

    /** @return whether a lane of a bank answers for this generation's filter */
    boolean inBank() {
        return lane != null;
    }

    /** @return how many keys this generation holds; MVStore keeps the count in each map's root */
    long size() {
        long n = 0;
        for (MVMap<byte[], byte[]> m : slices) {
            n += m.sizeAsLong();
        }
        return n;
    }

    /**
     * Builds the filter of every key a frozen generation holds: no key is added to it any more,
     * and each map's cursor reads the map as it was when the cursor started.
     *
     * @return the filter
     */
    KeyFilter buildFilter() {
        KeyFilter f = KeyFilter.forKeys(banks.filterKeys(size()));
        for (MVMap<byte[], byte[]> m : slices) {
            Cursor<byte[], byte[]> c = m.cursor(null);
            while (c.hasNext()) {
                f.add(c.next());
            }
        }
        return f;
    }

    /**
     * @param stored where the filter is stored once built
     * @param banks  where the filter is placed once built or read
     * @return this generation frozen: its maps, which may hold any key until a filter is
     *         {@link #install installed} or found stored
     */
    Generation frozen(FilterSource stored, FilterBanks banks) {
        return new Generation(number, slices, stored, banks);
    }
}
