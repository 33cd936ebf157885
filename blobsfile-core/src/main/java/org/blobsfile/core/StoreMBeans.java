package org.blobsfile.core;

import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreStats;

/**
 * Publishes a store's counters over JMX, as a {@link StoreStatsMXBean} named
 * {@code org.blobsfile:type=BlobStore,dir="<absolute store directory>"} in the platform MBean
 * server. A store does not register itself: a library user who wants JMX asks for it.
 *
 * <pre>{@code
 * try (BlobStore store = BlobStore.builder(dir).open();
 *      StoreMBeans.Registration jmx = StoreMBeans.register(store)) {
 *     ...
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class StoreMBeans {
    /** The domain of every BlobsFile MBean. */
    public static final String DOMAIN = "org.blobsfile";

    private StoreMBeans() {
    }

    /** A registered MBean; closing it unregisters it. Closing twice does nothing. */
    public interface Registration extends AutoCloseable {
        /** @return the name the MBean is registered under */
        ObjectName objectName();

        /** Unregisters the MBean. */
        @Override
        void close();
    }

    /**
     * @param store a store
     * @return the name its MBean is registered under
     */
    public static ObjectName objectName(BlobStore store) {
        Objects.requireNonNull(store, "store");
        try {
            return new ObjectName(DOMAIN + ":type=BlobStore,dir="
                    + ObjectName.quote(store.directory().toAbsolutePath().toString()));
        } catch (MalformedObjectNameException e) {
            // quote() accepts any string, so this is a bug here, not a user error
            throw new IllegalStateException("cannot name the MBean of " + store.directory(), e);
        }
    }

    /**
     * Registers the store's counters in the platform MBean server. Unregister before or when
     * closing the store: afterwards every attribute read fails.
     *
     * @param store an open store
     * @return the registration, to close when the store closes
     * @throws IllegalStateException if an MBean for the same directory is already registered
     */
    public static Registration register(BlobStore store) {
        return register(store, ManagementFactory.getPlatformMBeanServer());
    }

    /**
     * As {@link #register(BlobStore)}, in a given MBean server.
     *
     * @param store  an open store
     * @param server where to register
     * @return the registration, to close when the store closes
     * @throws IllegalStateException if an MBean for the same directory is already registered
     */
    public static Registration register(BlobStore store, MBeanServer server) {
        Objects.requireNonNull(server, "server");
        ObjectName name = objectName(store);
        try {
            server.registerMBean(new Bean(store::stats, store.directory().toAbsolutePath().toString()), name);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("an MBean named " + name + " is already registered", e);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the MBean " + name, e);
        }
        return new Registration() {
            private boolean closed;

            @Override
            public ObjectName objectName() {
                return name;
            }

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    server.unregisterMBean(name);
                } catch (InstanceNotFoundException e) {
                    // someone unregistered it by name already: the goal is reached
                } catch (JMException e) {
                    throw new IllegalStateException("cannot unregister the MBean " + name, e);
                }
            }
        };
    }

    /** Reads a fresh snapshot per attribute: JMX clients poll one attribute at a time. */
    private static final class Bean implements StoreStatsMXBean {
        private final Supplier<StoreStats> stats;
        private final String directory;

        Bean(Supplier<StoreStats> stats, String directory) {
            this.stats = stats;
            this.directory = directory;
        }

        @Override
        public String getDirectory() {
            return directory;
        }

        @Override
        public long getBlobs() {
            return stats.get().blobs();
        }

        @Override
        public long getBytes() {
            return stats.get().bytes();
        }

        @Override
        public long getStoredBytes() {
            return stats.get().storedBytes();
        }

        @Override
        public int getPacks() {
            return stats.get().packs();
        }

        @Override
        public int getSealedPacks() {
            return stats.get().sealedPacks();
        }

        @Override
        public long getMaxPackSize() {
            return stats.get().maxPackSize();
        }

        @Override
        public String getCodec() {
            return stats.get().codec();
        }

        @Override
        public String getIndex() {
            return stats.get().index();
        }

        @Override
        public String getDurability() {
            return String.valueOf(stats.get().durability());
        }

        @Override
        public long getPuts() {
            return stats.get().puts();
        }

        @Override
        public long getDedupedPuts() {
            return stats.get().dedupedPuts();
        }

        @Override
        public long getGets() {
            return stats.get().gets();
        }

        @Override
        public long getBytesWritten() {
            return stats.get().bytesWritten();
        }

        @Override
        public long getBytesRead() {
            return stats.get().bytesRead();
        }

        @Override
        public long getForces() {
            return stats.get().forces();
        }

        @Override
        public long getIndexRebuilds() {
            return stats.get().indexRebuilds();
        }

        @Override
        public long getRecoveredEntries() {
            return stats.get().recoveredEntries();
        }

        @Override
        public long getTruncatedBytes() {
            return stats.get().truncatedBytes();
        }

        @Override
        public long getSeals() {
            return stats.get().seals();
        }

        @Override
        public long getRepairs() {
            return stats.get().repairs();
        }

        @Override
        public long getHealedReads() {
            return stats.get().healedReads();
        }

        @Override
        public int getQuarantinedPacks() {
            return stats.get().quarantinedPacks();
        }

        @Override
        public long getGroupCommits() {
            return stats.get().groupCommits();
        }

        @Override
        public long getGroupCommitEntries() {
            return stats.get().groupCommitEntries();
        }

        @Override
        public boolean isUncleanShutdown() {
            return stats.get().uncleanShutdown();
        }

        @Override
        public long getDeletedBlobs() {
            return stats.get().deletedBlobs();
        }

        @Override
        public long getGarbageBytes() {
            return stats.get().garbageBytes();
        }

        @Override
        public java.util.SortedMap<Integer, Long> getGarbageByPack() {
            return stats.get().garbageByPack();
        }

        @Override
        public long getCompactions() {
            return stats.get().compactions();
        }

        @Override
        public long getReclaimedBytes() {
            return stats.get().reclaimedBytes();
        }

        @Override
        public String getArchive() {
            return stats.get().archive();
        }

        @Override
        public long getArchivedPacks() {
            return stats.get().archivedPacks();
        }

        @Override
        public long getEvictedPacks() {
            return stats.get().evictedPacks();
        }

        @Override
        public long getUploadBacklog() {
            return stats.get().uploadBacklog();
        }

        @Override
        public long getArchiveReads() {
            return stats.get().archiveReads();
        }

        @Override
        public long getUnverifiedPacks() {
            return stats.get().unverifiedPacks();
        }

        @Override
        public long getOldestVerification() {
            return stats.get().oldestVerification();
        }

        @Override
        public long getScrubbedPacks() {
            return stats.get().scrubbedPacks();
        }

        @Override
        public long getScrubRoundPacks() {
            return stats.get().scrubRoundPacks();
        }

        @Override
        public long getScrubRounds() {
            return stats.get().scrubRounds();
        }

        @Override
        public long getScrubbedBytes() {
            return stats.get().scrubbedBytes();
        }
    }
}
