package org.blobsfile.api;

/**
 * Told how long each of a store's operations took, for latency metrics. Register one with
 * {@link BlobStore#addOperationListener}; a store with none measures nothing, not even the time.
 *
 * <p>Called in the thread that did the operation, after it succeeded and before the call returns
 * (a {@link Operation#FORCE} in the thread that forced), so implementations must be thread-safe
 * and quick. One that throws is logged and ignored: the operation still succeeds.
 */
@FunctionalInterface
public interface OperationListener {
    /** What was timed. */
    enum Operation {
        /**
         * A call of {@code put} (of an array, a stream or a file), or of {@code putAll} (the whole
         * batch one operation), timed until it returns: until the blobs are as durable as the
         * store's durability mode says.
         */
        PUT,
        /**
         * A call of {@code get} that returned the blob, its hash checked; or of
         * {@code get(ref, out)} that wrote all of it (a stream from {@code open} is not timed).
         */
        GET,
        /** A call of {@code delete} or {@code deleteAll}. */
        DELETE,
        /** A force (fsync) of a pack file: a put's, a group commit's, a full pack's as it is closed, or maintenance's. */
        FORCE
    }

    /**
     * @param operation what was done
     * @param nanos     how long it took, in nanoseconds
     * @param bytes     the blobs' bytes it moved: the bytes put (for a batch, their sum) or got;
     *                  0 for {@link Operation#DELETE} and {@link Operation#FORCE}
     */
    void completed(Operation operation, long nanos, long bytes);
}
