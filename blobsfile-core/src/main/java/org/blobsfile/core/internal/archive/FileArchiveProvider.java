package org.blobsfile.core.internal.archive;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveProvider;

/**
 * The built-in {@code file:} archive: another directory, typically on a NAS
 * ({@code file:/mnt/nas/store1}).
 */
public final class FileArchiveProvider implements ArchiveProvider {
    /** Found by {@link java.util.ServiceLoader}. */
    public FileArchiveProvider() {
    }

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public Archive open(URI uri) throws IOException {
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("archive " + uri + ": not a file: URI");
        }
        if (uri.getAuthority() != null || uri.getQuery() != null || uri.getFragment() != null || uri.getPath() == null
                || !uri.getPath().startsWith("/")) {
            throw new IOException("archive " + uri + ": a file: archive is an absolute directory path, like file:/mnt/nas/store1");
        }
        // the root is checked on each call, not here: a NAS that is mounted later is then picked up
        return new FileArchive(uri.toString(), Path.of(uri).toAbsolutePath().normalize());
    }

    @Override
    public String artifact() {
        return "org.blobsfile:blobsfile-core";
    }
}
