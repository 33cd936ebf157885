package org.blobsfile.core.internal.parity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.blobsfile.api.BlobRef;
import org.blobsfile.core.internal.io.Fsync;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.store.StoreOpener;

/**
 * Repairs a damaged sealed pack from its parity and replaces it atomically. Thread-safe; the
 * caller makes sure nothing writes the pack meanwhile.
 *
 * <p>The repair locates damage rather than guessing it. Every finding of the check in the data
 * area names the data shards that could explain it; parity shards whose payload fails its hash
 * are known bad. A hypothesis is a set of at most two shards (the known-bad parity included) that
 * explains every finding; the smallest are tried first. Each is rebuilt, by streaming the other
 * shards through the Reed-Solomon decoder, into a temporary copy next to the pack, and accepted
 * only when every entry hash, the EOF entry and the padding of the copy verify: with two parity
 * shards any two-shard reconstruction is a consistent codeword, so only the hashes prove it
 * right. The accepted copy gets fresh parity, is checked whole, forced, and renamed over the pack.
 * A pack is never replaced by anything that does not verify.
 */
public final class PackRepairer {
    /** Appended to a pack's name for the replacement a repair builds; see {@link StoreOpener}. */
    public static final String TEMP_SUFFIX = ".repair";

    /**
     * Puts a verified replacement in place of the pack it repairs: renamed over it, the
     * directory forced.
     */
    @FunctionalInterface
    public interface Placement {
        /**
         * @param replacement the verified, forced replacement beside the pack
         * @param pack        the pack
         * @param readFrom    the identity ({@link java.nio.file.attribute.BasicFileAttributes#fileKey})
         *                    of the pack file the replacement was built from; null when the file
         *                    system has none
         * @throws PackReplacedException when the pack is no longer that file: nothing is moved
         * @throws IOException           when the rename fails
         */
        void place(Path replacement, Path pack, Object readFrom) throws IOException;
    }

    /** The pack a repair read was replaced by other maintenance before the repair could put its copy in place. */
    public static final class PackReplacedException extends IOException {
        private static final long serialVersionUID = 1L;

        /** @param pack the pack */
        public PackReplacedException(Path pack) {
            super(pack + " was replaced while it was repaired (by a compaction or another repair): the repair is moot");
        }
    }

