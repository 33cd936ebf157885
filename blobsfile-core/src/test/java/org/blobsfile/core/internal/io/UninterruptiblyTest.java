package org.blobsfile.core.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** How channel work is repeated after closes: interrupts never make it fail, a channel that stays closed does. */
class UninterruptiblyTest {
    /** Far more closes than {@link Uninterruptibly#MAX_REOPENS}, as a long stream of interrupts causes. */
    private static final int CLOSES = 3 * Uninterruptibly.MAX_REOPENS;

    @Test
    void workClosedUnderItByInterruptsOfThisThreadEndsDoneAndTheInterruptIsHandedBack() throws Exception {
        int[] runs = {0};
        int[] reopens = {0};
        String done = Uninterruptibly.io(() -> {
            if (++runs[0] <= CLOSES) {
                throw new ClosedByInterruptException();
            }
            return "done";
        }, closed -> reopens[0]++);
        assertThat(done).isEqualTo("done");
        assertThat(runs[0]).isEqualTo(CLOSES + 1);
        assertThat(reopens[0]).isEqualTo(CLOSES);
        assertThat(Thread.interrupted()).as("the interrupt is set again").isTrue();
    }

    @Test
    void workClosedUnderItByOtherThreadsEndsDoneWithoutAnInterrupt() throws Exception {
        int[] runs = {0};
        String done = Uninterruptibly.io(() -> {
            if (++runs[0] <= CLOSES) {
                throw new AsynchronousCloseException();
            }
            return "done";
        }, closed -> { });
        assertThat(done).isEqualTo("done");
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void aChannelThatStaysClosedFailsAfterTheBound() {
        int[] runs = {0};
        assertThatThrownBy(() -> Uninterruptibly.io(() -> {
            runs[0]++;
            throw new ClosedChannelException();
        }, closed -> { })).isInstanceOf(ClosedChannelException.class);
        assertThat(runs[0]).isEqualTo(Uninterruptibly.MAX_REOPENS + 1);
    }

    @Test
    void aCloseTheReopenRefusesIsThrownAtOnce() {
        int[] runs = {0};
        ClosedChannelException onPurpose = new AsynchronousCloseException();
        assertThatThrownBy(() -> Uninterruptibly.io(() -> {
            runs[0]++;
            throw onPurpose;
        }, closed -> {
            throw closed;
        })).isSameAs(onPurpose);
        assertThat(runs[0]).isEqualTo(1);
    }
}
