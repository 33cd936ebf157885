package org.blobsfile.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.blobsfile.core.internal.plugin.Payloads;

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
     * @param codecId the codec id byte
     * @param storedSize the payload length on disk (for an EOF entry, the padding length)
     * @param size       the blob's length when known (from the codec's header), else -1
     */
    public record Entry(long offset, String kind, String hash, int flag, int codecId, long storedSize, long size) {
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
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            long size = ch.size();
            PackScanner scanner = new PackScanner(pack, ch, size, PackGeometry.unknown());
            List<Entry> entries = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            String header = scanner.headerProblem();
            int version = -1;
            if (header != null) {
                problems.add("offset 0: " + header);
                if (size < PackFormat.HEADER_SIZE) {
                    return new Report(pack, size, version, entries, problems);
                }
            } else {
                version = PackFormat.VERSION;
            }
            CodecRegistry codecs = CodecRegistry.discovered();
            // resynchronising: a damaged header hides none of the entries after it
            PackScanner.Result r = scanner.scan(PackFormat.HEADER_SIZE, new EntryCheck(codecs, scanner.source(), size), (e, s) -> {
                byte[] prefix = s.payloadPrefix(e, Payloads.LENGTH_PREFIX);
                long n;
                try {
                    n = Payloads.length(codecs, e.flag(), e.codecId(), e.storedSize(), prefix);
                } catch (IOException bad) {
                    problems.add("offset " + e.offset() + ": payload header does not decode: " + bad.getMessage());
                    n = -1;
                }
                entries.add(new Entry(e.offset(), "blob", hex(e.hash()), e.flag(), e.codecId(), e.storedSize(), Math.max(-1, n)));
            });
            if (r.eof() != null) {
                PackScanner.Entry e = r.eof();
                entries.add(new Entry(e.offset(), "eof", hex(e.hash()), e.flag(), e.codecId(), e.storedSize(), -1));
            }
            for (PackScanner.Entry e : r.parity()) {
                entries.add(new Entry(e.offset(), "parity", hex(e.hash()), e.flag(), e.codecId(), e.storedSize(), -1));
            }
            if (r.damage() != null) {
                problems.add("offset " + r.damage().offset() + ": " + r.damage().reason());
            }
            for (PackScanner.Unreadable u : r.unreadable()) {
                problems.add("offset " + u.from() + ": " + (u.to() - u.from()) + " bytes in which no entry verifies");
            }
            return new Report(pack, size, version, entries, problems);
        } catch (IOException e) {
            throw new StorageIOException("reading " + pack, e);
        }
    }

    private static String hex(byte[] hash) {
        return BlobRef.of(hash).hex();
    }
}
