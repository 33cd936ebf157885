package org.blobsfile.micrometer;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.OperationListener;

/**
 * The latency of a store's operations as timers, one per operation ({@code blobsfile.operations}
 * tagged {@code operation=put|get|delete|force}), each publishing a percentile histogram, and
 * its p50, p95 and p99 as gauges ({@code blobsfile.operations.latency}, tagged {@code quantile});
 * and the size of the blobs put and got ({@code blobsfile.blob.size}).
 * Registered with the store as its listener; thread-safe.
 */
final class OperationTimers implements OperationListener {
    /** The timer of every operation. */
    static final String TIMER = "blobsfile.operations";
    /** The sizes of the blobs each put and get moved (a batch's sum for putAll). */
    static final String SIZE = "blobsfile.blob.size";
    /**
     * The gauges of each timer's percentiles, tagged {@code quantile}; not the timer's own
     * {@code .percentile} meters, which a registry publishing the histogram (Prometheus') leaves out.
     */
    static final String LATENCY = "blobsfile.operations.latency";
    /** The percentiles every timer publishes. */
    static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private final Map<Operation, Timer> timers = new EnumMap<>(Operation.class);
    private final Map<Operation, DistributionSummary> sizes = new EnumMap<>(Operation.class);

    /**
     * @param registry where the meters are registered
     * @param tags     the store's tags
     */
    OperationTimers(MeterRegistry registry, Tags tags) {
        for (Operation op : Operation.values()) {
            String name = op.name().toLowerCase(Locale.ROOT);
            timers.put(op, Timer.builder(TIMER)
                    .description("Latency of the store's operations, each successful one from call to return")
                    .tags(tags).tag("operation", name)
                    .publishPercentiles(PERCENTILES).publishPercentileHistogram()
                    // a get from the page cache or a force of a few entries takes tens of microseconds
                    .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry));
            Timer timer = timers.get(op);
            for (double phi : PERCENTILES) {
                Gauge.builder(LATENCY, timer, t -> percentile(t, phi))
                        .description("Latency of the store's operations at a percentile, over the last few minutes")
                        .baseUnit("seconds").tags(tags).tag("operation", name).tag("quantile", String.valueOf(phi))
                        .strongReference(true).register(registry);
            }
            if (op == Operation.PUT || op == Operation.GET) {
                sizes.put(op, DistributionSummary.builder(SIZE)
                        .description("Bytes of the blobs each put (a batch's sum) or get moved")
                        .baseUnit("bytes").tags(tags).tag("operation", name)
                        .register(registry));
            }
        }
    }

    /** @return the timer's latency at {@code phi}, in seconds, as its last snapshot computed it */
    private static double percentile(Timer timer, double phi) {
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            if (v.percentile() == phi) {
                return v.value(TimeUnit.SECONDS);
            }
        }
        return Double.NaN;
    }

    @Override
    public void completed(Operation operation, long nanos, long bytes) {
        timers.get(operation).record(nanos, TimeUnit.NANOSECONDS);
        DistributionSummary size = sizes.get(operation);
        if (size != null) {
            size.record(bytes);
        }
    }
}
