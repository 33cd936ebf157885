package org.blobsfile.api;

/** When a put's bytes reach stable storage. */
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
