package org.blobsfile.api;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexProvider;

/**
 * The settings a store is opened with. Immutable and thread-safe; build with
 * {@link BlobStore#builder(Path)}.
 */
public final class BlobStoreOptions {
    /** The pack size of a new store when none is given: 256 MiB. */
    public static final long DEFAULT_MAX_PACK_SIZE = 268_435_456L;
    /** The codec of new blobs when none is given: stored plain. */
    public static final String DEFAULT_CODEC = "none";
    /** The index when none is given. */
    public static final String DEFAULT_INDEX = "rocksdb";

    private final Path directory;
    private final Long maxPackSize;
    private final String codecName;
    private final Codec codec;
    private final String indexName;
    private final IndexProvider indexProvider;
    private final Durability durability;
    private final boolean readOnly;
    private final URI archiveUri;
    private final Archive archive;
    private final Restore restore;
    private final Progress restoreProgress;
    private final long scrubRate;

    /** Whether open rebuilds a store that does not exist yet from its archive, and how. */
    public enum Restore {
        /** Open never restores: an empty directory becomes a new, empty store. */
        NONE,
        /** Every pack is downloaded before open returns, byte-identical and checked against its manifest. */
        FULL,
        /**
         * The manifests only: every pack starts evicted, its blobs read from the archive by range,
         * and the index is built from the manifests. {@code restore} of the store fetches them whole later.
         */
        LAZY
    }

    private BlobStoreOptions(Builder b) {
        this.directory = b.directory;
        this.maxPackSize = b.maxPackSize;
        this.codec = b.codec;
        this.codecName = b.codec != null ? b.codec.name() : b.codecName;
        this.indexProvider = b.indexProvider;
        this.indexName = b.indexProvider != null ? b.indexProvider.name() : b.indexName;
        this.durability = b.durability;
        this.readOnly = b.readOnly;
        this.archiveUri = b.archiveUri;
        this.archive = b.archive;
        this.restore = b.restore;
        this.restoreProgress = b.restoreProgress;
        this.scrubRate = b.scrubRate;
    }

    /** @return the archive's URI, if one was given by URI */
    public Optional<URI> archiveUri() {
        return Optional.ofNullable(archiveUri);
    }

    /** @return an archive given explicitly, which wins over a URI */
    public Optional<Archive> archive() {
        return Optional.ofNullable(archive);
    }

    /** @return whether and how open restores a missing store from the archive */
    public Restore restore() {
        return restore;
    }

    /** @return what a restore tells of the bytes downloaded out of the bytes to download */
    public Progress restoreProgress() {
        return restoreProgress;
    }

    /** @return the store directory */
    public Path directory() {
        return directory;
    }

    /**
     * @return the pack size asked for, if one was; otherwise a new store gets
     *         {@link #DEFAULT_MAX_PACK_SIZE} and an existing one keeps its own
     */
    public Optional<Long> maxPackSize() {
        return Optional.ofNullable(maxPackSize);
    }

    /** @return the name of the codec new blobs are compressed with ({@code "none"} for plain) */
    public String codecName() {
        return codecName;
    }

    /** @return a codec instance given explicitly, which wins over discovery */
    public Optional<Codec> codec() {
        return Optional.ofNullable(codec);
    }

    /** @return the name of the index */
    public String indexName() {
        return indexName;
    }

    /** @return an index provider given explicitly, which wins over discovery */
    public Optional<IndexProvider> indexProvider() {
        return Optional.ofNullable(indexProvider);
    }

    /** @return when puts reach stable storage */
    public Durability durability() {
        return durability;
    }

    /**
     * @return whether the store is opened read-only: see {@link Builder#readOnly()}
     */
    public boolean readOnly() {
        return readOnly;
    }

    /** @return the background scrub's read rate in bytes per second; 0 when there is none: see {@link Builder#scrub(long)} */
    public long scrubRate() {
        return scrubRate;
    }

