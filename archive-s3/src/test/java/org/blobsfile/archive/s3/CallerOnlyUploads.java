package org.blobsfile.archive.s3;

import java.io.IOException;
import java.nio.file.Path;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.tck.ForwardingArchive;

/**
 * An archive whose uploads succeed only from one thread: the store's background uploader finds it
 * unavailable and backs off, so a test decides which of its own calls upload what, and when.
 */
final class CallerOnlyUploads extends ForwardingArchive {
    private final Thread caller;

    /**
     * @param archive the archive to pass the calls to
     * @param caller  the one thread whose uploads go through
     */
    CallerOnlyUploads(Archive archive, Thread caller) {
        super(archive);
        this.caller = caller;
    }

    @Override
    public void upload(String name, Path file, Progress progress) throws IOException {
        if (Thread.currentThread() != caller) {
            throw new ArchiveUnavailableException("uploads from " + Thread.currentThread().getName() + " are held back by the test", null);
        }
        super.upload(name, file, progress);
    }
}
