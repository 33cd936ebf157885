package org.blobsfile.core.internal.io;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waits and channel I/O that an interrupt does not cut short. The store's calls see their work
 * through and hand the interrupt back (see {@link org.blobsfile.api.BlobStore}): a call that
 * stopped waiting for its helpers would return while they still read or write its files, and an
 * interrupt closes a {@code FileChannel} for every thread that shares it.
 */
public final class Uninterruptibly {
    /**
     * How often channel work may find its channel closed before it even began, and start over,
     * before giving up: a bound against a reopen that does not reopen. A close while the work
     * runs is an interrupt's, here or in another thread on the channel (a close on purpose is
     * refused by the reopen), so that work starts over for as long as interrupts keep coming:
     * a bound there turned a long enough stream of interrupts into a failed put.
     */
    static final int MAX_REOPENS = 1000;

    private Uninterruptibly() {
    }

    /** Channel work, done again in whole when its channel was closed under it. */
    public interface ChannelWork<T> {
        /**
         * Does the work once, from the start; it may run again after a close, so it reads or
         * writes at fixed positions and keeps no progress between runs.
         *
         * @return the work's result
         * @throws IOException what the I/O threw; a {@link ClosedChannelException} makes it run again
         */
        T run() throws IOException;
    }

    /** Puts an open channel where the work will find it, or throws {@code closed} when it must not. */
    public interface Reopen {
        /**
         * @param closed how the work found its channel closed
         * @throws IOException {@code closed} itself when the channel was closed on purpose (its
         *                     owner was closed), or why opening it again failed
         */
        void reopen(ClosedChannelException closed) throws IOException;
    }

    /**
     * Runs {@code work} with the thread's interrupt held back. When its channel is closed under
     * it anyway (by an interrupt sent meanwhile, to this thread or to another user of the
     * channel), {@code reopen} replaces the channel and the work runs again; the work must
     * therefore read or write at fixed positions. The interrupt is set again at the end. The
     * work is repeated as long as interrupts close the channel under it, and at most
     * {@link #MAX_REOPENS} times when it finds the channel closed already.
     *
     * @param <T>    the work's result type
     * @param work   the channel work
     * @param reopen puts an open channel in place after a close, or refuses
     * @return what the work returned
     * @throws IOException what the work or {@code reopen} threw, other than a closed channel
     */
    public static <T> T io(ChannelWork<T> work, Reopen reopen) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            int foundClosed = 0;
            while (true) {
                try {
                    return work.run();
                } catch (ClosedChannelException e) {
                    if (e instanceof ClosedByInterruptException) {
                        interrupted = true;
                        Thread.interrupted();
                    }
                    if (!(e instanceof AsynchronousCloseException) && ++foundClosed > MAX_REOPENS) {
                        throw e;
                    }
                    reopen.reopen(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for {@code f}; an interrupt that arrives meanwhile is set again once it is done.
     *
     * @param <T> the result type
     * @param f   the future to wait for
     * @return the result of {@code f}
     * @throws ExecutionException if {@code f} failed
     */
    public static <T> T get(Future<T> f) throws ExecutionException {
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
