package org.blobsfile.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreStats;

/**
 * Binds a store to a Micrometer {@link MeterRegistry}: every number of {@link BlobStore#stats()}
 * as a meter named {@code blobsfile.*} (counts that only grow as function counters, levels as
 * gauges, flags as gauges of 0 or 1), the codec, index, durability and archive as tags of a
 * {@code blobsfile.info} gauge, and the latency of puts, gets, deletes and forces as timers
 * ({@code blobsfile.operations}, tagged {@code operation}) with p50, p95, p99 and a histogram.
 * Every meter carries a {@code store} tag.
 *
 * <pre>{@code
 * BlobStore store = BlobStore.builder(dir).open();
 * new BlobStoreMetrics(store).bindTo(registry);    // store="<the directory's name>"
 * }</pre>
 *
 * <p>A scrape takes one stats snapshot, reused by every meter for up to {@link #STATS_MAX_AGE}.
 * Once the store is closed its meters keep their last values; remove them from the registry
 * to let the store go. Timing starts when the store is bound: before that, a store reads no clock
 * for its operations. Bind a store once per registry. Thread-safe.
 */
public final class BlobStoreMetrics implements MeterBinder {
    /** How long a stats snapshot is reused for: long enough for one scrape of every meter. */
    public static final Duration STATS_MAX_AGE = Duration.ofSeconds(1);

    private final BlobStore store;
    private final String name;
    private final StatsSnapshot stats;
    private final Set<MeterRegistry> bound = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    /**
     * Binds a store under the name of its directory.
     *
     * @param store an open store
     */
    public BlobStoreMetrics(BlobStore store) {
        this(store, defaultName(store));
    }

    /**
     * @param store an open store
     * @param name  the value of every meter's {@code store} tag
     */
    public BlobStoreMetrics(BlobStore store, String name) {
        this(store, name, new StatsSnapshot(store, STATS_MAX_AGE.toNanos(), System::nanoTime));
    }

    /** For tests: stats taken as {@code stats} says. */
    BlobStoreMetrics(BlobStore store, String name, StatsSnapshot stats) {
        this.store = Objects.requireNonNull(store, "store");
        this.name = Objects.requireNonNull(name, "name");
        this.stats = stats;
    }

    /**
     * @param store a store
     * @return the file name of its directory, the default {@code store} tag
     */
    public static String defaultName(BlobStore store) {
        Path dir = store.directory().toAbsolutePath().normalize();
        Path file = dir.getFileName();
        return file == null ? dir.toString() : file.toString();
    }

    /** @return the value of the {@code store} tag */
    public String storeName() {
        return name;
    }

    /**
     * Registers the store's meters and starts timing its operations. Binding again to the same
     * registry does nothing.
     *
     * @param registry where the meters go
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (!bound.add(registry)) {
            return; // a second listener would count every operation twice
        }
        Tags tags = Tags.of("store", name);
        StatsSnapshot snapshot = stats;
        for (StatsMeters.Stat s : StatsMeters.ALL) {
            // the registry holds the store weakly; the function, and so the store, strongly
            if (s.kind() == StatsMeters.Kind.COUNTER) {
                FunctionCounter.builder(s.meterName(), store, st -> s.value().applyAsDouble(snapshot.get()))
                        .description(s.description()).tags(tags).register(registry);
            } else {
                Gauge.builder(s.meterName(), store, st -> s.value().applyAsDouble(snapshot.get()))
                        .description(s.description()).tags(tags).register(registry);
            }
        }
        StoreStats now = snapshot.get();
        Gauge.builder("blobsfile.info", () -> 1)
                .description("Always 1; the tags say the codec, index, durability and archive the store was opened with")
                .tags(tags).tag("codec", String.valueOf(now.codec())).tag("index", String.valueOf(now.index()))
                .tag("durability", String.valueOf(now.durability()))
                .tag("archive", now.archive().isEmpty() ? "none" : now.archive())
                .register(registry);
        store.addOperationListener(new OperationTimers(registry, tags));
    }
}
