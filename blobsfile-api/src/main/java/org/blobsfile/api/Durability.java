package org.blobsfile.api;

/**
 * When a put's bytes reach stable storage.
 *
 * <p>A force that fails is never retried: the operating system may already have dropped the pages
 * it failed to write, so a later force that succeeds would acknowledge bytes that are gone. The
 * puts it covered fail with a {@link StorageIOException}, and so does every later put, until the
 * store is closed and opened again; opening reads the active pack back from the disk and keeps
 * only the entries that are there and hash right.
 */
public enum Durability {
    /** One force (fsync) per put before it returns; the slowest, like the Go implementation. */
    SYNC_EACH,
    /**
     * A put returns only after its bytes are forced, but one force covers every entry appended
     * before it, so concurrent puts share forces (group commit). The default.
     */
    GROUP,
    /**
     * Never forces: the operating system writes when it likes. Survives a crash of the process,
     * not a power cut.
     */
    NONE
}
