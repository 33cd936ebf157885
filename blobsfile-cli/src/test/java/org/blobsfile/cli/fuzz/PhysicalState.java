package org.blobsfile.cli.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.blobsfile.api.BlobRef;

/**
 * The packs of a damaged store as bytes on disk, compared with the pristine template: which blob
 * entries survive untouched, where, and which shards the damage touched. Read before the store
 * is opened, so it says what any correct tool can still find.
 */
final class PhysicalState {
    private final StoreTemplate template;
    /** The bytes of every regular {@code blobs-NNNNN} file, by name. */
    private final Map<String, byte[]> regular = new HashMap<>();

    private PhysicalState(StoreTemplate template) {
        this.template = template;
    }

    static PhysicalState read(Path dir, StoreTemplate template) throws IOException {
        PhysicalState s = new PhysicalState(template);
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("blobs-\\d{5}") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    s.regular.put(name, Files.readAllBytes(p));
                }
            }
        }
        return s;
    }

    private static boolean same(byte[] file, byte[] pristine, long from, long to) {
        return file != null && file.length >= to
                && Arrays.equals(file, (int) from, (int) to, pristine, (int) from, (int) to);
    }

    /** @return whether the blob's whole entry is untouched in its own pack */
    boolean intactInPlace(BlobRef ref) {
        StoreTemplate.Entry e = template.entryOf.get(ref);
        return same(regular.get(e.pack()), template.packs.get(e.pack()), e.offset(), e.end());
    }

    /** @return whether the blob's whole entry lies untouched at its offset in some regular pack */
    boolean intactAnywhere(BlobRef ref) {
        StoreTemplate.Entry e = template.entryOf.get(ref);
        byte[] pristine = template.packs.get(e.pack());
        for (byte[] file : regular.values()) {
            if (file.length >= e.end() && Arrays.equals(file, (int) e.offset(), (int) e.end(), pristine,
                    (int) e.offset(), (int) e.end())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return whether a dead entry of a deleted blob lies untouched in a pack file numbered after
     *     the pack it was written to (a pack copied or swapped there): a deletion covers the entries
     *     appended before it, and by their place such an entry was appended after it, as a put of
     *     the blob again would be
     */
    boolean deadEntryMovedLater(BlobRef ref) {
        String hex = ref.hex();
        for (Map.Entry<String, List<StoreTemplate.Entry>> p : template.entries.entrySet()) {
            byte[] pristine = template.packs.get(p.getKey());
            for (StoreTemplate.Entry e : p.getValue()) {
                if (!e.hash().equals(hex)) {
                    continue;
                }
                for (Map.Entry<String, byte[]> f : regular.entrySet()) {
                    if (f.getKey().compareTo(e.pack()) > 0 && same(f.getValue(), pristine, e.offset(), e.end())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * @return whether a walk from the start of the blob's pack reaches its entry header through
     *     untouched headers: the store can know the blob from the pack alone
     */
    boolean reachable(BlobRef ref) {
        StoreTemplate.Entry target = template.entryOf.get(ref);
        byte[] file = regular.get(target.pack());
        byte[] pristine = template.packs.get(target.pack());
        if (!same(file, pristine, 0, 64)) {
            return false;
        }
        for (StoreTemplate.Entry e : template.entries.get(target.pack())) {
            if (e.offset() > target.offset()) {
                break;
            }
            if (!same(file, pristine, e.offset(), e.offset() + Shards.ENTRY_HEADER)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the one sealed pack the damage touched when it kept that pack's length and touched
     *     at most two of its shards (so repair must restore it exactly), else null
     */
    String repairableSealedPack() {
        String damaged = null;
        for (String name : template.packNames()) {
            byte[] file = regular.get(name);
            byte[] pristine = template.packs.get(name);
            if (file != null && Arrays.equals(file, pristine)) {
                continue;
            }
            if (damaged != null || file == null || file.length != pristine.length || !template.sealed.contains(name)) {
                return null;
            }
            damaged = name;
        }
        if (damaged == null) {
            return null;
        }
        byte[] file = regular.get(damaged);
        byte[] pristine = template.packs.get(damaged);
        Set<Integer> shards = new TreeSet<>();
        for (int i = 0; i < file.length; i++) {
            if (file[i] != pristine[i]) {
                shards.add(Shards.of(template.shape.packSize(), i));
            }
        }
        return shards.size() <= 2 ? damaged : null;
    }
}
