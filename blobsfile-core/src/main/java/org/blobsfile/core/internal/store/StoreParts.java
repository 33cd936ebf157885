package org.blobsfile.core.internal.store;

import org.blobsfile.core.internal.archive.ArchiveUploader;
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
 * @param archive    what copies sealed packs to the archive, or null when the store has none or is read-only
 */
record StoreParts(StoreIndex index, SealingPipeline sealing, Quarantine quarantine, StoreMeters meters, DeletionLog deletions,
                  ArchiveUploader archive) {
}
