package org.blobsfile.archive.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.api.spi.ArchivedObject;

/**
 * An archive whose uploads succeed only from one thread: the store's background uploader finds it
 * unavailable and backs off, so a test decides which of its own calls upload what, and when.
 */
final class CallerOnlyUploads implements Archive {
    private final Archive archive;
    private final Thread caller;

    /**
     * @param archive the archive to pass the calls to
     * @param caller  the one thread whose uploads go through
     */
    CallerOnlyUploads(Archive archive, Thread caller) {
        this.archive = archive;
        this.caller = caller;
    }

    @Override
    public String location() {
        return archive.location();
    }

    @Override
    public void upload(String name, Path file, Progress progress) throws IOException {
        if (Thread.currentThread() != caller) {
            throw new ArchiveUnavailableException("uploads from " + Thread.currentThread().getName() + " are held back by the test", null);
        }
        archive.upload(name, file, progress);
    }

    @Override
    public List<ArchivedObject> list(String prefix) throws IOException {
        return archive.list(prefix);
    }

    @Override
    public byte[] read(String name, long offset, int length) throws IOException {
        return archive.read(name, offset, length);
    }

    @Override
    public InputStream open(String name) throws IOException {
        return archive.open(name);
    }

    @Override
    public void close() throws IOException {
        archive.close();
    }
}
