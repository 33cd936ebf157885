package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.IndexFinding;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackReaders;
import org.blobsfile.core.internal.plugin.CodecRegistry;

/**
 * Verify's comparison of the index with the packs, in bounded memory whatever the store's size.
 * Each pack is walked once ({@link #pack}): an entry that verifies must be in the index, at that
 * place or at another copy, and the keys found exactly there are counted per pack. Then
 * {@link #finish} walks the index once, counting its keys per pack; only for a pack whose two
 * counts differ are its keys looked at one by one ({@link LocationProbe}), in a second walk of the
 * index, to name the stale ones. Memory is two counters per pack and the findings, at most
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
    private final List<IndexFinding> findings = new ArrayList<>();
    private long differences;
    /** Keys the index places exactly where a pack walk found their entry, per pack. */
    private long[] matched = new long[16];

    /**
     * @param index    the index to compare
     * @param readers  read channels on the packs
     * @param codecs   to decode compressed entries
     * @param geometry the store's pack geometry
     * @param inFlight whether a blob is being put now (appended, not indexed yet): its absence
     *                 from the index is no finding
     */
    public IndexAudit(StoreIndex index, PackReaders readers, CodecRegistry codecs, PackGeometry geometry,
                      Predicate<byte[]> inFlight) {
        this.index = index;
        this.readers = readers;
        this.entries = new PackEntries(codecs, geometry);
        this.probe = new LocationProbe(readers, codecs, geometry);
        this.inFlight = inFlight;
    }

    /**
     * Walks one pack and checks each of its entries against the index.
     *
     * @param pack     the pack
     * @param length   how far its entries go: its file's size, or the active pack's appended end
     * @param verified whether a check of the same bytes found no damage, so every entry the walk
     *                 finds verifies and need not be hashed again
     * @throws IOException when the pack or the index cannot be read
     */
    public void pack(int pack, long length, boolean verified) throws IOException {
        if (pack >= matched.length) {
            matched = Arrays.copyOf(matched, Math.max(pack + 1, matched.length * 2));
        }
        entries.walk(readers.path(pack), pack, length, !verified, (key, loc) -> {
            Location now = index.get(key);
            if (now == null) {
                if (!inFlight.test(key)) {
                    add(IndexFinding.Kind.MISSING, pack, loc.offset(), key, "the pack holds this blob verified at offset "
                            + loc.offset() + ", but the index does not know it");
                }
            } else if (now.pack() == pack && now.offset() == loc.offset() && now.storedSize() == loc.storedSize()
                    && now.codecId() == loc.codecId()) {
                matched[pack]++;
            }
            // indexed at another copy: that copy is counted, or found stale, with its own pack
        });
    }

    /**
     * Finds the keys the index places where no pack holds them.
     *
     * @return every finding, the first {@link #MAX_FINDINGS} of them
     * @throws IOException when the index or a pack cannot be read
     */
    public List<IndexFinding> finish() throws IOException {
        Map<Integer, long[]> indexed = new HashMap<>();
        index.forEach((key, loc) -> indexed.computeIfAbsent(loc.pack(), p -> new long[1])[0]++);
        List<Integer> differ = new ArrayList<>();
        indexed.forEach((pack, count) -> {
            long m = pack >= 0 && pack < matched.length ? matched[pack] : 0;
            if (count[0] != m) {
                differ.add(pack);
            }
        });
        if (!differ.isEmpty()) {
            index.forEach((key, loc) -> {
                if (!differ.contains(loc.pack())) {
                    return;
                }
                if (probe.probe(key, loc) == LocationProbe.Verdict.ABSENT) {
                    add(IndexFinding.Kind.STALE, loc.pack(), loc.offset(), key, "the index places this blob at offset "
                            + loc.offset() + " (" + loc.storedSize() + " bytes), where the pack does not hold it");
                }
            });
        }
        return List.copyOf(findings);
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
