package org.blobsfile.index.h2;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexProvider;

/**
 * An index in one H2 MVStore file, {@code index.mv.db}, in the index directory: pure Java, no
 * native library. Keys are ordered as unsigned bytes; the H2 version that wrote the file is
 * recorded in it, and a file H2 cannot read, or one from another H2 major version, is reported
 * with {@link org.blobsfile.api.spi.IndexUnreadableException} so the store rebuilds it.
 *
 * <p>A second open of a directory that is open, in this process or another, fails with a plain
 * {@link IOException} saying the index is in use. Tuning is read from system properties when the
 * provider is created (see the {@code blobsfile.h2.*} properties in the module's documentation).
 *
 * <p>Thread-safe and immutable.
 */
public final class H2IndexProvider implements IndexProvider {
    /** The name users type to choose this index. */
    public static final String NAME = "h2";

    private final H2Tuning tuning;

    /** Creates the provider with the tuning in the system properties; {@link java.util.ServiceLoader} calls this. */
    public H2IndexProvider() {
        this(H2Tuning.fromSystemProperties());
    }

    /** Creates the provider with the given tuning: tests use small generations. */
    H2IndexProvider(H2Tuning tuning) {
        this.tuning = tuning;
    }

    /** @return {@value #NAME} */
    @Override
    public String name() {
        return NAME;
    }

    /** @return the Maven coordinates of this module */
    @Override
    public String artifact() {
        return "org.blobsfile:index-h2";
    }

    /**
     * Opens, or creates, the MVStore file in {@code directory}, creating the directory too.
     *
     * @param directory the index's own directory, on the default file system
     * @return the open index
     * @throws org.blobsfile.api.spi.IndexUnreadableException if the file there cannot be read
     * @throws IOException if the directory cannot be created, or the index is in use
     */
    @Override
    public BlobIndex open(Path directory) throws IOException {
        Path dir = requireDefaultFileSystem(directory);
        Files.createDirectories(dir);
        return H2Index.open(dir, tuning);
    }

    /**
     * Creates an MVStore file in {@code directory} to be filled in bulk: it commits only when
     * the changes held in memory pass the commit size, not on a timer, and close commits them
     * without compacting the file, which a load in a few large commits leaves with little to
     * reclaim.
     *
     * @param directory a directory that does not exist yet or holds no index, on the default
     *                  file system
     * @return the new index, open for writing
     * @throws IOException if the directory or the file cannot be created
     */
    @Override
    public BlobIndex openForBulkLoad(Path directory) throws IOException {
        Path dir = requireDefaultFileSystem(directory);
        Files.createDirectories(dir);
        return H2Index.openForBulkLoad(dir, tuning);
    }

    /**
     * Opens the MVStore file in {@code directory} read-only: the file is opened for reading and
     * locked shared, and nothing is written, so this works on a read-only file system and a full
     * disk.
     *
     * @param directory the index's own directory, on the default file system
     * @return the open index; its writes fail
     * @throws java.nio.file.NoSuchFileException if there is no index file
     * @throws org.blobsfile.api.spi.IndexUnreadableException if the file cannot be read
     * @throws IOException if the index is in use for writing or cannot be opened
     */
    @Override
    public BlobIndex openReadOnly(Path directory) throws IOException {
        return H2Index.openReadOnly(requireDefaultFileSystem(directory), tuning);
    }

    /**
     * Deletes the index's files and its directory. Refuses while the file is open anywhere: MVStore
     * holds a lock on it, which is tried here first.
     *
     * @param directory the directory given to {@link #open}
     * @throws IOException if the index is in use or files cannot be deleted
     */
    @Override
    public void destroy(Path directory) throws IOException {
        Path dir = requireDefaultFileSystem(directory);
        if (!Files.isDirectory(dir)) {
            Files.deleteIfExists(dir);
            return;
        }
        Path file = dir.resolve(H2Index.FILE_NAME);
        if (Files.exists(file)) {
            ensureNotInUse(file);
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.toList();
        }
        for (Path p : children) {
            // MVStore keeps a single file; anything else is a temp file of a crashed compaction
            Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    private static void ensureNotInUse(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new IOException("cannot destroy the h2 index " + file + ": it is in use in this process", e);
            }
            if (lock == null) {
                throw new IOException("cannot destroy the h2 index " + file + ": it is in use by another process");
            }
            lock.release();
        }
    }

    private static Path requireDefaultFileSystem(Path directory) throws IOException {
        if (directory.getFileSystem() != FileSystems.getDefault()) {
            throw new IOException("the h2 index needs a directory on the default file system, not "
                    + directory.getFileSystem() + " (" + directory + ")");
        }
        return directory.toAbsolutePath();
    }

    /** @return the provider's name */
    @Override
    public String toString() {
        return "H2IndexProvider[" + NAME + "]";
    }
}
