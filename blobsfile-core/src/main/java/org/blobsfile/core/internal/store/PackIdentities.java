package org.blobsfile.core.internal.store;

import java.util.SortedSet;
import java.util.TreeSet;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackReaders;

/**
 * Which file each pack was when a read-only store opened, so that its verify can tell a pack
 * the process writing the store has since replaced (compacted, repaired, quarantined) from a
 * damaged one: its index is a view of that moment, and a replaced pack no longer matches it.
 * A file system without file keys tells nothing, and no pack is taken for replaced.
 */
final class PackIdentities {
    private final Object[] keys;

    private PackIdentities(Object[] keys) {
        this.keys = keys;
    }

    /** @return the identities of packs {@code 0..count-1} as they are now */
    static PackIdentities of(PackReaders readers, int count) {
        Object[] keys = new Object[count];
        for (int n = 0; n < count; n++) {
            keys[n] = PackFormat.fileKey(readers.path(n));
        }
        return new PackIdentities(keys);
    }

    /** @return whether pack {@code n}'s file is no longer the one seen at open: replaced, or gone */
    boolean replaced(PackReaders readers, int n) {
        return n < keys.length && keys[n] != null && !keys[n].equals(PackFormat.fileKey(readers.path(n)));
    }

    /** @return the packs whose file is no longer the one seen at open */
    SortedSet<Integer> replaced(PackReaders readers) {
        SortedSet<Integer> out = new TreeSet<>();
        for (int n = 0; n < keys.length; n++) {
            if (replaced(readers, n)) {
                out.add(n);
            }
        }
        return out;
    }
}
