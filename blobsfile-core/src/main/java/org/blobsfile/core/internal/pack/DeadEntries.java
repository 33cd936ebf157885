package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.blobsfile.api.BlobRef;

/**
 * Every deletion of a {@link DeletionLog}, held in memory to tell dead entries from live ones
 * while packs are walked (index rebuilds, salvage, compaction): for each deleted blob, the latest
 * position before which its entries are dead. About 100 bytes per deleted blob; read only when a
 * walk needs it.
 */
public final class DeadEntries {
    /** No deletions: every entry lives. */
    public static final DeadEntries NONE = new DeadEntries(Map.of());

    /** Reads the deletions when a walk needs them. */
    @FunctionalInterface
    public interface Source {
        /**
         * @return the deletions as they are now
         * @throws IOException when they cannot be read
         */
        DeadEntries get() throws IOException;
    }

    /** Where a blob's entries stop being dead: pack, then offset. */
    private record Position(int pack, long offset) {
        boolean after(Position o) {
            return PackFormat.isBefore(o.pack, o.offset, pack, offset);
        }
    }

    private final Map<BlobRef, Position> ends;

    private DeadEntries(Map<BlobRef, Position> ends) {
        this.ends = ends;
    }

    /**
     * @param log the store's deletion log
     * @return its deletions
     * @throws IOException when the log cannot be read
     */
    public static DeadEntries read(DeletionLog log) throws IOException {
        if (log.isEmpty()) {
            return NONE;
        }
        Map<BlobRef, Position> ends = new HashMap<>();
        log.read(DeletionLog.HEADER_SIZE, (r, end) -> {
            if (r.kind() == DeletionLog.Kind.DELETED) {
                Position p = new Position(r.endPack(), r.endOffset());
                ends.merge(BlobRef.of(r.hash()), p, (a, b) -> b.after(a) ? b : a);
            }
        });
        return new DeadEntries(ends);
    }

    /**
     * @param hash   an entry's hash
     * @param pack   the pack it is in
     * @param offset its offset there
     * @return whether a deletion made after it was appended covers it
     */
    public boolean covers(byte[] hash, int pack, long offset) {
        if (ends.isEmpty()) {
            return false;
        }
        Position p = ends.get(BlobRef.of(hash));
        return p != null && PackFormat.isBefore(pack, offset, p.pack, p.offset);
    }

    /**
     * @param hash      a deleted blob's hash
     * @param endPack   the pack of a deletion's end position
     * @param endOffset its offset
     * @return whether that is the latest deletion of the blob: none after it covers more
     */
    public boolean isLatest(byte[] hash, int endPack, long endOffset) {
        Position p = ends.get(BlobRef.of(hash));
        return p != null && p.pack == endPack && p.offset == endOffset;
    }

    /** @return how many blobs were ever deleted, each counted once */
    public int size() {
        return ends.size();
    }
}
