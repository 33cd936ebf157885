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
 * {@link H2Tuning#generationKeys()} keys; it is then frozen, with a {@link KeyFilter} of its keys,
 * and a new one takes the new keys. A key lives in one generation only: a put of a key some
 * generation holds replaces it there. Why: MVStore writes every page a commit changed, and with
 * random keys nearly every leaf of a map changes between two commits, so a commit costs the size
 * of the maps new keys go to. Kept to one generation of bounded size, that cost stays the same
 * however large the index grows, while a lookup of an absent key, which the store makes before
 * every put of a new blob, costs one filter test per frozen generation.
 *
 * <p>Thread-safe: the maps take concurrent reads and writes; the filter is read once, on first
 * use, and never changes.
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
    private volatile KeyFilter filter;
    /** Set once the stored filter has been looked for, found or not. */
    private volatile boolean filterRead;

    /** Reads the stored filter of a frozen generation. */
    interface FilterSource {
        /** @return the filter's bytes, or null when none was stored */
        byte[] read(int generation);
    }

    private Generation(int number, List<MVMap<byte[], byte[]>> slices, FilterSource source, KeyFilter filter) {
        this.number = number;
        this.slices = slices;
        this.source = source;
        this.filter = filter;
        this.filterRead = filter != null;
    }

    /**
     * Opens (creating when missing) the maps of a generation.
     *
     * @param store  the file
     * @param prefix the maps' names before the slice number: {@link #names(int)}, or an older layout's
     * @param number the generation's number
     * @param source its stored filter when frozen; null for the active generation
     * @return the generation
     */
    static Generation open(MVStore store, String prefix, int number, FilterSource source) {
        List<MVMap<byte[], byte[]>> maps = new ArrayList<>(SLICES);
        for (int i = 0; i < SLICES; i++) {
            maps.add(store.openMap(prefix + i, new MVMap.Builder<byte[], byte[]>()
                    .keyType(UnsignedBytesType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)));
        }
        return new Generation(number, List.copyOf(maps), source, null);
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

    /** @return the maps of every slice, in key order */
    List<MVMap<byte[], byte[]>> slices() {
        return slices;
    }

    /**
     * @param key a key
     * @return false only when this generation certainly does not hold it: the active generation,
     *         and a frozen one whose filter is missing or unreadable, may hold any key
     */
    boolean mightHold(byte[] key) {
        if (source == null) {
            return true;
        }
        if (!filterRead) {
            readFilter();
        }
        KeyFilter f = filter;
        return f == null || f.mightContain(key);
    }

    private synchronized void readFilter() {
        if (filterRead) {
            return;
        }
        byte[] stored = source.read(number);
        try {
            filter = stored == null ? null : KeyFilter.fromBytes(stored);
        } catch (IllegalArgumentException e) {
            filter = null; // every lookup then reads the maps: slower, never wrong
        }
        filterRead = true;
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
     * Builds the filter of every key this generation holds now: no key may be added to it
     * meanwhile, and none is once it is frozen.
     *
     * @return the filter
     */
    KeyFilter buildFilter() {
        KeyFilter f = KeyFilter.forKeys(size());
        for (MVMap<byte[], byte[]> m : slices) {
            Cursor<byte[], byte[]> c = m.cursor(null);
            while (c.hasNext()) {
                f.add(c.next());
            }
        }
        return f;
    }

    /**
     * @param built  the filter of this generation's keys, as {@link #buildFilter} made it
     * @param stored where the filter is stored, should this generation be opened again
     * @return this generation frozen: its maps, answering lookups through {@code built}
     */
    Generation frozen(KeyFilter built, FilterSource stored) {
        return new Generation(number, slices, stored, built);
    }
}
