package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.small;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.OperationListener.Operation;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each successful call is one event with the bytes it moved, and every force of a pack is one too. */
class OperationListenerTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    /** One event as a listener saw it. */
    private record Event(Operation operation, long nanos, long bytes) {
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC_EACH", "GROUP"})
    void eachCallIsOneEventAndEachForceOfAPackIsOne(Durability durability) {
        Random rnd = SEED.random();
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        try (BlobStore store = small(tmp).durability(durability).open()) {
            long forcesBefore = store.stats().forces();
            store.addOperationListener((op, nanos, bytes) -> events.add(new Event(op, nanos, bytes)));
            byte[] a = random(rnd, 3);
            byte[] b = random(rnd, 101);
            BlobRef ra = store.put(a);
            store.put(BlobRef.of(org.blobsfile.core.internal.hash.Blake2b.hash(b, 0, b.length)), b);
            // eight 9,000-byte blobs overflow a 64 KiB pack: its closing force is timed as well
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(random(rnd, 9_000));
            }
            List<BlobRef> refs = store.putAll(batch);
            assertThat(store.get(ra)).isEqualTo(a);
            store.delete(ra);
            store.deleteAll(refs.subList(0, 2));
            assertThatThrownBy(() -> store.get(ra)).isInstanceOf(BlobNotFoundException.class);

            List<Event> calls = events.stream().filter(e -> e.operation() != Operation.FORCE).toList();
            assertThat(calls).extracting(Event::operation, Event::bytes).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Operation.PUT, 3L),
                    org.assertj.core.groups.Tuple.tuple(Operation.PUT, 101L),
                    org.assertj.core.groups.Tuple.tuple(Operation.PUT, 72_000L),
                    org.assertj.core.groups.Tuple.tuple(Operation.GET, 3L),
                    org.assertj.core.groups.Tuple.tuple(Operation.DELETE, 0L),
                    org.assertj.core.groups.Tuple.tuple(Operation.DELETE, 0L));
            assertThat(store.stats().packs()).as("the batch rolled over").isGreaterThan(1);
            assertThat(events.stream().filter(e -> e.operation() == Operation.FORCE).count())
                    .as("a FORCE event for each force stats counts").isEqualTo(store.stats().forces() - forcesBefore)
                    .isGreaterThanOrEqualTo(3);
            assertThat(events).allSatisfy(e -> assertThat(e.nanos()).isNotNegative());
        }
    }

    @Test
    void aListenerThatThrowsFailsNoOperation() {
        byte[] data = random(SEED.random(), 42);
        try (BlobStore store = small(tmp).open()) {
            store.addOperationListener((op, nanos, bytes) -> {
                throw new IllegalStateException("a broken metrics backend");
            });
            BlobRef ref = store.put(data);
            assertThat(store.get(ref)).isEqualTo(data);
            assertThat(store.delete(ref)).isTrue();
        }
    }
}
