package org.blobsfile.tck;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchivedObject;

/**
 * An archive that passes every call to another: a test overrides the calls it wants to fail,
 * delay or watch, and the rest reach the archive under test unchanged.
 */
public abstract class ForwardingArchive implements Archive {
    private final Archive archive;

    /** @param archive the archive the calls go to */
    protected ForwardingArchive(Archive archive) {
        this.archive = archive;
    }

    /** @return the archive the calls go to */
    protected final Archive delegate() {
        return archive;
    }

    @Override
    public String location() {
        return archive.location();
    }

    @Override
    public void upload(String name, Path file, Progress progress) throws IOException {
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