    /** The placement of a caller that holds the pack still: a rename, and a force of the directory. */
    public static void move(Path replacement, Path pack, Object readFrom) throws IOException {
        Files.move(replacement, pack, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(pack.toAbsolutePath().getParent());
    }

    /**
     * @param replacing the lock every replacement of a pack file takes
     * @return a placement that renames under {@code replacing}
     */
    public static Placement locked(java.util.concurrent.locks.Lock replacing) {
        return (replacement, pack, readFrom) -> {
            replacing.lock();
            try {
                move(replacement, pack, readFrom);
            } finally {
                replacing.unlock();
            }
        };
    }

    /**
     * For a repair that runs beside other maintenance: renames under {@code replacing}, and only
     * while the pack is still the file the replacement was built from. Else a compaction that
     * replaced the pack meanwhile would be undone, its space and its dropped entries back. A file
     * system without file keys cannot tell, and the replacement goes in place.
     *
     * @param replacing the lock every replacement of a pack file takes
     * @return the placement
     */
    public static Placement unlessReplaced(java.util.concurrent.locks.Lock replacing) {
        return (replacement, pack, readFrom) -> {
            replacing.lock();
            try {
                if (readFrom != null && !readFrom.equals(PackFormat.fileKey(pack))) {
                    throw new PackReplacedException(pack);
                }
                move(replacement, pack, readFrom);
            } finally {
                replacing.unlock();
            }
        };
    }

    /** The result of a repair attempt. */
    public enum Status {
        /** The check found nothing wrong; the pack was not touched. */
        HEALTHY,
        /** A copy with rebuilt shards verified whole and was renamed over the pack. */
        REPAIRED,
        /** No copy verified, so the pack was left as it was; the caller decides about quarantine. */
        UNRECOVERABLE
    }

    /**
     * @param status        what happened
     * @param rebuiltShards the shards reconstructed (0-9 data, 10-11 parity), empty unless repaired
     * @param reason        why the pack could not be repaired, or a short summary of what was done
     * @param damagedBlobs  for an unrecoverable pack, the blobs whose entries fail their hash
     */
    public record Outcome(Status status, List<Integer> rebuiltShards, String reason, List<BlobRef> damagedBlobs) {
    }

    private static final int TOTAL = ShardStripes.TOTAL;
    private static final int ALL_DATA = (1 << PackFormat.DATA_SHARDS) - 1;

    private final PackGeometry geometry;
    private final Placement placement;
    private final PackVerifier verifier;
    private final Sealer sealer;

    /**
     * @param geometry the store's pack geometry, which says where each shard lies
     * @param codecs   to decode compressed entries: a candidate copy is accepted only when every
     *                 entry's blob hashes to its key, and that hash is over the decoded blob
     */
    public PackRepairer(PackGeometry geometry, CodecRegistry codecs) {
        this(geometry, codecs, PackRepairer::move);
    }

    /**
     * @param placement puts the verified replacement in place of the pack; for a caller that
     *                  does not hold the pack still, so that it can refuse a pack replaced meanwhile
     */
    public PackRepairer(PackGeometry geometry, CodecRegistry codecs, Placement placement) {
        this.placement = placement;
        this.geometry = geometry;
        this.verifier = new PackVerifier(geometry, codecs);
        this.sealer = new Sealer(geometry);
    }

    /**
     * Repairs {@code pack} given what a check of it found.
     *
     * @param pack     the pack file, replaced in place when a repair succeeds
     * @param check    a check of the pack as it is now
     * @param progress told of the bytes processed, chunk by chunk
     * @return what was done; for an unrecoverable pack, why and which blobs are damaged
     * @throws IOException when the pack cannot be read or its replacement cannot be written; the
     *                     pack itself is then still the one that was checked
     */
    public Outcome repair(Path pack, PackVerifier.PackCheck check, LongConsumer progress) throws IOException {
        // the file the check was made of, as near as can be told: every attempt's copy is placed only over it
        Object readFrom = PackFormat.fileKey(pack);
        if (check.isClean()) {
            return new Outcome(Status.HEALTHY, List.of(), "the pack verifies", List.of());
        }
        PackVerifier.Evidence ev = check.evidence();
        List<BlobRef> damaged = ev != null ? ev.damagedBlobs() : check.damage().stream()
                .map(org.blobsfile.api.Damage::blob).filter(b -> b != null).distinct().toList();
        if (!check.sealed() || ev == null) {
            return unrecoverable("the pack is not sealed: it has no parity to repair from", damaged);
        }
        if (ev.dataVerified() && ev.damagedParity() == 0 && !ev.parityConsistent() && ev.lengthOk()) {
            // both parity entries hash right, so the parity is as sealed, yet it disagrees with a
            // data area whose every checked byte verifies: the damage is in bytes no check reads
            // (an entry whose codec byte now names a missing codec). Recomputing the parity would
            // seal that damage in; a data shard rebuilt from the parity that makes every entry
            // verify undoes it.
            for (int i = 0; i < PackFormat.DATA_SHARDS; i++) {
                if (attempt(pack, readFrom, 1 << i, progress)) {
                    return repaired(1 << i, "rebuilt shard " + i + ", which disagreed with the intact parity");
                }
            }
        }
        if (ev.dataVerified()) {
            int rebuilt = ev.damagedParity() != 0 ? ev.damagedParity() << PackFormat.DATA_SHARDS
                    : ((1 << PackFormat.PARITY_SHARDS) - 1) << PackFormat.DATA_SHARDS;
            if (attempt(pack, readFrom, 0, progress)) {
                return repaired(rebuilt, "the data verified; parity recomputed");
            }
            return unrecoverable("the data verified but a pack with recomputed parity did not", damaged);
        }
        int erased = ev.erasedParity() << PackFormat.DATA_SHARDS;
        int slots = PackFormat.PARITY_SHARDS - Integer.bitCount(erased);
        if (slots <= 0) {
            return unrecoverable("both parity shards and the data are damaged", damaged);
        }
        if (ev.parityConsistent() && erased == 0) {
            // reconstructing any shards of a consistent codeword gives back the same bytes
            return unrecoverable("the parity agrees with the damaged data: the damage predates the seal", damaged);
        }
        for (int data : hypotheses(ev, slots)) {
            if (attempt(pack, readFrom, data | erased, progress)) {
                return repaired(data | erased, "rebuilt shards " + shards(data | erased) + " from the others; every entry verifies");
            }
        }
        return unrecoverable("no reconstruction of at most " + PackFormat.PARITY_SHARDS
                + " shards makes every entry verify (damage found in " + ev.dataRegions().size()
                + " places of the data area)", damaged);
    }

    /**
     * Lists the sets of data shards worth rebuilding, as bit sets, best first: first those that
     * explain every finding, smallest first; then, in case a damaged size field made the parse
     * report places that are not damaged, any set that explains the first finding (the only one
     * sure to be real) and lies at or after it.
     */
    List<Integer> hypotheses(PackVerifier.Evidence ev, int slots) {
        List<PackVerifier.Region> regions = ev.dataRegions();
        int pool = 0;
        for (PackVerifier.Region r : regions) {
            pool |= r.shards();
        }
        if (ev.unverifiedFrom() >= 0) {
            // past a structural break nothing was checked: damage there would not have shown
            pool |= ALL_DATA & ~((1 << geometry.dataShardOf(Math.min(ev.unverifiedFrom(), geometry.dataAreaEnd() - 1))) - 1);
        }
        int first = regions.get(0).shards();
        int fallback = ALL_DATA & ~(Integer.lowestOneBit(first) - 1);
        Set<Integer> out = new LinkedHashSet<>();
        for (int size = 1; size <= slots; size++) {
            for (int s : subsets(size)) {
                if ((s & ~pool) == 0 && regions.stream().allMatch(r -> (r.shards() & s) != 0)) {
                    out.add(s);
                }
            }
        }
        for (int size = 1; size <= slots; size++) {
            for (int s : subsets(size)) {
                if ((s & ~fallback) == 0 && (s & first) != 0) {
                    out.add(s);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** @return the sets of {@code size} data shards, in lexicographic order */
    private static List<Integer> subsets(int size) {
        List<Integer> out = new ArrayList<>();
        for (int s = 1; s <= ALL_DATA; s++) {
            if (Integer.bitCount(s) == size) {
                out.add(s);
            }
        }
        out.sort((a, b) -> Integer.compareUnsigned(Integer.reverse(b), Integer.reverse(a)));
        return out;
    }

    /**
     * Builds a replacement with the shards in {@code missing} rebuilt from the others and fresh
     * parity, and puts it in place of the pack if it verifies.
     *
     * @return whether the pack was replaced
     */
    private boolean attempt(Path pack, Object readFrom, int missing, LongConsumer progress) throws IOException {
        Path tmp = pack.resolveSibling(pack.getFileName() + TEMP_SUFFIX);
        boolean moved = false;
        try {
            try (FileChannel in = FileChannel.open(pack, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                 FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                rebuild(in, out, missing, progress);
                if (!verifier.dataAreaVerifies(tmp, out, progress)) {
                    return false;
                }
            }
            sealer.seal(tmp);
            // the data area is verified; a look at what sealing added guards against anything it or the disk got wrong
            try (FileChannel sealed = FileChannel.open(tmp, StandardOpenOption.READ)) {
                if (!verifier.sealVerifies(tmp, sealed, progress)) {
                    return false;
                }
            }
            placement.place(tmp, pack, readFrom);
            moved = true;
            return true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Streams the data area of {@code in} into {@code out} shard-chunk by shard-chunk, rebuilding
     * the shards in {@code missing} from the others on the way. Memory is 12 chunks.
     */
    private void rebuild(FileChannel in, FileChannel out, int missing, LongConsumer progress) throws IOException {
        boolean[] present = new boolean[TOTAL];
        for (int i = 0; i < TOTAL; i++) {
            present[i] = (missing & (1 << i)) == 0;
        }
        boolean decode = (missing & ALL_DATA) != 0;
        ShardStripes stripes = ShardStripes.whole(geometry);
        byte[][] shards = stripes.newBuffers();
        for (ShardStripes.Stripe s : stripes) {
            for (int i = 0; i < PackFormat.DATA_SHARDS; i++) {
                if (present[i]) {
                    s.read(in, i, shards[i]);
                }
            }
            if (decode) {
                for (int k = PackFormat.DATA_SHARDS; k < TOTAL; k++) {
                    if (present[k]) {
                        s.read(in, k, shards[k]);
                    }
                }
                Sealer.codec().reconstruct(shards, present, 0, s.length());
            }
            for (int i = 0; i < PackFormat.DATA_SHARDS; i++) {
                s.write(out, i, shards[i]);
            }
            progress.accept((long) s.length() * PackFormat.DATA_SHARDS);
        }
    }

    private static Outcome repaired(int shards, String what) {
        return new Outcome(Status.REPAIRED, shards(shards), what, List.of());
    }

    private static Outcome unrecoverable(String why, List<BlobRef> damaged) {
        return new Outcome(Status.UNRECOVERABLE, List.of(), why, List.copyOf(damaged));
    }

    /** @return the shard numbers in a bit set, ascending */
    private static List<Integer> shards(int mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            if ((mask & (1 << i)) != 0) {
                out.add(i);
            }
        }
        return out;
    }
}
