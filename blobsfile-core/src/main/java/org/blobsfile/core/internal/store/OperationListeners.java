package org.blobsfile.core.internal.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.blobsfile.api.OperationListener;
import org.blobsfile.api.OperationListener.Operation;
import org.blobsfile.core.internal.io.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's {@link OperationListener}s and the timing of an operation for them. Until one is
 * registered, timing an operation reads no clock and allocates nothing: a store nobody measures
 * pays one volatile read per operation.
 */
final class OperationListeners {
    private static final Logger LOG = LoggerFactory.getLogger(OperationListeners.class);

    /** An operation being timed, told once when it has succeeded. */
    @FunctionalInterface
    interface Timing {
        /**
         * @param operation what was done
         * @param bytes     the blobs' bytes it moved, or 0
         */
        void completed(Operation operation, long bytes);
    }

    private static final Timing UNTIMED = (operation, bytes) -> {
    };

    private final List<OperationListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean any;

    /** @param listener told of every operation timed from now on */
    void add(OperationListener listener) {
        listeners.add(listener);
        any = true;
    }

    /** @return a timing that starts now, or one that does nothing when no listener is registered */
    Timing start() {
        if (!any) {
            return UNTIMED;
        }
        long started = System.nanoTime();
        return (operation, bytes) -> tell(operation, System.nanoTime() - started, bytes);
    }

    private void tell(Operation operation, long nanos, long bytes) {
        for (OperationListener l : listeners) {
            try {
                l.completed(operation, nanos, bytes);
            } catch (RuntimeException e) {
                // the operation succeeded; a metric that failed must not say otherwise
                Failures.error(LOG, "operation listener " + l + " failed for a " + operation + ": "
                        + Failures.describe(e), e);
            }
        }
    }
}
