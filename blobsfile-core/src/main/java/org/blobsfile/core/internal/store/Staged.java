package org.blobsfile.core.internal.store;

/**
 * A blob of a put on its way to the write side: hashed, and either prepared for its entry or
 * already found stored by the write side's duplicate check, in which case it is not compressed.
 *
 * @param hash         the blob's BLAKE2b-256
 * @param prepared     the entry to append, or null when the blob is stored already
 * @param storedTicket for a blob stored already, the ticket its put waits for (0 when it is indexed)
 * @param checkedAt    the index queue's generation when the duplicate check began, which tells
 *                     the check under the write lock whether the index may have changed since
 */
record Staged(byte[] hash, Prepared prepared, long storedTicket, long checkedAt) {
    /** @return the blob, to be appended unless the write side finds it stored meanwhile */
    static Staged fresh(Prepared prepared, long checkedAt) {
        return new Staged(prepared.hash(), prepared, 0, checkedAt);
    }

    /** @return a blob the write side found stored, whose put waits for {@code ticket} */
    static Staged stored(byte[] hash, long ticket) {
        return new Staged(hash, null, ticket, 0);
    }
}
