package org.blobsfile.core.testing.fs;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A file system that is the default one with a {@link FileLayer} around every call that changes
 * a file or a directory: the base of the fault-injecting and power-cutting file systems the tests
 * open stores on. Its paths print as the real paths they stand for, so an error message names the
 * real file. Thread-safe as the layer is.
 */
public class LayeredFileSystem extends FileSystem {
    private final FileSystem real = FileSystems.getDefault();
    private final LayeredProvider provider;

    /** @param layer what happens around each changing call */
    public LayeredFileSystem(FileLayer layer) {
        this.provider = new LayeredProvider(this, layer);
    }

    /**
     * @param realPath a path on the default file system
     * @return the same path on this file system
     */
    public Path wrap(Path realPath) {
        if (realPath instanceof LayeredPath p) {
            return p;
        }
        return new LayeredPath(this, realPath);
    }

    /**
     * @param path a path on this file system, or on the default one
     * @return the path on the default file system it stands for
     */
    public static Path unwrap(Path path) {
        return path instanceof LayeredPath p ? p.real() : path;
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        // the default file system underneath stays open
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return real.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        for (Path r : real.getRootDirectories()) {
            roots.add(wrap(r));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return real.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return real.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(real.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = real.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(unwrap(p));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return real.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
        throw new UnsupportedOperationException("no watch service on a test file system");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
