package org.blobsfile.cli.fuzz;

/**
 * One broken invariant in one case.
 *
 * @param column  which invariant
 * @param message what happened, naming the blob or the call
 */
record Finding(Column column, String message) {
}
