package org.blobsfile.cli;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.blobsfile.api.BlobStore;
import org.blobsfile.micrometer.BlobStoreMetrics;

/** {@code stat --prometheus}: a store's meters, bound as an application binds them, in the Prometheus text format. */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * @param store an open store
     * @return one scrape of its meters
     */
    static String of(BlobStore store) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            // one invocation times no operation: its latency and size meters would print only zeros
            registry.config().meterFilter(MeterFilter.deny(id -> id.getTag("operation") != null));
            new BlobStoreMetrics(store).bindTo(registry);
            return registry.scrape();
        } finally {
            registry.close();
        }
    }
}
