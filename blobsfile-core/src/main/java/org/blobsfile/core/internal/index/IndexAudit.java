package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.IndexFinding;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.plugin.CodecRegistry;

/**
 * Verify's comparison of the index with the packs, in bounded memory whatever the store's size.
 * Each pack is walked once ({@link #pack}), and its entries summed up: how many, and the sum of a
 * digest of each (hash, offset, payload length, codec). {@link #finish} walks the index once and
 * sums its keys per pack the same way. A pack whose two sums agree holds exactly what the index
 * places in it. Only a pack whose sums differ is looked at closely: walked again with a lookup of
 * each entry (missing ones), and its keys checked one by one ({@link LocationProbe}) in a second
 * walk of the index (stale ones). So a healthy store costs one sequential walk of each pack and of
 * the index, no random lookups. Memory is four counters per pack and the findings, at most
 * {@link #MAX_FINDINGS} of them. Not thread-safe.
 */
public final class IndexAudit {
    /** Findings listed at most; the rest are counted. */
    public static final int MAX_FINDINGS = 1000;

    private final StoreIndex index;
    private final PackReaders readers;
    private final PackEntries entries;
    private final LocationProbe probe;
    private final Predicate<byte[]> inFlight;
    private final DeadEntries.Source deletions;
    private DeadEntries dead;
    private final List<IndexFinding> findings = new ArrayList<>();
    private long differences;
    /** What the walks found, per pack. */
    private final Map<Integer, Sums> walked = new HashMap<>();
    /** How each pack was walked, to walk it again the same way. */
    private final Map<Integer, long[]> walks = new HashMap<>();
    /** Whether the index's keys in packs that were not walked are left alone. */
    private boolean onlyWalked;

    /** A count and a sum of digests: equal sums mean equal sets, but for chance. */
    private static final class Sums {
        long count;
        long sum;

        void add(byte[] key, Location loc) {
            count++;
            sum += KeyDigest.of(key, loc);
        }

        boolean agrees(Sums o) {
            return o != null && count == o.count && sum == o.sum;
        }
    }

    /**
     * @param index    the index to compare
     * @param readers  read channels on the packs
     * @param codecs   to decode compressed entries
     * @param geometry the store's pack geometry
     * @param inFlight whether a blob is being put now (appended, not indexed yet): its absence
     *                 from the index is no finding
     * @param deletions the entries of deleted blobs, which the index rightly lacks: read now, and
     *                  again before the packs that differ are looked at closely, for the blobs
     *                  deleted meanwhile
     * @throws IOException when the deletions cannot be read
     */
    public IndexAudit(StoreIndex index, PackReaders readers, CodecRegistry codecs, PackGeometry geometry,
                      Predicate<byte[]> inFlight, DeadEntries.Source deletions) throws IOException {
        this.deletions = deletions;
        this.dead = deletions.get();
        this.index = index;
        this.readers = readers;
        this.entries = new PackEntries(codecs, geometry, index.evicted());
        this.probe = new LocationProbe(readers, codecs, geometry, index.evicted());
        this.inFlight = inFlight;
    }

    /**
     * Walks one pack and sums up its entries.
     *
     * @param pack     the pack
     * @param length   how far its entries go: its file's size, or the active pack's appended end
     * @param verified whether a check of the same bytes found no damage, so every entry the walk
     *                 finds verifies and need not be hashed again
     * @throws IOException when the pack cannot be read
     */
    public void pack(int pack, long length, boolean verified) throws IOException {
        Sums s = new Sums();
        walked.put(pack, s);
        walks.put(pack, new long[] {length, verified ? 1 : 0});
        entries.walk(readers.path(pack), pack, length, !verified, (key, loc) -> {
            if (!dead.covers(key, pack, loc.offset())) {
                s.add(key, loc);
            }
        });
    }

    /**
     * Limits {@link #finish} to the packs walked: for a verify that checks some packs, which
     * leaves the index's keys in the others to the runs that check those.
     */
    public void onlyWalkedPacks() {
        onlyWalked = true;
    }

    /**
     * Compares what the walks found with the index, and looks closely at the packs that differ.
     *
     * @return every finding, the first {@link #MAX_FINDINGS} of them
     * @throws IOException when the index or a pack cannot be read
     */
    public List<IndexFinding> finish() throws IOException {
        Map<Integer, Sums> indexed = new HashMap<>();
        index.forEach((key, loc) -> indexed.computeIfAbsent(loc.pack(), p -> new Sums()).add(key, loc));
        Set<Integer> differ = new HashSet<>();
        for (Map.Entry<Integer, Sums> e : walked.entrySet()) {
            if (e.getValue().count > 0 && !e.getValue().agrees(indexed.get(e.getKey()))) {
                differ.add(e.getKey());
            }
        }
        for (Map.Entry<Integer, Sums> e : indexed.entrySet()) {
            if (onlyWalked && !walked.containsKey(e.getKey())) {
                continue;
            }
            if (!e.getValue().agrees(walked.get(e.getKey()))) {
                differ.add(e.getKey());
            }
        }
        if (!differ.isEmpty()) {
            dead = deletions.get();
        }
        for (int pack : differ) {
            long[] how = walks.get(pack);
            if (how != null) {
                missingIn(pack, how[0], how[1] == 1);
            }
        }
        if (!differ.isEmpty()) {
            index.forEach((key, loc) -> {
                if (differ.contains(loc.pack()) && probe.probe(key, loc) == LocationProbe.Verdict.ABSENT) {
                    add(IndexFinding.Kind.STALE, loc.pack(), loc.offset(), key, "the index places this blob at offset "
                            + loc.offset() + " (" + loc.storedSize() + " bytes), where the pack does not hold it");
                }
            });
        }
        return List.copyOf(findings);
    }

    /** Walks a pack whose sums differ from the index's again, and reports its entries the index does not know. */
    private void missingIn(int pack, long length, boolean verified) throws IOException {
        entries.walk(readers.path(pack), pack, length, !verified, (key, loc) -> {
            // indexed at another copy: that copy is summed up, or found stale, with its own pack
            if (index.get(key) == null && !inFlight.test(key) && !dead.covers(key, pack, loc.offset())) {
                add(IndexFinding.Kind.MISSING, pack, loc.offset(), key, "the pack holds this blob verified at offset "
                        + loc.offset() + ", but the index does not know it");
            }
        });
    }

    /** @return how many differences were found, listed or not */
    public long differences() {
        return differences;
    }

    private void add(IndexFinding.Kind kind, int pack, long offset, byte[] key, String what) {
        differences++;
        if (findings.size() < MAX_FINDINGS) {
            findings.add(new IndexFinding(kind, readers.path(pack), offset, BlobRef.of(key), what));
        }
    }
}
