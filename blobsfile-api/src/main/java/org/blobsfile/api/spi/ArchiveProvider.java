package org.blobsfile.api.spi;

import java.io.IOException;
import java.net.URI;

/**
 * Opens archives of one kind, chosen by the scheme of the archive's URI ({@code file},
 * {@code s3}); found with {@link java.util.ServiceLoader}. Implementations must be thread-safe
 * and cheap to construct.
 */
public interface ArchiveProvider {
    /** @return the URI scheme this provider serves, lowercase (for example {@code "s3"}) */
    String scheme();

    /**
     * Opens the archive a URI names. Opening may check nothing remote: an unreachable server or
     * a missing bucket is reported by the first call that needs it.
     *
     * @param uri the archive, with this provider's scheme
     * @return the open archive
     * @throws IOException when the URI cannot name an archive of this kind (one sentence saying why)
     */
    Archive open(URI uri) throws IOException;

    /** @return the Maven coordinates that provide this archive kind, shown by tools */
    default String artifact() {
        return "";
    }
}
