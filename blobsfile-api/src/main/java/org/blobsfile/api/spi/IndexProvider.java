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
     * Opens the index kept in {@code directory} for reading only, as a store opened read-only
     * asks: no file in the directory may be created, written, renamed or deleted (no lock file,
     * log or journal either), so that it works on a read-only file system or a full disk. The
     * store then makes no call of {@link BlobIndex#write} on it and keeps what it learns from the
     * packs beside it, in memory. A missing directory or index is an {@link IOException}, never
     * a new index.
     *
     * <p>Optional: the default throws {@link UnsupportedOperationException}, and the store then
     * builds a temporary index in memory from the packs, which costs a scan of every pack.
     *
     * @param directory the directory given to {@link #open}
     * @return the index, open for reading
     * @throws IOException if the index cannot be opened read-only
     * @throws UnsupportedOperationException if this plugin cannot open an index read-only
     */
    default BlobIndex openReadOnly(Path directory) throws IOException {
        throw new UnsupportedOperationException("the " + name() + " index cannot be opened read-only");
    }

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
