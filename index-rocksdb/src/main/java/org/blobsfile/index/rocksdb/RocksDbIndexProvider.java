package org.blobsfile.index.rocksdb;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexProvider;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The default index: a RocksDB database in the index directory. Keys are the 32-byte blob hashes
 * in the default column family, ordered by RocksDB's bytewise comparator (unsigned
 * lexicographic); meta values live in a column family of their own, {@code "meta"}.
 *
 * <p>Opening fails with {@link org.blobsfile.api.spi.IndexUnreadableException} when RocksDB
 * cannot read the files it finds, and with a plain {@link IOException} saying the index is in use
 * when another {@code RocksDB} instance, in this process or another, holds the directory's lock.
 * The directory must be on the default file system: RocksDB does its own file I/O.
 *
 * <p>Thread-safe and stateless; the native library is loaded once, on first use, from the
 * directory the system property {@code blobsfile.native.cache} names when it is set (copied
 * there on first use), else unpacked by RocksDB to the temporary directory.
 */
public final class RocksDbIndexProvider implements IndexProvider {
    /** The name users type to choose this index. */
    public static final String NAME = "rocksdb";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RocksDbIndexProvider() {
    }

    /** @return {@value #NAME} */
    @Override
    public String name() {
        return NAME;
    }

    /** @return the Maven coordinates of this module */
    @Override
    public String artifact() {
        return "org.blobsfile:index-rocksdb";
    }

    /**
     * Opens, or creates, the database in {@code directory}, creating the directory too.
     *
     * @param directory the index's own directory, on the default file system
     * @return the open index
     * @throws org.blobsfile.api.spi.IndexUnreadableException if the files there cannot be read
     * @throws IOException if the directory cannot be created, or the index is in use
     */
    @Override
    public BlobIndex open(Path directory) throws IOException {
        Path dir = requireDefaultFileSystem(directory);
        NativeLibrary.load();
        Files.createDirectories(dir);
        return RocksDbIndex.open(dir);
    }

    /**
     * Creates a database in {@code directory} to be filled in bulk: its writes skip RocksDB's
     * write-ahead log, and close flushes them into table files, so the open that follows has no
     * log to replay.
     *
     * @param directory a directory that does not exist yet or holds no database, on the default
     *                  file system
     * @return the new index, open for writing
     * @throws IOException if the directory or the database cannot be created
     */
    @Override
    public BlobIndex openForBulkLoad(Path directory) throws IOException {
        Path dir = requireDefaultFileSystem(directory);
        NativeLibrary.load();
        Files.createDirectories(dir);
        return RocksDbIndex.openForBulkLoad(dir);
    }

    /**
     * Opens the database in {@code directory} read-only: RocksDB takes no lock and writes no
     * file there, not even its info log, so this works on a read-only file system and a full
     * disk. What was written to the log but not flushed is read too.
     *
     * @param directory the index's own directory, on the default file system
     * @return the open index; its writes fail
     * @throws java.nio.file.NoSuchFileException if the directory does not exist
     * @throws org.blobsfile.api.spi.IndexUnreadableException if the files there cannot be read
     * @throws IOException if the database cannot be opened
     */
    @Override
    public BlobIndex openReadOnly(Path directory) throws IOException {
        Path dir = requireDefaultFileSystem(directory);
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no rocksdb index here");
        }
        NativeLibrary.load();
        return RocksDbIndex.openReadOnly(dir);
    }

    /**
     * Deletes the database and the directory. Refuses while the database is open anywhere,
     * because RocksDB's own destroy takes the directory's lock first.
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
        NativeLibrary.load();
        try (Options options = new Options()) {
            RocksDB.destroyDB(dir.toString(), options);
        } catch (RocksDBException e) {
            if (RocksDbIndex.isLockFailure(e)) {
                throw new IOException("cannot destroy the rocksdb index in " + dir + ": it is in use", e);
            }
            // files RocksDB cannot make sense of are still ours to delete, which follows
        }
        deleteTree(dir);
    }

    private static Path requireDefaultFileSystem(Path directory) throws IOException {
        if (directory.getFileSystem() != FileSystems.getDefault()) {
            throw new IOException("the rocksdb index needs a directory on the default file system, not "
                    + directory.getFileSystem() + " (" + directory + ")");
        }
        return directory.toAbsolutePath();
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** @return the provider's name */
    @Override
    public String toString() {
        return "RocksDbIndexProvider[" + NAME + "]";
    }

    /**
     * Loads the JNI library once; RocksDB's own call is not cheap to repeat on every open. With
     * the system property {@value NativeLibraryCache#PROPERTY} set to a directory, the library is
     * loaded from a copy kept there rather than unpacked again at every start of the JVM.
     */
    private static final class NativeLibrary {
        private static final Throwable FAILURE;

        static {
            Throwable failure = null;
            try {
                NativeLibraryCache.load();
            } catch (RuntimeException | LinkageError e) {
                // kept, so every open reports it instead of a bare NoClassDefFoundError
                failure = e;
            }
            FAILURE = failure;
        }

        private NativeLibrary() {
        }

        /** @throws IOException if the library could not be loaded on this platform */
        static void load() throws IOException {
            if (FAILURE != null) {
                throw new IOException("cannot load RocksDB's native library on " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch") + ": " + FAILURE, FAILURE);
            }
        }
    }
}
