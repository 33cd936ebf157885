package org.blobsfile.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobTooLargeException;
import org.blobsfile.api.CorruptStoreException;
import org.blobsfile.api.HashMismatchException;
import org.blobsfile.api.PluginException;
import org.blobsfile.api.ReadOnlyStoreException;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreConfigurationException;
import org.blobsfile.api.StoreLockedException;
import org.blobsfile.api.UnsupportedCodecException;

/**
 * How a failure is shown: one sentence and an exit code. The mapping is the command's contract,
 * documented in its help and in the README.
 *
 * @param exitCode the exit code
 * @param message  one sentence, or empty when the command already said everything
 */
record Failure(int exitCode, String message) {

    /**
     * @param t what a command threw
     * @return its exit code and message
     */
    static Failure of(Throwable t) {
        if (t instanceof CliException e) {
            return new Failure(e.exitCode(), e.getMessage());
        }
        if (t instanceof BlobNotFoundException) {
            return new Failure(BlobsFileCommand.EXIT_NOT_FOUND, t.getMessage());
        }
        // a hash mismatch on read is damage; the store reports it as CorruptPackException, and a
        // mismatch of caller-given data cannot come from this program's own puts
        if (t instanceof CorruptStoreException || t instanceof HashMismatchException) {
            return new Failure(BlobsFileCommand.EXIT_DAMAGE, t.getMessage());
        }
        // a lock held by another process, a blob whose codec module is absent and a store that
        // needs a writable open to finish what its last run left (read-only commands) all need a
        // person to act (stop the other process, add the module, open it writable); none is damage
        // an archive that cannot be reached, refuses the credentials or lacks its bucket: local
        // data is untouched, a person fixes the network or the settings
        if (t instanceof StoreLockedException || t instanceof UnsupportedCodecException
                || t instanceof ReadOnlyStoreException || t instanceof ArchiveException) {
            return new Failure(BlobsFileCommand.EXIT_INTERVENTION, t.getMessage());
        }
        // wrong names, contradicting options and oversize inputs are the caller's to fix
        if (t instanceof PluginException || t instanceof StoreConfigurationException
                || t instanceof BlobTooLargeException || t instanceof IllegalArgumentException) {
            return new Failure(BlobsFileCommand.EXIT_USAGE, t.getMessage());
        }
        if (t instanceof StorageIOException) {
            return new Failure(BlobsFileCommand.EXIT_INTERVENTION, t.getMessage());
        }
        if (t instanceof UncheckedIOException u) {
            return of(u.getCause());
        }
        if (t instanceof NoSuchFileException) {
            return new Failure(BlobsFileCommand.EXIT_NOT_FOUND, describe((IOException) t));
        }
        if (t instanceof IOException e) {
            return new Failure(BlobsFileCommand.EXIT_INTERVENTION, describe(e));
        }
        if (t instanceof OutOfMemoryError) {
            return new Failure(BlobsFileCommand.EXIT_INTERVENTION,
                    "out of memory; give the JVM more heap (java -Xmx...) or store smaller files");
        }
        String message = t.getMessage();
        return new Failure(BlobsFileCommand.EXIT_INTERVENTION, "unexpected " + t.getClass().getSimpleName()
                + (message == null ? "" : ": " + message) + " (run with --debug for details)");
    }

    /**
     * The JDK's file exceptions carry only a path as message; this makes a sentence of them.
     *
     * @param e an I/O failure
     * @return what went wrong, naming the file
     */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof NotDirectoryException n) {
            return "not a directory: " + n.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
