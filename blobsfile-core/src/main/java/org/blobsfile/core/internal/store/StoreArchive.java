package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.StoreConfigurationException;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.core.internal.archive.ArchiveLedger;
import org.blobsfile.core.internal.archive.ArchiveRestore;
import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.archive.ArchiveUploader;
import org.blobsfile.core.internal.archive.Manifest;
import org.blobsfile.core.internal.index.EvictedPacks;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.parity.Quarantine;
import org.blobsfile.core.internal.parity.SealingPipeline;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.Payloads;
import org.blobsfile.core.internal.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a store opens its archive, restores from it, finds its evicted packs, and starts copying
 * sealed packs to it.
 */
final class StoreArchive {
    private static final Logger LOG = LoggerFactory.getLogger(StoreArchive.class);

    private StoreArchive() {
    }

    /**
     * @return the archive the options name, opened through the provider of its URI's scheme; or,
     *         when they name none, the one the store's ledger names if packs are evicted to it,
     *         since their blobs are only there; null when there is none
     * @throws ArchiveException when no provider serves the scheme, or the URI names no archive
     */
    static Archive open(BlobStoreOptions options, Path dir) {
        if (options.archive().isPresent()) {
            return options.archive().get();
        }
        URI uri = options.archiveUri().orElse(null);
        if (uri == null) {
            try {
                String evictedTo = Files.isDirectory(dir) ? ArchiveLedger.evictedTo(dir) : null;
                if (evictedTo == null) {
                    return null;
                }
                uri = URI.create(evictedTo);
            } catch (IOException | IllegalArgumentException e) {
                throw new ArchiveException("cannot read which archive the evicted packs of " + dir + " are in: "
                        + e.getMessage(), e);
            }
        }
        if (uri.getScheme() == null) {
            throw new ArchiveException("archive " + uri + " has no scheme: use file:/path or s3://bucket/prefix");
        }
        try {
            return PluginRegistry.archives().forName(uri.getScheme().toLowerCase(Locale.ROOT)).open(uri);
        } catch (IOException e) {
            throw new ArchiveException("cannot open archive " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the ledger of what is archived in {@code archive}
     * @throws ArchiveException when packs are evicted to another archive
     */
    static ArchiveLedger ledger(Archive archive, Path dir, boolean readOnly) {
        try {
            ArchiveLedger ledger = ArchiveLedger.open(dir, archive.location());
            if (!readOnly) {
                keepUnfinishedEvictions(ledger, dir);
            }
            return ledger;
        } catch (IOException e) {
            throw new ArchiveException(e.getMessage(), e);
        }
    }

    /**
     * An eviction a crash cut off between its record and the removal of the file leaves the file
     * in place: the pack stays local, as it was, and nothing is removed at open.
     */
    private static void keepUnfinishedEvictions(ArchiveLedger ledger, Path dir) throws IOException {
        for (int n : ledger.evictedPacks()) {
            Path file = PackFormat.path(dir, n);
            ArchiveLedger.Archived a = ledger.archived(n);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && ArchiveLedger.stamp(file).equals(a.stamp())) {
                LOG.info("the eviction of {} was cut short: it stays local", file);
                ledger.local(n, a.stamp());
                Files.deleteIfExists(ArchiveTier.manifestPath(dir, n));
            }
        }
    }

    /** @return the evicted packs of a ledger, their entries read from the manifests kept beside the packs */
    static EvictedPacks evicted(ArchiveLedger ledger, Path dir) {
        return new EvictedPacks() {
            @Override
            public boolean isEvicted(int pack) {
                return ledger.isEvicted(pack);
            }

            @Override
            public void entries(int pack, EvictedPacks.Sink sink) throws IOException {
                for (Manifest.Entry e : ArchiveTier.evictedManifest(dir, pack).entries()) {
                    sink.entry(e.hash(), new Location(pack, e.offset(), e.storedSize(), e.blobLength(),
                            Payloads.storedCodec(e.flag(), e.codecId())));
                }
            }
        };
    }

    /** @return the archive when the store opened it from a URI and so must close it, else null */
    static AutoCloseable owned(BlobStoreOptions options, Archive archive) {
        return archive != null && options.archive().isEmpty() ? archive : null;
    }

    /**
     * Restores the store from the archive when the directory holds no pack yet.
     *
     * @throws StoreConfigurationException when no archive is named
     * @throws ArchiveException when the restore fails; nothing half-restored is left in place as a pack
     */
    static void restoreIfEmpty(BlobStoreOptions options, Archive archive, Path dir) {
        if (archive == null) {
            throw new StoreConfigurationException("a restore needs an archive to restore from");
        }
        try {
            if (Files.exists(dir.resolve(ArchiveLedger.FILE))) {
                LOG.info("{} holds a store already: it is opened as it is, not restored", dir);
                return;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "blobs-*")) {
                for (Path p : ds) {
                    if (PackFormat.packNumber(p.getFileName().toString()) >= 0) {
                        LOG.info("{} holds a store already: it is opened as it is, not restored", dir);
                        return;
                    }
                }
            }
            if (options.restore() == BlobStoreOptions.Restore.LAZY) {
                ArchiveRestore.restoreLazily(archive, dir, options.restoreProgress());
            } else {
                ArchiveRestore.restore(archive, dir, options.restoreProgress());
            }
        } catch (IOException e) {
            throw new ArchiveException("cannot restore " + dir + " from " + archive.location() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the archive tier of a store with an archive; one that may write gets an uploader,
     *         started: it archives what the archive lacks
     */
    static ArchiveTier tier(BlobStoreOptions options, Archive archive, ArchiveLedger ledger, Path dir,
                            PackGeometry geometry, CodecRegistry codecs, SealingPipeline sealing) {
        ArchiveUploader u = null;
        if (!options.readOnly()) {
            u = new ArchiveUploader(archive, ledger, dir, geometry, codecs, sealing::sealedPacks,
                    new Quarantine(dir, geometry)::contains);
            ArchiveUploader up = u;
            sealing.addListener((path, n, blobs) -> up.queue(n));
            u.start();
        }
        return new ArchiveTier(archive, ledger, u, dir, codecs, owned(options, archive) != null);
    }
}
