package org.blobsfile.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waits that an interrupt does not cut short. The store's calls see their work through and hand
 * the interrupt back (see {@link org.blobsfile.api.BlobStore}); a call that stopped waiting for
 * its helpers would return while they still read or write its files.
 */
final class Uninterruptibly {
    private Uninterruptibly() {
    }

    /**
     * Waits for {@code f}; an interrupt that arrives meanwhile is set again once it is done.
     *
     * @return the result of {@code f}
     * @throws ExecutionException if {@code f} failed
     */
    static <T> T get(Future<T> f) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
