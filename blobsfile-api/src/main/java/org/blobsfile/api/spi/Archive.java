package org.blobsfile.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A place objects are written to once and never changed: where a store keeps copies of its sealed
 * packs and their manifests. Names are relative paths of {@code [A-Za-z0-9._-]} segments joined by
 * {@code /}. The store writes each name at most once and never asks to delete one, so credentials
 * that may create and read objects but not delete or replace them suffice.
 *
 * <p>Every call may fail with {@link ArchiveUnavailableException} when the archive cannot be
 * reached or refuses the store (bad credentials, a missing bucket, throttling that outlasted the
 * provider's retries); other {@link IOException}s concern one object. Thread-safe: the store
 * uploads and reads from several threads.
 */
public interface Archive extends Closeable {
    /**
     * @return where the archive is, for messages and for telling archives apart: the URI it was
     *         opened with, without credentials
     */
    String location();

    /**
     * Stores a file as a new object. Returns only once the archive holds the file's bytes under
     * {@code name}, checked end to end by what the archive offers (a digest of each part the
     * server verifies and a whole-object digest compared after the upload, or the bytes read
     * back), so a returned upload is never a damaged copy. An upload that fails leaves no object
     * under {@code name}, or one the next upload of the same name may finish or replace: an
     * object under {@code name} becomes visible to {@link #list} only whole.
     *
     * @param name     the object's name
     * @param file     the file to store, which does not change during the upload
     * @param progress told of the bytes sent so far, from the uploading thread
     * @throws java.nio.file.FileAlreadyExistsException when an object of that name exists: it is
     *         never replaced
     * @throws IOException when the upload fails
     */
    void upload(String name, Path file, Progress progress) throws IOException;

    /**
     * @param prefix the start of the names to list, possibly empty
     * @return every whole object whose name starts with {@code prefix}, in name order
     * @throws IOException when the listing fails
     */
    List<ArchivedObject> list(String prefix) throws IOException;

    /**
     * Reads a range of an object: one request.
     *
     * @param name   the object's name
     * @param offset where the range starts
     * @param length how many bytes, within the object
     * @return exactly {@code length} bytes
     * @throws java.nio.file.NoSuchFileException when no object has that name
     * @throws java.io.EOFException when the object ends before the range does
     * @throws IOException when the read fails
     */
    byte[] read(String name, long offset, int length) throws IOException;

    /**
     * Opens a whole object for reading, as a stream the caller closes.
     *
     * @param name the object's name
     * @return its bytes from the first
     * @throws java.nio.file.NoSuchFileException when no object has that name
     * @throws IOException when the read cannot start
     */
    InputStream open(String name) throws IOException;

    /** Receives the bytes an upload has sent. */
    @FunctionalInterface
    interface Progress {
        /** Tells nothing. */
        Progress NONE = bytes -> { };

        /** @param bytes the bytes of the file sent so far */
        void sent(long bytes);
    }
}
