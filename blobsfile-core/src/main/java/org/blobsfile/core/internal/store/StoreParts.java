package org.blobsfile.core.internal.store;

import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.index.StoreIndex;
import org.blobsfile.core.internal.pack.DeletionLog;
import org.blobsfile.core.internal.parity.Quarantine;
import org.blobsfile.core.internal.parity.SealingPipeline;

/**
 * The parts of an open store that its write side, read side and maintenance share.
 *
 * @param index      the index facade
 * @param sealing    the thread that seals closed packs and runs background repairs
 * @param quarantine the packs moved aside as beyond repair
 * @param meters     the running totals stats reports
 * @param deletions  the log of deleted blobs
 * @param archive    the store's side of its archive, or null when it has none
 */
record StoreParts(StoreIndex index, SealingPipeline sealing, Quarantine quarantine, StoreMeters meters, DeletionLog deletions,
                  ArchiveTier archive) {
}
