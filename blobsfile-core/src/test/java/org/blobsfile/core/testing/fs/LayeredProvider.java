package org.blobsfile.core.testing.fs;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The provider of a {@link LayeredFileSystem}: every call goes to the default provider on the
 * real paths; those that change files or directories go through the {@link FileLayer} first.
 */
final class LayeredProvider extends FileSystemProvider {
    private final LayeredFileSystem fs;
    private final FileLayer layer;

    LayeredProvider(LayeredFileSystem fs, FileLayer layer) {
        this.fs = fs;
        this.layer = layer;
    }

    private static Path real(Path p) {
        return LayeredFileSystem.unwrap(p);
    }

    private static FileSystemProvider realProvider(Path p) {
        return real(p).getFileSystem().provider();
    }

    @Override
    public String getScheme() {
        return "layered";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("a layered file system is made by its constructor");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("a layered file system is not found by URI");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("a layered file system is not found by URI");
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path file = real(path);
        FileChannel raw = layer.open(file, options, () -> FileChannel.open(file, options, attrs));
        return new LayeredChannel(file, raw, layer);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryStream<Path> inner = Files.newDirectoryStream(real(dir), p -> filter.accept(fs.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = inner.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return fs.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Path d = real(dir);
        layer.createDirectory(d, () -> {
            Files.createDirectory(d, attrs);
            return null;
        });
    }

    @Override
    public void delete(Path path) throws IOException {
        Path p = real(path);
        layer.delete(p, () -> {
            Files.delete(p);
            return null;
        });
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        if (Files.notExists(real(path), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            delete(path);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Files.copy(real(source), real(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path s = real(source);
        Path t = real(target);
        layer.move(s, t, options, () -> {
            Files.move(s, t, options);
            return null;
        });
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return Files.isSameFile(real(path), real(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return Files.isHidden(real(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return Files.getFileStore(real(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        realProvider(path).checkAccess(real(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return Files.getFileAttributeView(real(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return Files.readAttributes(real(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return Files.readAttributes(real(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        Files.setAttribute(real(path), attribute, value, options);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        Files.createSymbolicLink(real(link), real(target), attrs);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fs.wrap(Files.readSymbolicLink(real(link)));
    }
}
