package org.blobsfile.api.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Creates {@link BlobIndex} instances of one kind, found with {@link java.util.ServiceLoader}.
 * Implementations must be thread-safe and cheap to construct.
 */
public interface IndexProvider {
    /** @return the name users type to choose this index, lowercase (for example {@code "rocksdb"}) */
    String name();

    /**
     * Opens, or creates, the index kept in {@code directory}. The store gives each index kind a
     * directory of its own ({@code <store>/index-<name>}) and rebuilds the contents from the
     * packs when the index is new, so an implementation may throw {@link IndexUnreadableException}
     * when it finds files it cannot read: the store then moves the directory aside (renamed to
     * {@code index-<name>.unreadable-<n>}, never deleted) and opens again.
     *
     * @param directory the index's own directory; it may not exist yet
     * @return the open index
     * @throws IOException if the index cannot be opened
     */
    BlobIndex open(Path directory) throws IOException;

    /**
     * Deletes every file of the index in {@code directory}. The index must not be open.
     *
     * @param directory the directory given to {@link #open}
     * @throws IOException if files cannot be deleted
     */
    void destroy(Path directory) throws IOException;

    /** @return the Maven coordinates that provide this index, shown by tools */
    default String artifact() {
        return "";
    }
}
