package org.blobsfile.core.internal.store;

import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.core.internal.index.IndexMeta;
import org.blobsfile.core.internal.pack.PackWriter;

/**
 * A run of entries placed in the active pack, written or only reserved, and what recording them
 * in the index takes: what the write side hands to the {@link Durability} after every append.
 *
 * @param writer     the pack the run ends in (it may have rolled over from an earlier one)
 * @param batch      the index records of every entry of the run
 * @param checkpoint where the packs end with the run
 * @param counters   the totals over the index once the run is in it
 */
record Reservation(PackWriter writer, IndexBatch batch, IndexMeta.Checkpoint checkpoint, IndexMeta.Counters counters) {
}
