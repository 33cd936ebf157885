package org.blobsfile.core.testing.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a test file system does around each call that changes files or directories. Every method
 * receives the real path (on the file system underneath) and the call itself, which it runs,
 * fails instead of running, or records around. The defaults just run the call.
 */
public interface FileLayer {
    /** A file system call that may fail. */
    interface Call<T> {
        /**
         * @return what the call returns
         * @throws IOException when it fails
         */
        T run() throws IOException;
    }

    /**
     * Opens a file or directory channel.
     *
     * @param file    the real path
     * @param options the open options as given
     * @param open    opens the real channel
     * @return the real channel
     * @throws IOException when the open fails or is refused
     */
    default FileChannel open(Path file, Set<? extends OpenOption> options, Call<FileChannel> open) throws IOException {
        return open.run();
    }

    /**
     * Writes {@code length} bytes at {@code position} of a file.
     *
     * @param file     the real path
     * @param raw      the real channel the bytes go through
     * @param position where they go
     * @param length   how many bytes the call writes at most
     * @param write    the write
     * @return the bytes written
     * @throws IOException when the write fails or is refused
     */
    default long write(Path file, FileChannel raw, long position, long length, Call<Long> write) throws IOException {
        return write.run();
    }

    /**
     * Forces a file, or a directory's entries when {@code file} is a directory.
     *
     * @param file  the real path
     * @param raw   the real channel
     * @param force the force
     * @throws IOException when the force fails or is refused
     */
    default void force(Path file, FileChannel raw, Call<Void> force) throws IOException {
        force.run();
    }

    /**
     * Sets a file's length below its current one (a longer size leaves the file as it is).
     *
     * @param file     the real path
     * @param raw      the real channel
     * @param size     the new length
     * @param truncate the truncation
     * @throws IOException when it fails or is refused
     */
    default void truncate(Path file, FileChannel raw, long size, Call<Void> truncate) throws IOException {
        truncate.run();
    }

    /**
     * Renames a file or directory.
     *
     * @param source  the real source path
     * @param target  the real target path
     * @param options the copy options as given
     * @param move    the rename
     * @throws IOException when it fails or is refused
     */
    default void move(Path source, Path target, CopyOption[] options, Call<Void> move) throws IOException {
        move.run();
    }

    /**
     * Creates a directory.
     *
     * @param dir    the real path
     * @param create the creation
     * @throws IOException when it fails or is refused
     */
    default void createDirectory(Path dir, Call<Void> create) throws IOException {
        create.run();
    }

    /**
     * Deletes a file or an empty directory.
     *
     * @param file   the real path
     * @param delete the deletion
     * @throws IOException when it fails or is refused
     */
    default void delete(Path file, Call<Void> delete) throws IOException {
        delete.run();
    }

    /**
     * Told when a channel opened through the layer is closed.
     *
     * @param raw the real channel, now closed
     */
    default void closed(FileChannel raw) {
    }
}
