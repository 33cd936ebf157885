package org.blobsfile.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.blobsfile.api.BlobStore;
import org.blobsfile.core.testing.StoreTestSupport;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StoreMBeansTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @Test
    void thePlatformServerReadsTheCountersUntilTheRegistrationCloses() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (BlobStore store = StoreTestSupport.small(tmp).open()) {
            ObjectName name;
            try (StoreMBeans.Registration jmx = StoreMBeans.register(store)) {
                name = jmx.objectName();
                assertThat(name).isEqualTo(new ObjectName("org.blobsfile:type=BlobStore,dir="
                        + ObjectName.quote(tmp.toAbsolutePath().toString())));
                assertThat(server.getAttribute(name, "Blobs")).isEqualTo(0L);

                store.put(new byte[] {1, 2, 3});
                store.put(new byte[] {1, 2, 3});
                assertThat(server.getAttribute(name, "Blobs")).isEqualTo(1L);
                assertThat(server.getAttribute(name, "Bytes")).isEqualTo(3L);
                assertThat(server.getAttribute(name, "Puts")).isEqualTo(2L);
                assertThat(server.getAttribute(name, "DedupedPuts")).isEqualTo(1L);
                assertThat(server.getAttribute(name, "Packs")).isEqualTo(1);
                assertThat(server.getAttribute(name, "MaxPackSize")).isEqualTo(64L * 1024);
                assertThat(server.getAttribute(name, "Durability")).isEqualTo("GROUP");
                assertThat(server.getAttribute(name, "UncleanShutdown")).isEqualTo(false);
                assertThat(server.getAttribute(name, "Directory")).isEqualTo(tmp.toAbsolutePath().toString());
                assertThat(server.isRegistered(name)).isTrue();
            }
            assertThat(server.isRegistered(name)).isFalse();
        }
    }

    @Test
    void deletionsGarbageAndCompactionsAreAttributes() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        java.util.Random rnd = new java.util.Random(SEED.seed(16));
        java.util.List<org.blobsfile.api.BlobRef> refs = new java.util.ArrayList<>();
        try (BlobStore store = StoreTestSupport.small(tmp).open()) {
            // seven 9,000-byte blobs fill the first 64 KiB pack; the eighth rolls over and seals it
            for (int i = 0; i < 10; i++) {
                refs.add(store.put(StoreTestSupport.random(rnd, 9_000)));
            }
        }
        try (BlobStore store = StoreTestSupport.small(tmp).open();
             StoreMBeans.Registration jmx = StoreMBeans.register(store)) {
            ObjectName name = jmx.objectName();
            assertThat(server.getAttribute(name, "DeletedBlobs")).isEqualTo(0L);
            assertThat(server.getAttribute(name, "GarbageBytes")).isEqualTo(0L);
            assertThat(((TabularData) server.getAttribute(name, "GarbageByPack")).isEmpty()).isTrue();

            assertThat(store.deleteAll(refs.subList(0, 3))).hasSize(3);
            long entry = 38 + 9_000;
            assertThat(server.getAttribute(name, "DeletedBlobs")).isEqualTo(3L);
            assertThat(server.getAttribute(name, "GarbageBytes")).isEqualTo(3 * entry);
            TabularData perPack = (TabularData) server.getAttribute(name, "GarbageByPack");
            assertThat(perPack.size()).isEqualTo(1);
            CompositeData row = perPack.get(new Object[] {0});
            assertThat(row.get("value")).isEqualTo(3 * entry);

            org.blobsfile.api.CompactionReport report = store.compact();
            assertThat(report.rewritten()).containsExactly(tmp.resolve("blobs-00000"));
            assertThat(server.getAttribute(name, "Compactions")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "ReclaimedBytes")).isEqualTo(3 * entry);
            assertThat(server.getAttribute(name, "DeletedBlobs")).isEqualTo(0L);
            assertThat(server.getAttribute(name, "GarbageBytes")).isEqualTo(0L);
            assertThat(((TabularData) server.getAttribute(name, "GarbageByPack")).isEmpty()).isTrue();
        }
    }

    @Test
    void everyStatsComponentIsAnAttribute() throws Exception {
        for (java.lang.reflect.Method c : statsAccessors()) {
            String name = Character.toUpperCase(c.getName().charAt(0)) + c.getName().substring(1);
            String getter = (c.getReturnType() == boolean.class ? "is" : "get") + name;
            assertThat(StoreStatsMXBean.class.getMethod(getter).getReturnType()).as(getter)
                    .isEqualTo(c.getReturnType().isEnum() ? String.class : c.getReturnType());
        }
    }

    /** Every value a snapshot reports: its public instance methods without parameters, bar Object's. */
    static java.util.List<java.lang.reflect.Method> statsAccessors() {
        java.util.List<java.lang.reflect.Method> out = new java.util.ArrayList<>();
        for (java.lang.reflect.Method m : org.blobsfile.api.StoreStats.class.getDeclaredMethods()) {
            int mods = m.getModifiers();
            if (java.lang.reflect.Modifier.isPublic(mods) && !java.lang.reflect.Modifier.isStatic(mods)
                    && m.getParameterCount() == 0 && !m.getName().equals("hashCode") && !m.getName().equals("toString")) {
                out.add(m);
            }
        }
        assertThat(out).as("StoreStats accessors").hasSizeGreaterThanOrEqualTo(25);
        return out;
    }

    @Test
    void aSecondRegistrationOfOneDirectoryIsRefusedAndClosingTwiceIsHarmless() {
        try (BlobStore store = StoreTestSupport.small(tmp).open()) {
            StoreMBeans.Registration jmx = StoreMBeans.register(store);
            assertThatThrownBy(() -> StoreMBeans.register(store))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already registered");
            jmx.close();
            jmx.close();
            try (StoreMBeans.Registration again = StoreMBeans.register(store)) {
                assertThat(again.objectName()).isEqualTo(jmx.objectName());
            }
        }
    }
}
