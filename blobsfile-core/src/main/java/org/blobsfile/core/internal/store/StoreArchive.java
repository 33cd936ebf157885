package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.StoreConfigurationException;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.core.internal.archive.ArchiveLedger;
import org.blobsfile.core.internal.archive.ArchiveRestore;
import org.blobsfile.core.internal.archive.ArchiveUploader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.parity.SealingPipeline;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a store opens its archive, restores from it, and starts copying sealed packs to it. */
final class StoreArchive {
    private static final Logger LOG = LoggerFactory.getLogger(StoreArchive.class);

    private StoreArchive() {
    }

    /**
     * @return the archive the options name, opened through the provider of its URI's scheme, or
     *         null when they name none
     * @throws ArchiveException when no provider serves the scheme, or the URI names no archive
     */
    static Archive open(BlobStoreOptions options) {
        if (options.archive().isPresent()) {
            return options.archive().get();
        }
        URI uri = options.archiveUri().orElse(null);
        if (uri == null) {
            return null;
        }
        if (uri.getScheme() == null) {
            throw new ArchiveException("archive " + uri + " has no scheme: use file:/path or s3://bucket/prefix");
        }
        try {
            return PluginRegistry.archives().forName(uri.getScheme().toLowerCase(java.util.Locale.ROOT)).open(uri);
        } catch (IOException e) {
            throw new ArchiveException("cannot open archive " + uri + ": " + e.getMessage(), e);
        }
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
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "blobs-*")) {
                for (Path p : ds) {
                    if (PackFormat.packNumber(p.getFileName().toString()) >= 0) {
                        LOG.info("{} holds a store already: it is opened as it is, not restored", dir);
                        return;
                    }
                }
            }
            ArchiveRestore.restore(archive, dir, options.restoreProgress());
        } catch (IOException e) {
            throw new ArchiveException("cannot restore " + dir + " from " + archive.location() + ": " + e.getMessage(), e);
        }
    }

    /** @return the uploader of a store with an archive, started: it archives what the archive lacks */
    static ArchiveUploader uploader(BlobStoreOptions options, Archive archive, Path dir, PackGeometry geometry,
                                    CodecRegistry codecs, SealingPipeline sealing) throws IOException {
        ArchiveUploader u = new ArchiveUploader(archive, ArchiveLedger.open(dir, archive.location()), dir, geometry,
                codecs, sealing::sealedPacks, owned(options, archive) != null);
        sealing.addListener((path, n, blobs) -> u.queue(n));
        u.start();
        return u;
    }
}
