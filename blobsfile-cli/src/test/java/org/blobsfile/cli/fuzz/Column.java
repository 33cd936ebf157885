package org.blobsfile.cli.fuzz;

/** A column of the fuzz summary: one invariant a case can break. */
enum Column {
    /** A read returned bytes that are not the blob's. */
    WRONG_BYTES("wrong"),
    /** A deleted blob the store holds again: readable, or listed by the index. */
    RESURRECTED("back"),
    /** A blob readable before an operation and not after it. */
    LOST_BY_TOOL("lost"),
    /** A blob whose entry is intact in place (or, after reindex, anywhere) but that no read finds. */
    HIDDEN("hidden"),
    /** A blob the store knew, unreadable after repair, and named nowhere: not lost, not in damage, not in a note. */
    UNNAMED("unnamed"),
    /** At most two damaged shards of one sealed pack, and repair did not restore it byte for byte. */
    INEXACT_REPAIR("inexact"),
    /** verify said clean, or repair said complete, while a blob the index knew was unreadable. */
    BLIND("blind"),
    /** An open that failed: one damaged pack made every blob of the store unreachable. */
    UNOPENABLE("unopen"),
    /** An exception no caller should see: not a BlobStoreException, or thrown by verify, repair or reindex. */
    CRASH("crash"),
    /** A command's exit code outside the contract, or a stack trace on its standard error. */
    EXIT_CODE("exit"),
    /** A case that did not finish in time. */
    HANG("hang"),
    /** OutOfMemoryError, or a thread allocating far more than the store holds. */
    ALLOCATION("alloc");

    final String header;

    Column(String header) {
        this.header = header;
    }
}
