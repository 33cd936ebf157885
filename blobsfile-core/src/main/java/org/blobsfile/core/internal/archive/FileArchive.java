package org.blobsfile.core.internal.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.core.internal.io.Fsync;

/**
 * An archive in a directory: object {@code a/b} is the file {@code a/b} under the root. An upload
 * is written under a temporary name beside its target (a name with {@code ~}, which no object name
 * has, so listings never show it), forced, read back and compared by digest with the source (the
 * disk is the server here), then linked into place, which fails rather than replace an existing
 * file.
 */
final class FileArchive implements Archive {
    private static final char TEMPORARY_MARK = '~';

    private final String location;
    private final Path root;

    /**
     * @param location the URI the archive was opened with
     * @param root     its directory, absolute and normalized
     */
    FileArchive(String location, Path root) {
        this.location = location;
        this.root = root;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public void upload(String name, Path file, Progress progress) throws IOException {
        Path target = object(name);
        if (!Files.isWritable(root)) {
            throw new ArchiveUnavailableException("archive " + location + ": directory " + root
                    + " is not writable; check its permissions and mount", null);
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "archive " + location + " already holds " + name);
        }
        Path parent = target.getParent();
        try {
            createDirectories(parent);
        } catch (AccessDeniedException e) {
            throw new ArchiveUnavailableException("archive " + location + ": cannot create directory " + parent
                    + "; check its permissions", e);
        }
        removeLeftovers(parent, target.getFileName().toString());
        Path temporary = parent.resolve(target.getFileName() + String.valueOf(TEMPORARY_MARK)
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".upload");
        try {
            byte[] sent = copy(file, temporary, progress);
            byte[] stored = digest(temporary);
            if (!Arrays.equals(sent, stored)) {
                throw new IOException("archive " + location + ": " + name + " read back differs from " + file
                        + "; the upload was dropped");
            }
            publish(temporary, target, name);
            Fsync.directory(parent);
        } catch (AccessDeniedException e) {
            throw new ArchiveUnavailableException("archive " + location + ": cannot write in " + parent
                    + "; check its permissions", e);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Removes the temporary files of earlier uploads of the same name that a crash cut off: a
     * store uploads one name at a time, so any found now is no one's.
     */
    private static void removeLeftovers(Path parent, String name) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(name + TEMPORARY_MARK) && n.endsWith(".upload");
        })) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Creates the missing directories down to {@code dir}, forcing each new entry into its parent. */
    private void createDirectories(Path dir) throws IOException {
        Path existing = dir;
        while (!Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing.equals(dir)) {
            return;
        }
        Files.createDirectories(dir);
        for (Path d = dir; !d.equals(existing); d = d.getParent()) {
            Fsync.directory(d.getParent());
        }
    }

    /** Copies the source into a new file, forced, and returns the digest of the bytes written. */
    private static byte[] copy(Path source, Path temporary, Progress progress) throws IOException {
        long[] sent = {0};
        progress.sent(0);
        try (InputStream in = Files.newInputStream(source);
                FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] digest = StreamDigest.copy(in, out, n -> progress.sent(sent[0] += n)).digest();
            out.force(true);
            return digest;
        }
    }

    private static byte[] digest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return StreamDigest.of(in).digest();
        }
    }

    /**
     * Gives the checked temporary file its name. A hard link fails when the name exists, which a
     * rename would not on POSIX (it replaces); file systems without hard links get a move without
     * replacement, which checks and renames in two steps.
     */
    private void publish(Path temporary, Path target, String name) throws IOException {
        try {
            Files.createLink(target, temporary);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, "archive " + location + " already holds " + name);
        } catch (UnsupportedOperationException | AccessDeniedException e) {
            // links refused (some NAS mounts): a move without REPLACE_EXISTING still never replaces
            Files.move(temporary, target);
        }
    }

    @Override
    public List<ArchivedObject> list(String prefix) throws IOException {
        checkRoot();
        // walk only below the deepest directory the prefix names
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (slash >= 0 && (!ArchiveNames.isValid(prefix.substring(0, slash)) || !Files.isDirectory(start))) {
            return List.of();
        }
        List<ArchivedObject> objects = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = nameOf(file);
                if (name != null && name.startsWith(prefix) && attrs.isRegularFile()) {
                    objects.add(new ArchivedObject(name, attrs.size()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // a temporary file an upload removed while the listing ran
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        objects.sort(Comparator.comparing(ArchivedObject::name));
        return objects;
    }

    /** @return the object name of a file under the root, or null for a temporary file or the root */
    private String nameOf(Path p) {
        Path relative = root.relativize(p);
        StringBuilder name = new StringBuilder();
        for (Path segment : relative) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(segment);
        }
        return name.length() > 0 && ArchiveNames.isValid(name.toString()) ? name.toString() : null;
    }

    @Override
    public byte[] read(String name, long offset, int length) throws IOException {
        Path p = existingObject(name);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("range " + offset + "+" + length);
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset + length > size) {
                throw new EOFException("archive " + location + ": " + name + " has " + size + " bytes, fewer than "
                        + (offset + length));
            }
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new EOFException("archive " + location + ": " + name + " ended at " + (offset + b.position()));
                }
            }
            return b.array();
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(existingObject(name));
    }

    private Path existingObject(String name) throws IOException {
        Path p = object(name);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(p.toString(), null, "archive " + location + " holds no " + name);
        }
        return p;
    }

    private Path object(String name) throws IOException {
        ArchiveNames.check(name);
        checkRoot();
        return root.resolve(name);
    }

    private void checkRoot() throws ArchiveUnavailableException {
        if (!Files.isDirectory(root)) {
            throw new ArchiveUnavailableException("archive " + location + ": directory " + root
                    + (Files.exists(root) ? " is not a directory" : " does not exist") + "; check the path and that it is mounted",
                    null);
        }
    }

    @Override
    public void close() {
        // holds no open resource between calls
    }

    @Override
    public String toString() {
        return location;
    }
}
