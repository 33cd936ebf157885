package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pipeline hands every item once, in order, to the caller's sink, and stops on a failure. */
class OrderedPipelineTest {
    @Test
    void everyItemReachesTheSinkOnceInOrderInTheCallingThread() {
        Thread caller = Thread.currentThread();
        List<Integer> seen = new ArrayList<>();
        AtomicInteger made = new AtomicInteger();
        OrderedPipeline.run(500, i -> {
            made.incrementAndGet();
            return i;
        }, run -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            seen.addAll(run);
        });
        assertThat(seen).containsExactlyElementsOf(IntStream.range(0, 500).boxed().toList());
        assertThat(made).hasValue(500);
    }

    @Test
    void fromTheOnlyWorkerOfAOneThreadPoolEverythingRunsInThatWorker() throws Exception {
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            Set<Thread> makers = ConcurrentHashMap.newKeySet();
            Thread worker = one.submit(() -> {
                OrderedPipeline.run(100, i -> {
                    makers.add(Thread.currentThread());
                    return i;
                }, run -> { });
                return Thread.currentThread();
            }).get();
            assertThat(makers).containsExactly(worker);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aFailureToMakeAnItemIsThrownAndNothingFromItOnReachesTheSink() {
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> OrderedPipeline.run(50, i -> {
            if (i == 20) {
                throw new IllegalStateException("item 20");
            }
            return i;
        }, seen::addAll)).isInstanceOf(IllegalStateException.class).hasMessage("item 20");
        // what the sink took before the failure was seen, if anything, is a prefix of the items
        assertThat(seen).hasSizeLessThanOrEqualTo(20).isEqualTo(IntStream.range(0, seen.size()).boxed().toList());
    }

    @Test
    void aFailingSinkStopsThePipeline() {
        AtomicInteger handed = new AtomicInteger();
        assertThatThrownBy(() -> OrderedPipeline.run(1000, i -> i, run -> {
            if (handed.addAndGet(run.size()) > 10) {
                throw new IllegalArgumentException("sink full");
            }
        })).hasMessage("sink full");
    }
}
