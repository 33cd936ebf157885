package org.blobsfile.core.internal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Makes items {@code 0..n-1} on several threads and hands them, in index order, to a sink in
 * the calling thread as soon as they are ready, so the sink's serial work (a putAll's append)
 * overlaps with making the items that follow instead of waiting for the last of them.
 *
 * <p>The calling thread makes items too whenever none is ready for the sink. The helpers run in
 * the fork/join pool of the calling thread, or the common pool outside one, as parallel streams
 * do: called from the only worker of a one-thread pool, everything runs serially in that worker.
 */
final class OrderedPipeline {
    private OrderedPipeline() {
    }

    /**
     * Makes every item and hands each to {@code sink} exactly once, in index order, in runs of
     * consecutive items that were ready together. Returns once the sink has taken the last one.
     * The first failure of {@code make} or {@code sink} is thrown; the helpers then stop
     * taking new items and this method waits for them before throwing.
     *
     * @param n    how many items
     * @param make makes item {@code i}; called from any of the threads, at most once per index
     * @param sink takes runs of items, always in the calling thread
     * @param <T>  the item type
     */
    static <T> void run(int n, IntFunction<T> make, Consumer<List<T>> sink) {
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<T>> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slots.add(new CompletableFuture<>());
        }
        Runnable helper = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                makeInto(slots.get(i), make, i);
            }
        };
        List<ForkJoinTask<?>> helpers = new ArrayList<>();
        for (int h = Math.min(n - 1, parallelism()); h > 0; h--) {
            helpers.add(ForkJoinTask.adapt(helper).fork());
        }
        try {
            int handed = 0;
            while (handed < n) {
                List<T> run = new ArrayList<>();
                while (handed < n && slots.get(handed).isDone()) {
                    run.add(result(slots.get(handed++)));
                }
                if (!run.isEmpty()) {
                    sink.accept(run);
                    continue;
                }
                int mine = next.getAndIncrement();
                if (mine < n) {
                    makeInto(slots.get(mine), make, mine);
                } else {
                    // every item is taken: wait for the one the sink needs next
                    sink.accept(List.of(result(slots.get(handed++))));
                }
            }
        } finally {
            next.set(n); // helpers stop at their next item
            for (ForkJoinTask<?> t : helpers) {
                if (!t.tryUnfork()) {
                    t.quietlyJoin();
                }
            }
        }
    }

    /** @return how many threads besides the caller the caller's pool lends to a task */
    private static int parallelism() {
        ForkJoinPool pool = ForkJoinTask.getPool();
        return pool != null ? pool.getParallelism() - 1 : ForkJoinPool.getCommonPoolParallelism();
    }

    private static <T> void makeInto(CompletableFuture<T> slot, IntFunction<T> make, int i) {
        try {
            slot.complete(make.apply(i));
        } catch (Throwable t) {
            slot.completeExceptionally(t);
        }
    }

    private static <T> T result(CompletableFuture<T> slot) {
        try {
            return slot.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