    /** @return a builder holding these options, to derive others from */
    public Builder toBuilder() {
        Builder b = new Builder(directory);
        b.maxPackSize = maxPackSize;
        b.codecName = codecName;
        b.codec = codec;
        b.indexName = indexName;
        b.indexProvider = indexProvider;
        b.durability = durability;
        b.readOnly = readOnly;
        b.archiveUri = archiveUri;
        b.archive = archive;
        b.restore = restore;
        b.restoreProgress = restoreProgress;
        b.scrubRate = scrubRate;
        return b;
    }

    @Override
    public String toString() {
        return "BlobStoreOptions{directory=" + directory + ", maxPackSize=" + maxPackSize + ", codec=" + codecName
                + ", index=" + indexName + ", durability=" + durability + ", readOnly=" + readOnly
                + (archiveUri != null ? ", archive=" + archiveUri : archive != null ? ", archive=" + archive.location() : "")
                + (restore != Restore.NONE ? ", restore=" + restore : "")
                + (scrubRate > 0 ? ", scrub=" + scrubRate : "") + "}";
    }

    /** Collects options; not thread-safe. Every setter returns the builder. */
    public static final class Builder {
        private final Path directory;
        private Long maxPackSize;
        private String codecName = DEFAULT_CODEC;
        private Codec codec;
        private String indexName = DEFAULT_INDEX;
        private IndexProvider indexProvider;
        private Durability durability = Durability.GROUP;
        private boolean readOnly;
        private URI archiveUri;
        private Archive archive;
        private Restore restore = Restore.NONE;
        private Progress restoreProgress = Progress.NONE;
        private long scrubRate;

        Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * Sets the pack size. A new store records it; opening an existing store with a different
         * one fails. Default {@link #DEFAULT_MAX_PACK_SIZE}.
         *
         * @param bytes at least 1024 and below 2^31
         * @return this builder
         */
        public Builder maxPackSize(long bytes) {
            if (bytes < 1024 || bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pack size must be between 1024 and " + Integer.MAX_VALUE
                        + " bytes, got " + bytes);
            }
            this.maxPackSize = bytes;
            return this;
        }

        /**
         * Chooses, by name, the codec that compresses new blobs. Default {@code "none"}.
         * Existing blobs are read with whatever codec wrote them.
         *
         * @param name the codec's name, in any case
         * @return this builder
         */
        public Builder codec(String name) {
            this.codecName = Objects.requireNonNull(name, "codec name").toLowerCase(java.util.Locale.ROOT);
            this.codec = null;
            return this;
        }

        /**
         * Uses this codec instance for new blobs, and for reading its id, instead of a discovered one.
         *
         * @param codec the codec
         * @return this builder
         */
        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            this.codecName = codec.name();
            return this;
        }

        /**
         * Chooses the index by name. Default {@code "rocksdb"}.
         *
         * @param name the index's name, in any case
         * @return this builder
         */
        public Builder index(String name) {
            this.indexName = Objects.requireNonNull(name, "index name").toLowerCase(java.util.Locale.ROOT);
            this.indexProvider = null;
            return this;
        }

        /**
         * Uses this index provider instead of a discovered one.
         *
         * @param provider the index provider
         * @return this builder
         */
        public Builder index(IndexProvider provider) {
            this.indexProvider = Objects.requireNonNull(provider, "index provider");
            this.indexName = provider.name();
            return this;
        }

        /**
         * Sets when puts reach stable storage. Default {@link Durability#GROUP}.
         *
         * @param durability the durability mode
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Opens the store for reading only. Such a store never creates, writes, truncates,
         * renames or deletes a file of the store directory, and takes no lock: it opens beside a
         * store open for writing, in this process or another, and sees what that writer had made
         * durable when it opened; it keeps no writer out. No marker is left, a torn entry at the
         * end of the active pack is left as it is (its intact entries before it are served), no
         * pack is sealed or
         * repaired, and the index is opened read-only when its plugin can
         * ({@link org.blobsfile.api.spi.IndexProvider#openReadOnly}) and it fits the packs, else
         * built in memory from the packs. So it works on a read-only directory or file system
         * and on a full disk. The one exception is the verify ledger: {@code verify} appends a
         * record per pack it checks when the directory lets it (one append each, safe beside
         * another process appending), and goes on without recording when it cannot. {@code put}, {@code putAll}, {@code repair} and
         * {@code rebuildIndex} throw {@link ReadOnlyStoreException}. The directory must exist
         * and hold a store. Default: off.
         *
         * @return this builder
         */
        public Builder readOnly() {
            this.readOnly = true;
            return this;
        }

