package org.blobsfile.core.internal.index;

import java.io.IOException;

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
        public void entries(int pack, Sink sink) {
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
     * @throws IOException when its manifest cannot be read, or the sink throws; it ends the listing
     */
    void entries(int pack, Sink sink) throws IOException;

    /** Receives an evicted pack's entries. */
    interface Sink {
        /**
         * @param key      the entry's hash
         * @param location where it is, as the index should hold it
         * @throws IOException what the sink's own reads or writes threw
         */
        void entry(byte[] key, Location location) throws IOException;
    }
}
