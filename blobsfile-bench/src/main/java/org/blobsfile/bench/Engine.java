package org.blobsfile.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The little a benchmark needs from a content-addressed blob store, so that the store and its
 * peers run the very same workload. Keys are the 32-byte BLAKE2b-256 of the blob in every engine,
 * so each one pays for the same hashing.
 *
 * <p>An engine is used by one thread at a time unless its class says otherwise. The lifecycle is
 * {@code open}, any number of {@code put}/{@code get}, {@code close}; an engine may be opened
 * again on the same directory after it was closed, and must then find what it stored before.
 */
public interface Engine extends AutoCloseable {
    /** @return the short name used as the benchmark parameter, e.g. {@code file-per-blob} */
    String name();

    /**
     * Opens (or creates) the engine's data in {@code dir}.
     *
     * @param dir an existing directory the engine owns
     * @throws IOException if the engine cannot open its files
     */
    void open(Path dir) throws IOException;

    /**
     * Stores a blob durably: when this returns, the blob survives a power cut (as the engine
     * is configured). Storing a blob that is already there stores nothing new.
     *
     * @param data the blob; the engine neither keeps nor modifies the array
     * @return its key, the BLAKE2b-256 of {@code data}
     * @throws IOException if writing fails
     */
    byte[] put(byte[] data) throws IOException;

    /**
     * Reads a blob.
     *
     * @param key a key returned by {@link #put(byte[])}
     * @return the blob's bytes in a new array, or {@code null} if the engine does not hold it
     * @throws IOException if reading fails
     */
    byte[] get(byte[] key) throws IOException;

    /**
     * Releases the engine's files; its data stays in the directory. Closing twice does nothing.
     *
     * @throws IOException if flushing or closing fails
     */
    @Override
    void close() throws IOException;
}