        /**
         * Names the archive sealed packs are copied to ({@code file:/path} or
         * {@code s3://bucket/prefix?endpoint=...}), found by its scheme among the archive plugins
         * on the class path. The store then uploads each pack after sealing it, in the background,
         * and can restore from it. Default: none.
         *
         * @param uri the archive
         * @return this builder
         */
        public Builder archive(URI uri) {
            this.archiveUri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * Uses an archive opened by the caller, which wins over {@link #archive(URI)}; the store
         * does not close it.
         *
         * @param archive the archive
         * @return this builder
         */
        public Builder archive(Archive archive) {
            this.archive = Objects.requireNonNull(archive, "archive");
            return this;
        }

        /**
         * Makes open rebuild the store from its archive when the directory holds no store yet
         * (it is missing or empty): the newest archived copy of every pack is downloaded and
         * checked against its manifest before open returns ({@link Restore#FULL}), or every pack
         * starts evicted and is read from the archive by range ({@link Restore#LAZY}). A
         * directory that holds a store is opened as it is. Needs an archive. Default
         * {@link Restore#NONE}.
         *
         * @param mode how to restore
         * @return this builder
         */
        public Builder restore(Restore mode) {
            return restore(mode, Progress.NONE);
        }

        /**
         * As {@link #restore(Restore)}, telling {@code progress} of the bytes downloaded.
         *
         * @param mode     how to restore
         * @param progress told of bytes downloaded out of the bytes of every pack
         * @return this builder
         */
        public Builder restore(Restore mode, Progress progress) {
            this.restore = Objects.requireNonNull(mode, "mode");
            this.restoreProgress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Scrubs the store in the background: a thread verifies one pack after the other, the
         * packs never verified first, then the one verified longest ago, reading at most
         * {@code bytesPerSecond}; records each result in the store's verify ledger (where
         * {@code verify} and {@code stat} see it); and repairs a damaged sealed pack from its
         * parity the way a read that heals does. When it has verified every pack it starts
         * again with the one verified longest ago. It checks closed packs only (the pack puts go
         * to is checked once it is sealed), stops when the store closes, and never runs in a
         * store opened {@link #readOnly()}. Default: 0, no scrub.
         *
         * @param bytesPerSecond the read rate; 0 for no scrub
         * @return this builder
         * @throws IllegalArgumentException if the rate is below 0
         */
        public Builder scrub(long bytesPerSecond) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("scrub rate must be at least 0 (no scrub), got " + bytesPerSecond);
            }
            this.scrubRate = bytesPerSecond;
            return this;
        }

        /** @return the options */
        public BlobStoreOptions build() {
            return new BlobStoreOptions(this);
        }

        /**
         * Opens, or creates, the store with these options through the implementation on the
         * class path ({@code org.blobsfile:blobsfile-core}).
         *
         * @return the open store
         * @throws PluginException if no implementation is on the class path
         */
        public BlobStore open() {
            BlobStoreOptions options = build();
            for (BlobStoreFactory f : ServiceLoader.load(BlobStoreFactory.class, BlobStoreOptions.class.getClassLoader())) {
                return f.open(options);
            }
            for (BlobStoreFactory f : ServiceLoader.load(BlobStoreFactory.class)) {
                return f.open(options);
            }
            throw new PluginException("no BlobsFile implementation found; add org.blobsfile:blobsfile-core to the class path");
        }
    }

    static Builder builder(Path directory) {
        return new Builder(directory);
    }
}
