package org.blobsfile.index.h2;

/**
 * The knobs of the H2 index, each with a default measured on a 1,000,000-key load and a system
 * property to override it (read when a provider is created).
 *
 * @param commitBytes           commit once the changes since the last commit hold about this
 *                              many bytes of heap ({@value #COMMIT_BYTES_PROPERTY}, default an
 *                              eighth of the maximum heap, from 16 MiB to 512 MiB)
 * @param commitMillis          commit once the last commit is this old, so a trickle of puts is
 *                              persisted too; after a crash the store replays at most about this
 *                              much work from the packs ({@value #COMMIT_MILLIS_PROPERTY},
 *                              default 10000)
 * @param pageSplitSize         the page size, in bytes, at which MVStore splits a B-tree page
 *                              ({@value #PAGE_SPLIT_PROPERTY}, default 16 KiB)
 * @param cacheMegabytes        MVStore's page cache ({@value #CACHE_PROPERTY}, default 32)
 * @param closeCompactionMillis time close may spend compacting the file
 *                              ({@value #CLOSE_COMPACTION_PROPERTY}, default 2000)
 * @param fillRate              after a commit, when live pages fill less than this percentage of
 *                              the file, the chunks whose live pages fill less than that are
 *                              rewritten, at most {@code commitBytes} of them per commit; 0 never
 *                              ({@value #FILL_RATE_PROPERTY}, default 0: growing a store with
 *                              random keys to 1.5 million blobs, 50 left the file between 9%
 *                              larger and 2% smaller along the way, and wrote as much)
 * @param generationKeys        how many keys the active {@link Generation} takes before it is
 *                              frozen and a new one started ({@value #GENERATION_KEYS_PROPERTY},
 *                              default 1,048,576: the pages new keys touch between commits stay
 *                              those of about a million keys, and a lookup of an absent key tests
 *                              one filter per million keys, the filters of 32 generations frozen
 *                              alike at once), but no more than {@code commitBytes} / 128, so a
 *                              generation all of whose pages changed since the last commit fits
 *                              in {@code commitBytes}: with the default {@code commitBytes},
 *                              generations of a million keys from a 1 GiB heap, 655,360 at
 *                              640 MiB, 131,072 at 128 MiB or less. Filters stay on the heap once
 *                              read, 2 bytes per key: 200 MB for 100 million keys, and less than
 *                              twice that for the generations of the newest {@link FilterBank}
 *                              (three times while it widens)
 */
record H2Tuning(int commitBytes, long commitMillis, int pageSplitSize, int cacheMegabytes, int closeCompactionMillis,
                int fillRate, int generationKeys) {
    static final String COMMIT_BYTES_PROPERTY = "blobsfile.h2.commitBytes";
    static final String COMMIT_MILLIS_PROPERTY = "blobsfile.h2.commitMillis";
    static final String PAGE_SPLIT_PROPERTY = "blobsfile.h2.pageSplitSize";
    static final String CACHE_PROPERTY = "blobsfile.h2.cacheMB";
    static final String CLOSE_COMPACTION_PROPERTY = "blobsfile.h2.closeCompactionMillis";
    static final String FILL_RATE_PROPERTY = "blobsfile.h2.fillRate";
    static final String GENERATION_KEYS_PROPERTY = "blobsfile.h2.generationKeys";

    /** @return the defaults, overridden by whichever system properties are set */
    static H2Tuning fromSystemProperties() {
        return new H2Tuning(
                intProperty(COMMIT_BYTES_PROPERTY, defaultCommitBytes(Runtime.getRuntime().maxMemory()), 1 << 20),
                intProperty(COMMIT_MILLIS_PROPERTY, 10_000, 0),
                intProperty(PAGE_SPLIT_PROPERTY, 16 << 10, 1 << 10),
                intProperty(CACHE_PROPERTY, 32, 1),
                intProperty(CLOSE_COMPACTION_PROPERTY, 2_000, 0),
                Math.min(100, intProperty(FILL_RATE_PROPERTY, 0, 0)),
                intProperty(GENERATION_KEYS_PROPERTY, 1 << 20, 1));
    }

    /**
     * With random keys nearly every leaf of the active generation changes between two commits,
     * so each commit writes all of it: the fewer commits a load makes, the faster it runs and the
     * less dead space it leaves. The changes waiting for a commit live on the heap, so their bound follows
     * the heap's size.
     */
    static int defaultCommitBytes(long maxHeap) {
        return (int) Math.max(16L << 20, Math.min(512L << 20, maxHeap / 8));
    }

    private static int intProperty(String name, int fallback, int min) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + " must be an integer, not '" + v + "'", e);
        }
        if (n < min) {
            throw new IllegalArgumentException("system property " + name + " must be at least " + min + ", not " + n);
        }
        return n;
    }
}
