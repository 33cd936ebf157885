package org.blobsfile.api;

import java.nio.file.Path;

/**
 * One difference {@link BlobStore#verify()} found between the index and the packs: the index
 * must hold exactly the verified blobs of the live packs. The packs are the source of truth, so
 * rebuilding the index from them ({@link BlobStore#rebuildIndex()}) clears every such finding.
 * Immutable.
 *
 * @param kind   which way index and pack disagree
 * @param pack   the pack file the finding is about
 * @param offset the entry's offset in it: where the pack holds the blob for {@link Kind#MISSING},
 *               where the index says it is for {@link Kind#STALE}
 * @param blob   the blob
 * @param what   one sentence saying what is wrong
 */
public record IndexFinding(Kind kind, Path pack, long offset, BlobRef blob, String what) {
    /** Which way index and pack disagree. */
    public enum Kind {
        /** The pack holds a verified entry of a blob that the index does not know. */
        MISSING,
        /** The index places a blob where the pack holds no entry of it. */
        STALE
    }

    @Override
    public String toString() {
        return pack.getFileName() + "@" + offset + " blob " + blob + ": " + what;
    }
}
