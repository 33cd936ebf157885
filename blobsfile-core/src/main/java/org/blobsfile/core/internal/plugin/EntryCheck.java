package org.blobsfile.core.internal.plugin;

import java.io.IOException;
import java.util.Arrays;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.pack.PackWalker;

/**
 * Proves entries by their hash for a walk that resynchronises after damage: an entry verifies
 * when its payload decodes with the codecs present and hashes to its hash field. Not
 * thread-safe: it reads through its walk's source.
 */
public final class EntryCheck implements PackWalker.Check {
    private final CodecRegistry codecs;
    private final PackWalker.Source source;
    private final int maxBlob;

    /**
     * @param codecs  the codecs present; an entry of another codec never verifies
     * @param source  where payloads are read from: the source of the walk
     * @param maxBlob the longest blob a payload may decode to, so that garbage claiming more
     *                cannot exhaust the heap: the pack size, or the file's size for a lone pack
     */
    public EntryCheck(CodecRegistry codecs, PackWalker.Source source, long maxBlob) {
        this.codecs = codecs;
        this.source = source;
        this.maxBlob = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, maxBlob));
    }

    @Override
    public boolean verifies(PackScanner.Entry entry) throws IOException {
        return verifiedLength(entry) >= 0;
    }

    /**
     * @param entry an entry whose header parses as a blob entry
     * @return the length of its blob when its payload decodes and hashes to its hash, else -1
     * @throws IOException when the payload cannot be read
     */
    public long verifiedLength(PackScanner.Entry entry) throws IOException {
        EntryHeader h = entry.header();
        if (h.size() > Integer.MAX_VALUE - 8) {
            return -1;
        }
        byte[] blob = decode(h.flag(), h.codecId(), payload(entry.payloadOffset(), h.size()));
        return hashes(h.hash(), blob) ? blob.length : -1;
    }

    /**
     * An entry as it verifies.
     *
     * @param header the header under which its payload is its blob: as found, or with the size,
     *               flag or codec id that make it verify
     * @param length the blob's length, or -1 when its codec is missing so it could not be checked
     */
    public record Verified(EntryHeader header, long length) {
    }

    /**
     * Checks an entry whose structure is whole, recovering it when a damaged flag or codec byte
     * is all that keeps it from verifying.
     *
     * @param entry an entry the walk reported
     * @return the entry as it verifies; whole but unchecked when its codec is missing; null when
     *         its payload is not its blob under any header
     * @throws IOException when the payload cannot be read
     */
    public Verified verified(PackScanner.Entry entry) throws IOException {
        EntryHeader h = entry.header();
        long length = verifiedLength(entry);
        if (length >= 0) {
            return new Verified(h, length);
        }
        EntryHeader fixed = recover(entry.offset(), h, h.size());
        if (fixed != null) {
            return new Verified(fixed, verifiedLength(new PackScanner.Entry(entry.offset(), fixed)));
        }
        if (!Payloads.isPlain(h.flag(), h.codecId()) && codecs.find(h.codecId()) == null) {
            return new Verified(h, -1); // whole, but the module that reads it is not on the class path
        }
        return null;
    }

    @Override
    public EntryHeader recover(long offset, EntryHeader found, long storedSize) throws IOException {
        if (storedSize < 0 || storedSize > Integer.MAX_VALUE - 8 || found.hasZeroHash()) {
            return null;
        }
        byte[] payload = payload(offset + EntryHeader.LENGTH, storedSize);
        byte[] hash = found.hash();
        if (hashes(hash, decode(found.flag(), found.codecId(), payload))) {
            return new EntryHeader(hash, found.flag(), Payloads.storedCodec(found.flag(), found.codecId()), storedSize);
        }
        if (hashes(hash, payload)) {
            return new EntryHeader(hash, PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, storedSize);
        }
        for (Codec c : codecs.all()) {
            if (hashes(hash, decode(PackFormat.FLAG_COMPRESSED, c.id(), payload))) {
                return new EntryHeader(hash, PackFormat.FLAG_COMPRESSED, c.id(), storedSize);
            }
        }
        return null;
    }

    private byte[] payload(long at, long size) throws IOException {
        byte[] payload = new byte[(int) size];
        source.read(at, payload, 0, payload.length);
        return payload;
    }

    /** @return the blob, or null when the payload does not decode or its codec is not present */
    private byte[] decode(int flag, int codecId, byte[] payload) {
        if (flag != PackFormat.FLAG_BLOB && flag != PackFormat.FLAG_COMPRESSED) {
            return null;
        }
        if (!Payloads.isPlain(flag, codecId) && codecs.find(codecId) == null) {
            return null;
        }
        try {
            return Payloads.decode(codecs, flag, codecId, payload, maxBlob);
        } catch (IOException | RuntimeException undecodable) {
            return null; // garbage a codec rejects, in whatever way it rejects it
        }
    }

    private static boolean hashes(byte[] hash, byte[] blob) {
        return blob != null && Arrays.equals(Blake2b.hash(blob, 0, blob.length), hash);
    }
}
