package org.blobsfile.core.testing.fs;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Iterator;

/** A path of a {@link LayeredFileSystem}: a real path, handed out on the layered file system. */
final class LayeredPath implements Path {
    private final LayeredFileSystem fs;
    private final Path real;

    LayeredPath(LayeredFileSystem fs, Path real) {
        this.fs = fs;
        this.real = real;
    }

    /** @return the path on the default file system */
    Path real() {
        return real;
    }

    private Path wrap(Path p) {
        return p == null ? null : new LayeredPath(fs, p);
    }

    private Path other(Path p) {
        if (p instanceof LayeredPath l) {
            return l.real;
        }
        if (p.getFileSystem() == real.getFileSystem()) {
            return p;
        }
        throw new ProviderMismatchException(p.toString());
    }

    @Override
    public FileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return real.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(real.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(real.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(real.getParent());
    }

    @Override
    public int getNameCount() {
        return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return real.startsWith(other(other));
    }

    @Override
    public boolean endsWith(Path other) {
        return real.endsWith(other(other));
    }

    @Override
    public Path normalize() {
        return wrap(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(real.resolve(other(other)));
    }

    @Override
    public Path resolve(String other) {
        return wrap(real.resolve(other));
    }

    @Override
    public Path resolveSibling(String other) {
        return wrap(real.resolveSibling(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(real.relativize(other(other)));
    }

    @Override
    public URI toUri() {
        return real.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(real.toRealPath(options));
    }

    @Override
    public File toFile() {
        return real.toFile();
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service on a test file system");
    }

    @Override
    public Iterator<Path> iterator() {
        Iterator<Path> it = real.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Path next() {
                return wrap(it.next());
            }
        };
    }

    @Override
    public int compareTo(Path other) {
        return real.compareTo(other(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayeredPath p && p.fs == fs && p.real.equals(real);
    }

    @Override
    public int hashCode() {
        return real.hashCode();
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
