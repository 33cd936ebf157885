package org.blobsfile.api;

/**
 * Told how far a long operation (verify, repair, index rebuild) has got. Called from the
 * operation's thread; implementations should return quickly.
 */
@FunctionalInterface
public interface Progress {
    /** A listener that ignores every update. */
    Progress NONE = (done, total) -> { };

    /**
     * @param done  bytes processed so far
     * @param total bytes the operation will process
     */
    void update(long done, long total);
}
