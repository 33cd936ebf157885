package org.blobsfile.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.StoreStats;
import org.junit.jupiter.api.Test;

/**
 * Every value of {@link StoreStats} reaches the registry under its own name, with its own value:
 * a value added to {@code StoreStats} without a meter fails here, named.
 */
class StatsMetersTest {
    private static final Path DIR = Path.of("/var/lib/blobs/crafted");

    @Test
    void everyStatsValueIsAMeterAnInfoTagOrLeftOutOnPurpose() throws Exception {
        StoreStats crafted = crafted();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new BlobStoreMetrics(storeReturning(() -> crafted, new AtomicInteger())).bindTo(registry);
        Map<String, Double> samples = Scrape.parse(registry.scrape());
        String info = registry.scrape().lines().filter(l -> l.startsWith("blobsfile_info{")).findFirst().orElseThrow();

        Set<String> seen = new HashSet<>();
        for (Method accessor : accessors()) {
            String name = accessor.getName();
            Object value = accessor.invoke(crafted);
            StatsMeters.Stat stat = StatsMeters.ALL.stream().filter(s -> s.accessor().equals(name)).findFirst().orElse(null);
            if (stat != null) {
                String series = Scrape.name(stat) + "{store=\"crafted\"}";
                double expected = value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
                assertThat(samples.get(series)).as("StoreStats.%s as %s", name, series).isEqualTo(expected);
                seen.add(name);
            } else if (StatsMeters.INFO_TAGS.contains(name)) {
                assertThat(info).as("StoreStats.%s as a tag of blobsfile_info", name)
                        .contains(name + "=\"" + value + "\"");
            } else if (!StatsMeters.LEFT_OUT.contains(name)) {
                fail("StoreStats.%s has no meter: add it to StatsMeters.ALL as a COUNTER (a count that only grows)"
                        + " or a GAUGE (a level), or to INFO_TAGS or LEFT_OUT", name);
            }
        }
        List<String> unknown = new ArrayList<>();
        StatsMeters.ALL.forEach(s -> unknown.add(s.accessor()));
        unknown.removeAll(seen);
        assertThat(unknown).as("StatsMeters.ALL names no accessor StoreStats lacks").isEmpty();
    }

    @Test
    void meterNamesAreTheAccessorsWordsAfterBlobsfile() {
        assertThat(StatsMeters.meterName("bytesWritten")).isEqualTo("blobsfile.bytes.written");
        assertThat(StatsMeters.meterName("puts")).isEqualTo("blobsfile.puts");
        assertThat(StatsMeters.meterName("sealedPacks")).isEqualTo("blobsfile.sealed.packs");
    }

    @Test
    void oneSnapshotServesEveryMeterOfAScrape() {
        AtomicInteger calls = new AtomicInteger();
        AtomicLong clock = new AtomicLong(5_000);
        BlobStore store = storeReturning(() -> crafted(), calls);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new BlobStoreMetrics(store, "s", new StatsSnapshot(store, 1_000, clock::get)).bindTo(registry);
        assertThat(calls).as("binding reads the names once").hasValue(1);

        registry.scrape();
        assertThat(calls).as("a scrape within the snapshot's age").hasValue(1);
        clock.addAndGet(1_000);
        registry.scrape();
        assertThat(calls).as("a scrape once the snapshot is old: one snapshot for %s meters", StatsMeters.ALL.size())
                .hasValue(2);
        clock.addAndGet(999);
        registry.scrape();
        assertThat(calls).hasValue(2);
    }

    /** A snapshot with a different value in every field, so that a meter reading the wrong one shows. */
    private static StoreStats crafted() {
        StoreStats.Builder b = StoreStats.builder();
        long next = 1_001;
        try {
            for (Method m : StoreStats.Builder.class.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || m.getParameterCount() != 1) {
                    continue;
                }
                Class<?> t = m.getParameterTypes()[0];
                next += 17;
                if (t == long.class) {
                    m.invoke(b, next);
                } else if (t == int.class) {
                    m.invoke(b, (int) next);
                } else if (t == boolean.class) {
                    m.invoke(b, true);
                } else if (t == String.class) {
                    m.invoke(b, "text" + next);
                } else if (t == Durability.class) {
                    m.invoke(b, Durability.SYNC_EACH);
                } else if (t == Map.class) {
                    m.invoke(b, Map.of(3, next));
                } else {
                    fail("StoreStats.Builder.%s takes a %s this test cannot make up", m.getName(), t);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return b.build();
    }

    /** Every value a snapshot reports: its public instance methods without parameters, bar Object's. */
    private static List<Method> accessors() {
        List<Method> out = new ArrayList<>();
        for (Method m : StoreStats.class.getDeclaredMethods()) {
            int mods = m.getModifiers();
            if (Modifier.isPublic(mods) && !Modifier.isStatic(mods) && m.getParameterCount() == 0
                    && !m.getName().equals("hashCode") && !m.getName().equals("toString")) {
                out.add(m);
            }
        }
        assertThat(out).as("StoreStats accessors").hasSizeGreaterThanOrEqualTo(30);
        return out;
    }

    /** @return a store whose stats come from {@code stats}, counted in {@code calls}, and that does nothing else */
    private static BlobStore storeReturning(java.util.function.Supplier<StoreStats> stats, AtomicInteger calls) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "stats" -> {
                        calls.incrementAndGet();
                        yield stats.get();
                    }
                    case "directory" -> DIR;
                    case "addOperationListener" -> null;
                    case "toString" -> "crafted store";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
