package org.blobsfile.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreStats;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real store bound to Micrometer's Prometheus registry, read back from its scrape. */
class BlobStoreMetricsTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void theScrapeShowsTheStoresStatsAndTimesEveryOperation() {
        Random rnd = SEED.random();
        try (BlobStore store = BlobStore.builder(tmp.resolve("photos")).index("h2").open()) {
            bindFresh(store);
            List<BlobRef> refs = new ArrayList<>();
            int puts = 17 + rnd.nextInt(20);
            for (int i = 0; i < puts; i++) {
                byte[] b = new byte[1 + rnd.nextInt(5_000)];
                rnd.nextBytes(b);
                refs.add(store.put(b));
            }
            store.put(store.get(refs.get(0))); // a duplicate, after a get
            int gets = 5 + rnd.nextInt(10);
            for (int i = 0; i < gets; i++) {
                store.get(refs.get(rnd.nextInt(refs.size())));
            }
            store.delete(refs.get(1));

            Map<String, Double> samples = Scrape.parse(registry.scrape());
            StoreStats stats = store.stats();
            assertThat(stats.puts()).isEqualTo(puts + 1);
            assertThat(stats.forces()).isPositive();
            for (StatsMeters.Stat s : StatsMeters.ALL) {
                String series = Scrape.name(s) + "{store=\"photos\"}";
                assertThat(samples.get(series)).as(series).isEqualTo(s.value().applyAsDouble(stats));
            }
            assertThat(samples).containsEntry("blobsfile_puts_total{store=\"photos\"}", puts + 1.0)
                    .containsEntry("blobsfile_gets_total{store=\"photos\"}", gets + 1.0)
                    .containsEntry("blobsfile_deduped_puts_total{store=\"photos\"}", 1.0)
                    .containsEntry("blobsfile_deleted_blobs{store=\"photos\"}", 1.0)
                    .containsEntry("blobsfile_info{archive=\"none\",codec=\"none\",durability=\"GROUP\",index=\"h2\","
                            + "store=\"photos\"}", 1.0);

            long[] counts = {puts + 1, gets + 1, 1, stats.forces()};
            String[] operations = {"put", "get", "delete", "force"};
            for (int i = 0; i < operations.length; i++) {
                String op = operations[i];
                assertThat(timer(op).count()).as(op).isEqualTo(counts[i]);
                String labels = "{operation=\"" + op + "\",store=\"photos\"}";
                assertThat(samples).as(op).containsEntry("blobsfile_operations_seconds_count" + labels, (double) counts[i])
                        .containsEntry("blobsfile_operations_seconds_bucket{operation=\"" + op
                                + "\",store=\"photos\",le=\"+Inf\"}", (double) counts[i]);
                double last = 0;
                for (String q : new String[] {"0.5", "0.95", "0.99"}) {
                    String series = "blobsfile_operations_latency_seconds{operation=\"" + op + "\",quantile=\"" + q
                            + "\",store=\"photos\"}";
                    assertThat(samples).as(series).containsKey(series);
                    assertThat(samples.get(series)).as(series).isPositive().isGreaterThanOrEqualTo(last);
                    last = samples.get(series);
                }
            }
            assertThat(samples).containsEntry("blobsfile_blob_size_bytes_count{operation=\"put\",store=\"photos\"}",
                    puts + 1.0);
        }
    }

    @Test
    void aClosedStoresMetersKeepTheirLastValuesAndTheScrapeGoesOn() {
        try (BlobStore store = BlobStore.builder(tmp.resolve("closing")).index("h2").open()) {
            bindFresh(store);
            store.put(new byte[] {1, 2, 3});
            store.put(new byte[] {4, 5});
            assertThat(Scrape.parse(registry.scrape())).containsEntry("blobsfile_puts_total{store=\"closing\"}", 2.0);
        }
        Map<String, Double> after = Scrape.parse(registry.scrape());
        assertThat(after).containsEntry("blobsfile_puts_total{store=\"closing\"}", 2.0)
                .containsEntry("blobsfile_blobs{store=\"closing\"}", 2.0);
    }

    @Test
    void theStoreTagIsTheDirectorysNameUnlessNamed() {
        try (BlobStore store = BlobStore.builder(tmp.resolve("a").resolve("..").resolve("media")).index("h2").open()) {
            assertThat(new BlobStoreMetrics(store).storeName()).isEqualTo("media");
            new BlobStoreMetrics(store, "primary").bindTo(registry);
            assertThat(registry.get("blobsfile.blobs").tag("store", "primary").gauge().value()).isZero();
        }
    }

    @Test
    void bindingTwiceToOneRegistryTimesEachOperationOnce() {
        try (BlobStore store = BlobStore.builder(tmp.resolve("twice")).index("h2").open()) {
            BlobStoreMetrics metrics = new BlobStoreMetrics(store);
            metrics.bindTo(registry);
            metrics.bindTo(registry);
            store.put(new byte[] {7});
            assertThat(registry.get(OperationTimers.TIMER).tag("operation", "put").timer().count()).isEqualTo(1);
        }
    }

    /** Binds the store with a snapshot taken at every read, so that a scrape shows what stats() shows right after. */
    private void bindFresh(BlobStore store) {
        new BlobStoreMetrics(store, BlobStoreMetrics.defaultName(store), new StatsSnapshot(store, 0, System::nanoTime))
                .bindTo(registry);
    }

    private Timer timer(String operation) {
        return registry.get(OperationTimers.TIMER).tag("store", "photos").tag("operation", operation).timer();
    }
}
