package org.blobsfile.core.internal.index;

import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * The packs whose local file was evicted to the archive, and their entries as their manifests
 * list them: what a walk of the index finds in a pack it cannot read here. A rebuild takes an
 * evicted pack's entries from here, so evicting never takes a blob out of the index.
 */
public interface EvictedPacks {
    /** A store without evicted packs. */
    EvictedPacks NONE = new EvictedPacks() {
        @Override
        public boolean isEvicted(int pack) {
            return false;
        }

        @Override
        public void entries(int pack, BiConsumer<byte[], Location> sink) {
            throw new IllegalStateException("pack " + pack + " is not evicted");
        }
    };

    /**
     * @param pack a pack number
     * @return whether its local file was evicted
     */
    boolean isEvicted(int pack);

    /**
     * @param pack an evicted pack
     * @param sink told of each blob entry, in file order, with where the index places it
     * @throws IOException when its manifest cannot be read
     */
    void entries(int pack, BiConsumer<byte[], Location> sink) throws IOException;
}
