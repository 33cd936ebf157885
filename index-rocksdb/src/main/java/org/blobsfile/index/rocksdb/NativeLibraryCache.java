package org.blobsfile.index.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's JNI library, from a cache directory when the system property
 * {@value #PROPERTY} names one. RocksDB's own loader unpacks its 15 MB library to the temporary
 * directory at every start of the JVM, which a short command pays on every run; the cache keeps
 * one copy per library build (keyed by the size and CRC of the library in its jar), written once
 * and renamed into place, so a copy cut short is never loaded. Any failure of the cache (a path
 * that cannot be written, a full disk) falls back to RocksDB's own loader.
 */
final class NativeLibraryCache {
    /** The system property naming the cache directory; unset, RocksDB loads its library its own way. */
    static final String PROPERTY = "blobsfile.native.cache";

    /** How the library was loaded. */
    enum Loaded {
        /** From the cache directory. */
        CACHED,
        /** By RocksDB's own loader, which unpacks it to the temporary directory. */
        UNPACKED
    }

    private NativeLibraryCache() {
    }

    /**
     * Loads the library once for the JVM; later calls do nothing more than RocksDB's.
     *
     * @return how it was loaded by this call (or would have been, had it not been loaded already)
     */
    static Loaded load() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isBlank() ? unpacked() : load(Path.of(dir));
    }

    /**
     * @param cacheDir the cache directory, created if missing
     * @return how the library was loaded
     */
    static Loaded load(Path cacheDir) {
        try {
            Path cached = cached(cacheDir);
            RocksDB.loadLibrary(List.of(cached.getParent().toString()));
            return Loaded.CACHED;
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            // the cache is only a shortcut: RocksDB's own loader still works without it
            return unpacked();
        }
    }

    private static Loaded unpacked() {
        RocksDB.loadLibrary();
        return Loaded.UNPACKED;
    }

    /**
     * The library in the cache, copied there from the class path first if it is not there yet.
     *
     * @param cacheDir the cache directory
     * @return the library's file, named as {@link RocksDB#loadLibrary(List)} looks for it
     * @throws IOException when the library is not on the class path or cannot be written there
     */
    static Path cached(Path cacheDir) throws IOException {
        String resource = Environment.getJniLibraryFileName("rocksdb");
        URL url = RocksDB.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IOException("no " + resource + " on the class path");
        }
        URLConnection connection = url.openConnection();
        long size;
        String version;
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            size = entry.getSize();
            version = Long.toHexString(entry.getCrc());
        } else {
            size = connection.getContentLengthLong();
            version = Long.toHexString(connection.getLastModified());
        }
        if (size < 0) {
            throw new IOException("the size of " + url + " is unknown");
        }
        Path dir = cacheDir.resolve("rocksdbjni-" + size + "-" + version.toLowerCase(Locale.ROOT));
        // the name RocksDB's loadLibrary(paths) asks for, whatever it is in this version
        Path target = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
        if (Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, "partial-", ".tmp");
        try {
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.size(partial) != size) {
                throw new IOException("copied " + Files.size(partial) + " bytes of " + url + ", not " + size);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }
}
