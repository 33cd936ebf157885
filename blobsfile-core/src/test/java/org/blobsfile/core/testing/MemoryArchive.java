package org.blobsfile.core.testing;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.api.spi.ArchivedObject;

/**
 * An archive in memory that can be made unavailable and whose objects can be damaged, standing
 * for a remote server a test switches off or whose disk rots. Counts the calls it served.
 */
public final class MemoryArchive implements Archive {
    private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private volatile boolean available = true;
    /** Uploads served whole. */
    public final AtomicInteger uploads = new AtomicInteger();
    /** Ranged reads served. */
    public final AtomicInteger rangedReads = new AtomicInteger();

    @Override
    public String location() {
        return "memory:test";
    }

    /** @param on whether calls are served; off, every call throws {@link ArchiveUnavailableException} */
    public void available(boolean on) {
        available = on;
    }

    private void check() throws ArchiveUnavailableException {
        if (!available) {
            throw new ArchiveUnavailableException("archive memory:test cannot be reached (switched off by the test)", null);
        }
    }

    @Override
    public void upload(String name, Path file, Progress progress) throws IOException {
        check();
        byte[] b = Files.readAllBytes(file);
        if (objects.putIfAbsent(name, b) != null) {
            throw new FileAlreadyExistsException(name);
        }
        uploads.incrementAndGet();
        progress.sent(b.length);
    }

    @Override
    public List<ArchivedObject> list(String prefix) throws IOException {
        check();
        List<ArchivedObject> out = new ArrayList<>();
        objects.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.add(new ArchivedObject(k, v.length));
            }
        });
        return out;
    }

    @Override
    public byte[] read(String name, long offset, int length) throws IOException {
        check();
        byte[] b = bytes(name);
        if (offset + length > b.length) {
            throw new EOFException(name + " ends at " + b.length);
        }
        rangedReads.incrementAndGet();
        return Arrays.copyOfRange(b, (int) offset, (int) offset + length);
    }

    @Override
    public InputStream open(String name) throws IOException {
        check();
        return new ByteArrayInputStream(bytes(name));
    }

    private byte[] bytes(String name) throws NoSuchFileException {
        byte[] b = objects.get(name);
        if (b == null) {
            throw new NoSuchFileException(name);
        }
        return b;
    }

    /** @return the names held, in order */
    public List<String> names() {
        return new ArrayList<>(objects.keySet());
    }

    /** @return the first name held that starts with {@code prefix}: one pack's copy, say */
    public String named(String prefix) {
        return objects.keySet().stream().filter(n -> n.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no object named " + prefix + "..."));
    }

    /** @return an object's bytes, or null */
    public byte[] object(String name) {
        return objects.get(name);
    }

    /** Removes an object, as someone with more rights than the store might. */
    public void remove(String name) {
        objects.remove(name);
    }

    /** Flips a byte of an object, as bit rot on the server would. */
    public void corrupt(String name, int offset) {
        objects.get(name)[offset] ^= 0x20;
    }

    @Override
    public void close() {
    }
}
