package org.blobsfile.core.internal.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.hash.FastBlake2b;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.pack.PackWalker;
import org.blobsfile.core.internal.pack.PayloadInput;

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
        if (h.size() > Payloads.HOLD_UP_TO) {
            return Math.max(-1, streamedLength(h, entry.payloadOffset()));
        }
        return Math.max(-1, checkedLength(codecs, maxBlob, h.hash(), h.flag(), h.codecId(),
                payload(entry.payloadOffset(), h.size())));
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
        if (h.size() > Integer.MAX_VALUE - 8) {
            return null;
        }
        if (h.size() > Payloads.HOLD_UP_TO) {
            // too large to hold for the check of an entry as found; only a damaged one is held whole
            long streamed = streamedLength(h, entry.payloadOffset());
            if (streamed >= 0) {
                return new Verified(h, streamed);
            }
        }
        byte[] payload = payload(entry.payloadOffset(), h.size());
        long length = checkedLength(codecs, maxBlob, h.hash(), h.flag(), h.codecId(), payload);
        if (length >= 0) {
            return new Verified(h, length);
        }
        Verified fixed = recovered(h, payload);
        if (fixed != null) {
            return fixed;
        }
        return length == -1 ? new Verified(h, -1) : null; // -1: whole, but its codec is not on the class path
    }

    @Override
    public EntryHeader recover(long offset, EntryHeader found, long storedSize) throws IOException {
        if (storedSize < 0 || storedSize > Integer.MAX_VALUE - 8 || found.hasZeroHash()) {
            return null; // no blob hashes to zeros: not worth reading a payload for (zeros written ahead)
        }
        EntryHeader sized = new EntryHeader(found.hash(), found.flag(), found.codecId(), storedSize);
        Verified v = recovered(sized, payload(offset + EntryHeader.LENGTH, storedSize));
        return v == null ? null : v.header();
    }

    /**
     * Tries a payload under the header as found, then as plain, then with each codec present.
     *
     * @return the header and blob length under which it hashes to the header's hash field, or null
     */
    private Verified recovered(EntryHeader found, byte[] payload) {
        if (found.hasZeroHash()) {
            return null;
        }
        byte[] hash = found.hash();
        long n = checkedLength(codecs, maxBlob, hash, found.flag(), found.codecId(), payload);
        if (n >= 0) {
            return new Verified(new EntryHeader(hash, found.flag(), Payloads.storedCodec(found.flag(), found.codecId()),
                    payload.length), n);
        }
        n = checkedLength(codecs, maxBlob, hash, PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, payload);
        if (n >= 0) {
            return new Verified(new EntryHeader(hash, PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, payload.length), n);
        }
        for (Codec c : codecs.all()) {
            n = checkedLength(codecs, maxBlob, hash, PackFormat.FLAG_COMPRESSED, c.id(), payload);
            if (n >= 0) {
                return new Verified(new EntryHeader(hash, PackFormat.FLAG_COMPRESSED, c.id(), payload.length), n);
            }
        }
        return null;
    }

    /**
     * The check of {@link #checkedLength} for a payload too large to hold: decoded and hashed a
     * piece at a time, as its header says.
     *
     * @return the blob's length when it verifies, -1 when its codec is missing, else {@link #BAD}
     * @throws IOException when the payload cannot be read
     */
    private long streamedLength(EntryHeader h, long payloadOffset) throws IOException {
        int flag = h.flag();
        if (flag != PackFormat.FLAG_BLOB && flag != PackFormat.FLAG_COMPRESSED) {
            return BAD;
        }
        if (!Payloads.isPlain(flag, h.codecId()) && codecs.find(h.codecId()) == null) {
            return -1;
        }
        boolean[] unreadable = {false};
        PackWalker.Source tracked = (pos, dst, off, len) -> {
            try {
                source.read(pos, dst, off, len);
            } catch (IOException e) {
                unreadable[0] = true;
                throw e;
            }
        };
        try {
            return hashedLength(codecs, maxBlob, h.hash(), flag, h.codecId(), new PayloadInput(tracked, payloadOffset, h.size()),
                    h.size());
        } catch (IOException | RuntimeException undecodable) {
            if (unreadable[0] && undecodable instanceof IOException io) {
                throw io;
            }
            return BAD;
        }
    }

    private byte[] payload(long at, long size) throws IOException {
        byte[] payload = new byte[(int) size];
        source.read(at, payload, 0, payload.length);
        return payload;
    }

    /** What {@link #checkedLength} returns for a payload that is not its blob. */
    public static final long BAD = -2;

    /**
     * Decodes a payload and hashes the blob: the one check every walk, probe and salvage makes.
     *
     * @param codecs  the codecs present
     * @param maxBlob the longest blob the payload may decode to
     * @param hash    the hash the blob must have
     * @param flag    the entry's flag; one that is not a blob's never verifies
     * @param codecId its codec id
     * @param payload its whole payload
     * @return the blob's length when the payload decodes to a blob of that hash; -1 when its codec
     *         is not present, so it cannot be checked; {@link #BAD} otherwise
     */
    public static long checkedLength(CodecRegistry codecs, long maxBlob, byte[] hash, int flag, int codecId,
                                     byte[] payload) {
        if (flag != PackFormat.FLAG_BLOB && flag != PackFormat.FLAG_COMPRESSED) {
            return BAD;
        }
        if (!Payloads.isPlain(flag, codecId) && codecs.find(codecId) == null) {
            return -1;
        }
        try {
            if (Payloads.decodesLarge(codecs, flag, codecId, payload.length, payload)) {
                // a small payload of a large blob (zeros compress a thousandfold): the blob is never held
                return hashedLength(codecs, maxBlob, hash, flag, codecId, new java.io.ByteArrayInputStream(payload),
                        payload.length);
            }
            byte[] blob = Payloads.decode(codecs, flag, codecId, payload, (int) Math.min(Integer.MAX_VALUE - 8, maxBlob));
            return Arrays.equals(Blake2b.hash(blob, 0, blob.length), hash) ? blob.length : BAD;
        } catch (IOException | RuntimeException undecodable) {
            return BAD; // garbage a codec rejects, in whatever way it rejects it
        }
    }

    /**
     * Decodes a payload a piece at a time and hashes the blob.
     *
     * @return the blob's length when it has {@code hash}, else {@link #BAD}
     * @throws IOException when the payload cannot be read or decoded
     */
    private static long hashedLength(CodecRegistry codecs, long maxBlob, byte[] hash, int flag, int codecId,
                                     InputStream payload, long storedSize) throws IOException {
        FastBlake2b digest = Blake2b.newDigest();
        long length = 0;
        try (InputStream blob = Payloads.decoding(codecs, flag, codecId, payload, storedSize, maxBlob)) {
            byte[] buf = new byte[PayloadInput.CHUNK];
            for (int n = blob.read(buf); n >= 0; n = blob.read(buf)) {
                digest.update(buf, 0, n);
                length += n;
            }
        }
        return Arrays.equals(digest.digest(), hash) ? length : BAD;
    }
}
