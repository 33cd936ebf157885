package org.blobsfile.core.internal.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * The running totals of one open store that {@link org.blobsfile.api.StoreStats} reports, shared
 * by the parts of the store that count them. Each is a {@link LongAdder}: many threads add, and
 * only stats read.
 */
final class StoreMeters {
    /** Blobs given to put and putAll, stored or not. */
    final LongAdder puts = new LongAdder();
    /** Puts that found their blob stored already. */
    final LongAdder dedupedPuts = new LongAdder();
    final LongAdder gets = new LongAdder();
    /** Entry bytes (header and payload) appended to packs. */
    final LongAdder bytesWritten = new LongAdder();
    /** Payload bytes read by gets. */
    final LongAdder bytesRead = new LongAdder();
    /** Forces of pack files, rollovers included. */
    final LongAdder forces = new LongAdder();
    final LongAdder indexRebuilds = new LongAdder();
    /** Packs repaired from parity, by repair or in the background. */
    final LongAdder repairs = new LongAdder();
    /** Reads that rebuilt their blob from parity. */
    final LongAdder healedReads = new LongAdder();
    /** GROUP index batches written, and the entries they carried. */
    final LongAdder groupCommits = new LongAdder();
    final LongAdder groupedEntries = new LongAdder();
    /** Who times puts, gets, deletes and forces: no one until a listener is added. */
    final OperationListeners operations = new OperationListeners();
}
