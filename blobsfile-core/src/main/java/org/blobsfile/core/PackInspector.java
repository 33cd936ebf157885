package org.blobsfile.core;

import java.nio.file.Path;
import java.util.List;

/**
 * Lists what a v1 pack file holds, entry by entry, without a store. Works on packs written by
 * any v1 writer. Stateless and thread-safe.
 */
public final class PackInspector {
    private PackInspector() {
    }

    /**
     * One entry of a pack.
     *
     * @param offset     offset of the entry's 38-byte header
     * @param kind       {@code "blob"}, {@code "eof"} or {@code "parity"}
     * @param hash       the entry's hash in hex
     * @param flag       the flag byte
     * @param algo       the codec id byte
     * @param storedSize the payload length on disk (for an EOF entry, the padding length)
     * @param size       the blob's length when known (from the codec's header), else -1
     */
    public record Entry(long offset, String kind, String hash, int flag, int algo, long storedSize, long size) {
    }

    /**
     * A whole pack.
     *
     * @param path     the file
     * @param fileSize its length
     * @param version  the format version in its header, or -1 when the header is unreadable
     * @param entries  every entry that could be parsed, in file order
     * @param problems damage found, each as "offset N: what", empty for a healthy pack
     */
    public record Report(Path path, long fileSize, int version, List<Entry> entries, List<String> problems) {
    }

    /**
     * Parses every entry of a pack. Damage does not stop the report: it lists what could be
     * parsed and says where parsing stopped.
     *
     * @param pack the pack file
     * @return what it holds
     * @throws org.blobsfile.api.StorageIOException if the file cannot be read
     */
    public static Report inspect(Path pack) {
        throw new UnsupportedOperationException("written with the store");
    }
}
