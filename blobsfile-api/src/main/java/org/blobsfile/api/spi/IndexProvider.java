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
     * Creates a new index in {@code directory} to be filled in bulk, as a rebuild does beside the
     * index in use: the store writes it, then either closes it with {@link BlobIndex#close()} and
     * only afterwards opens it again with {@link #open} and uses it, or gives it up with
     * {@link BlobIndex#discard()} and {@link #destroy}. No write of it needs to survive a crash
     * before close returns (a rebuild interrupted by a crash is thrown away and done again), so
     * an implementation may skip its journal; close must leave every write where {@link #open}
     * finds it, and should leave it so that open is quick.
     *
     * <p>Optional: the default is {@link #open}.
     *
     * @param directory a directory that does not exist yet, or holds no index
     * @return the new, empty index, open for writing
     * @throws IOException if the index cannot be created
     */
    default BlobIndex openForBulkLoad(Path directory) throws IOException {
        return open(directory);
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
