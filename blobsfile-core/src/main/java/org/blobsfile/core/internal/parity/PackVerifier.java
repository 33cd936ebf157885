package org.blobsfile.core.internal.parity;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.Damage;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.hash.FastBlake2b;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.pack.PackWalker;
import org.blobsfile.core.internal.pack.PayloadInput;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.blobsfile.core.internal.plugin.Payloads;
import org.blobsfile.core.internal.rs.ShardCoder;

/**
 * Checks every byte of a pack. Thread-safe.
 *
 * <p>A check makes one sequential pass over {@code [0, length)} that reads each byte exactly once
 * and checks the header, the structure and hash of every entry, the EOF entry, the zero padding
 * and the parity entries. The entries are parsed by {@link PackWalker}, the same grammar scans
 * use, fed from that pass; this class adds only the checks. For a sealed pack a second pass then streams the data area and the
 * parity payloads, shard-chunk by shard-chunk, through the Reed-Solomon check. The two passes
 * are kept apart because entry hashing needs the bytes in file order while the parity check
 * needs the ten shards side by side; interleaving them would need a shard's worth of buffering.
 * Only the first pass counts toward {@link PackCheck#bytesRead()} and the progress callback, so
 * both report each byte once. Memory is a few chunks of {@link ShardStripes#CHUNK} bytes, plus the
 * payload of a compressed entry of up to a few MiB while it is decoded; a longer one is decoded
 * in pieces, in what its codec's streaming decoder needs (see {@code Codec.decompressing}).
 */
public final class PackVerifier {
    /** Nonzero padding bytes closer than this are reported as one run. */
    private static final int PADDING_GAP = 64;
    /** More padding runs than this are folded into the last one, so garbage cannot flood the report. */
    private static final int MAX_PADDING_RUNS = 64;

    /**
     * What a check found in one pack.
     *
     * @param pack      the pack file
     * @param number    its number
     * @param sealed    whether it is sealed: longer than the pack size, so it should hold an EOF entry and both parity entries
     * @param bytesRead bytes read (the whole checked length, each byte once)
     * @param blobs     blob entries whose hash was checked
     * @param damage    the findings, in offset order
     * @param unchecked blob entries whose hash could not be checked because their codec is missing
     * @param evidence  for a sealed pack, where the damage lies in terms of shards, for the repairer; else null
     */
    public record PackCheck(Path pack, int number, boolean sealed, long bytesRead, long blobs, List<Damage> damage,
                     long unchecked, Evidence evidence) {
        /**
         * Keeps an unmodifiable copy of the findings, so a check cannot change once made.
         *
         * @param pack      the pack file
         * @param number    its number
         * @param sealed    whether it is sealed
         * @param bytesRead bytes read
         * @param blobs     blob entries whose hash was checked
         * @param damage    the findings, in offset order
         * @param unchecked blob entries whose codec is missing
         * @param evidence  the shard-level evidence of a sealed pack, else null
         */
        public PackCheck {
            damage = List.copyOf(damage);
        }

        /** @return whether nothing was found: the pack needs no repair */
        public boolean isClean() {
            return damage.isEmpty();
        }
    }

    /**
     * One damaged place in the data area of a sealed pack and the data shards that can explain it:
     * at least one of them must be damaged.
     *
     * @param offset where the finding is
     * @param shards bit {@code i} set for data shard {@code i}
     */
    record Region(long offset, int shards) {
    }

    /**
     * What the repairer needs to know about a sealed pack.
     *
     * @param length           the checked length
     * @param dataRegions      every finding in the data area as a set of candidate shards, in offset order;
     *                         empty when the header, every entry, the EOF entry and the padding verify
     * @param unverifiedFrom   where a structural break stopped the parse of the data area (what follows
     *                         could not be checked), or -1
     * @param erasedParity     bit {@code k} set when parity payload {@code k} is missing or fails its hash,
     *                         so it cannot serve as a reconstruction input
     * @param damagedParity    bit {@code k} set when parity entry {@code k} has any finding
     * @param parityConsistent whether the Reed-Solomon check of the data area against the parity passed
     *                         (false when it could not run)
     * @param lengthOk         whether the file has exactly the length of a sealed pack
     * @param damagedBlobs     blobs whose entries fail their hash or do not decode
     */
    record Evidence(long length, List<Region> dataRegions, long unverifiedFrom, int erasedParity, int damagedParity,
                    boolean parityConsistent, boolean lengthOk, List<BlobRef> damagedBlobs) {
        Evidence {
            dataRegions = List.copyOf(dataRegions);
            damagedBlobs = List.copyOf(damagedBlobs);
        }

        /** @return whether the header, every entry, the EOF entry and the padding verified */
        boolean dataVerified() {
            return dataRegions.isEmpty();
        }
    }

    /** Opens pack files for reading; tests substitute one that records what is read. */
    interface Opener {
        FileChannel open(Path pack) throws IOException;
    }

    private final PackGeometry geometry;
    private final CodecRegistry codecs;
    private final Opener opener;

    /**
     * @param geometry the store's pack geometry: where the data area ends and the shards lie
     * @param codecs   to decode compressed entries, since an entry's hash is over the decoded blob;
     *                 entries of a missing codec are counted as unchecked, not as damage
     */
    public PackVerifier(PackGeometry geometry, CodecRegistry codecs) {
        this(geometry, codecs, p -> FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    PackVerifier(PackGeometry geometry, CodecRegistry codecs, Opener opener) {
        this.geometry = geometry;
        this.codecs = codecs;
        this.opener = opener;
    }

    /**
     * Checks the first {@code length} bytes of a pack.
     *
     * @param pack     the pack file
     * @param number   its number, for the report
     * @param length   the file's size for a closed pack; for the active pack, where its entries end now
     * @param progress told of each chunk of bytes read (the count of bytes in that chunk)
     * @return what was found; damage is reported there, not thrown. A pack that is not a regular
     *         file (a symlink, a directory, a device) or is missing is one finding, never opened
     * @throws IOException when the pack cannot be opened, or read up to {@code length}
     */
    public PackCheck check(Path pack, int number, long length, LongConsumer progress) throws IOException {
        String notRegular = PackFormat.notRegular(pack);
        if (notRegular != null) { // never opened, so never followed: the finding is the whole pack
            return new PackCheck(pack, number, false, 0, 0,
                    List.of(new Damage(pack, 0, -1, null, pack.getFileName() + " is " + notRegular)), 0, null);
        }
        boolean sealed = geometry.isKnown() && length > geometry.maxPackSize();
        try (FileChannel ch = opener.open(pack)) {
            Scan scan = new Scan(pack, sealed, false);
            Seq seq = new Seq(ch, 0, length, progress);
            long limit = sealed ? geometry.maxPackSize() : length;
            scan.data(seq, limit);
            scan.resynchronise(ch, limit);
            if (!sealed) {
                return new PackCheck(pack, number, false, seq.read, scan.blobs, scan.sorted(), scan.unchecked, null);
            }
            scan.parity(seq, length);
            boolean complete = length >= geometry.sealedSize();
            boolean consistent = complete && parityConsistent(ch);
            if (!consistent && complete) {
                scan.add(geometry.maxPackSize(), -1, null, "parity does not match the data (Reed-Solomon check fails)");
            }
            Evidence ev = new Evidence(length, scan.regions, scan.unverifiedFrom, scan.erasedParity, scan.damagedParity,
                    consistent, length == geometry.sealedSize(), scan.damagedBlobs);
            return new PackCheck(pack, number, true, seq.read, scan.blobs, scan.sorted(), scan.unchecked, ev);
        }
    }

    /**
     * Checks the data area {@code [0, maxPackSize)} of a pack being rebuilt: header, every entry's
     * structure and hash, the EOF entry and the padding, as a sealed pack must have them.
     *
     * @return whether all of it verifies; stops reading at the first finding
     */
    boolean dataAreaVerifies(Path pack, FileChannel ch, LongConsumer progress) throws IOException {
        Scan scan = new Scan(pack, true, true);
        try {
            scan.data(new Seq(ch, 0, geometry.maxPackSize(), progress), geometry.maxPackSize());
        } catch (Abort e) {
            return false;
        }
        return scan.findings.isEmpty();
    }

    /**
     * Checks what sealing added to a pack whose data area is known good: the length, both parity
     * entries, and the Reed-Solomon consistency of the data area with them.
     *
     * @return whether all of it verifies
     */
    boolean sealVerifies(Path pack, FileChannel ch, LongConsumer progress) throws IOException {
        long length = ch.size();
        if (length != geometry.sealedSize()) {
            return false;
        }
        Scan scan = new Scan(pack, true, true);
        try {
            scan.parity(new Seq(ch, geometry.maxPackSize(), length, progress), length);
        } catch (Abort e) {
            return false;
        }
        return scan.findings.isEmpty() && parityConsistent(ch);
    }

    /** Streams the data area and both parity payloads through the Reed-Solomon check. */
    private boolean parityConsistent(FileChannel ch) throws IOException {
        return parityConsistent(geometry, ch);
    }

    /**
     * @param geometry the pack's geometry
     * @param ch       a channel on a pack of sealed length
     * @return whether the parity payloads are those of the data area, whatever their headers say
     * @throws IOException when the pack cannot be read
     */
    static boolean parityConsistent(PackGeometry geometry, FileChannel ch) throws IOException {
        ShardStripes stripes = ShardStripes.whole(geometry);
        byte[][] shards = stripes.newBuffers();
        byte[] temp = new byte[2 * ShardCoder.WINDOW];
        for (ShardStripes.Stripe s : stripes) {
            for (int i = 0; i < ShardStripes.TOTAL; i++) {
                s.read(ch, i, shards[i]);
            }
            if (!Sealer.codec().isParityCorrect(shards, 0, s.length(), temp)) {
                return false;
            }
        }
        return true;
    }

    /** Thrown to end a scan at its first finding, when that is all the caller wants to know. */
    private static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    /** Receives bytes streamed by {@link Seq}. */
    private interface Sink {
        void accept(byte[] b, int off, int len);
    }

    /**
     * Reads a channel front to back through one buffer, never going back, so every byte it hands
     * out is read from the channel once and counted once.
     */
    private static final class Seq {
        private final FileChannel ch;
        private final long end;
        private final LongConsumer progress;
        private final byte[] buf;
        private long bufStart;
        private int bufLen;
        private int bufPos;
        long read;

        Seq(FileChannel ch, long start, long end, LongConsumer progress) {
            this.ch = ch;
            this.end = end;
            this.progress = progress;
            this.buf = new byte[(int) Math.max(1, Math.min(ShardStripes.CHUNK, end - start))];
            this.bufStart = start;
        }

        long pos() {
            return bufStart + bufPos;
        }

        long remaining() {
            return end - pos();
        }

        private void fill() throws IOException {
            long start = bufStart + bufLen;
            int n = (int) Math.min(buf.length, end - start);
            if (n <= 0) {
                throw new EOFException("read past the checked length " + end);
            }
            PositionalIo.readFully(ch, start, buf, 0, n);
            bufStart = start;
            bufLen = n;
            bufPos = 0;
            read += n;
            progress.accept(n);
        }

        /** Hands the next {@code n} bytes to {@code sink} (null to just read past them). */
        void stream(long n, Sink sink) throws IOException {
            while (n > 0) {
                if (bufPos == bufLen) {
                    fill();
                }
                int k = (int) Math.min(n, bufLen - bufPos);
                if (sink != null) {
                    sink.accept(buf, bufPos, k);
                }
                bufPos += k;
                n -= k;
            }
        }

        /**
         * Copies {@code len} bytes at {@code at} into {@code dst}, as a walk of the entries asks:
         * the check has streamed every byte before them, so they are the next ones.
         */
        void read(long at, byte[] dst, int off, int len) throws IOException {
            if (at != pos()) {
                throw new IllegalStateException("a check reads forward only: at " + pos() + ", asked for " + at);
            }
            copy(dst, off, len);
        }

        /** Copies the next {@code len} bytes into {@code dst}. */
        void copy(byte[] dst, int off, int len) throws IOException {
            int[] at = {off};
            stream(len, (b, o, n) -> {
                System.arraycopy(b, o, dst, at[0], n);
                at[0] += n;
            });
        }
    }

    /** One sequential pass: the findings and the evidence gathered on the way. */
    private final class Scan {
        private final Path pack;
        private final boolean sealed;
        private final boolean stopAtFirst;
        private final FastBlake2b digest = Blake2b.newDigest();
        private final byte[] header = new byte[EntryHeader.LENGTH];
        final List<Damage> findings = new ArrayList<>();
        final List<Region> regions = new ArrayList<>();
        final List<BlobRef> damagedBlobs = new ArrayList<>();
        long blobs;
        long unchecked;
        long unverifiedFrom = -1;
        /** Where the first break in the data area's structure is, and the entry before it, or -1. */
        long breakAt = -1;
        long breakPrev = -1;
        int erasedParity;
        int damagedParity;

        Scan(Path pack, boolean sealed, boolean stopAtFirst) {
            this.pack = pack;
            this.sealed = sealed;
            this.stopAtFirst = stopAtFirst;
        }

        List<Damage> sorted() {
            List<Damage> out = new ArrayList<>(findings);
            out.sort(Comparator.comparingLong(Damage::offset));
            return out;
        }

        void add(long offset, int shard, BlobRef blob, String what) {
            findings.add(new Damage(pack, offset, shard, blob, what));
            if (stopAtFirst) {
                throw new Abort();
            }
        }

        /** A finding in the data area, explained by damage somewhere in {@code [from, to)}. */
        void dataFinding(long offset, long from, long to, BlobRef blob, String what) {
            if (sealed) {
                regions.add(new Region(offset, shardsOf(from, to)));
            }
            add(offset, shardOf(offset), blob, what);
        }

        int shardOf(long offset) {
            if (!sealed) {
                return -1;
            }
            if (offset < geometry.maxPackSize()) {
                return geometry.dataShardOf(offset);
            }
            return PackFormat.DATA_SHARDS + (offset >= geometry.parityOffset(1) ? 1 : 0);
        }

        /** @return the data shards that bytes {@code [from, to)} of the data area lie in, as a bit set */
        int shardsOf(long from, long to) {
            long a = Math.max(0, Math.min(from, geometry.maxPackSize() - 1));
            long b = Math.max(a + 1, Math.min(geometry.maxPackSize(), to));
            int mask = 0;
            for (int i = geometry.dataShardOf(a); i <= geometry.dataShardOf(b - 1); i++) {
                mask |= 1 << i;
            }
            return mask;
        }

        /**
         * Parses the data area {@code [0, limit)}: the header, then entries up to the EOF entry or
         * the limit, then the padding. Leaves {@code seq} at {@code limit}.
         */
        void data(Seq seq, long limit) throws IOException {
            checkHeader(seq, limit);
            long[] prev = {-1};
            boolean[] stopped = {false};
            PackWalker.walk(seq::read, seq.pos(), limit, geometry, new PackWalker.Steps() {
                @Override
                public void blob(PackScanner.Entry e) throws IOException {
                    Scan.this.blob(seq, e.offset(), e.header());
                    prev[0] = e.offset();
                }

                @Override
                public void eof(PackScanner.Entry e) throws IOException {
                    if (!PackWalker.isEofShaped(e)) {
                        broken(PackWalker.Break.IMPLAUSIBLE_EOF, e.offset(), e);
                        return;
                    }
                    stopped[0] = true;
                    Scan.this.eof(seq, limit, e.offset(), e.header());
                }

                @Override
                public void broken(PackWalker.Break kind, long at, PackScanner.Entry e) throws IOException {
                    stopped[0] = true;
                    if (!stopAtFirst) {
                        breakAt = at;
                        breakPrev = prev[0];
                    }
                    structuralBreak(seq, limit, at, prev[0], describe(kind, at, limit, e));
                }
            });
            if (!stopped[0] && sealed) {
                long at = Math.max(prev[0], 0);
                structuralBreak(seq, limit, at, prev[0], "no EOF entry: the entries fill the data area of a sealed pack");
            }
        }

        /**
         * After a break in the structure, walks the rest of the data area again, resynchronising
         * by hash, so that damage hides nothing after it: entries found beyond the break are
         * checked, entries whose header alone is damaged are reported as such, and bytes where
         * nothing verifies become findings. Reads through the channel, outside the counted pass.
         */
        void resynchronise(FileChannel ch, long limit) throws IOException {
            if (breakAt < 0) {
                return;
            }
            long broke = breakAt;
            PackWalker.Source src = (pos, dst, off, len) -> PositionalIo.readFully(ch, pos, dst, off, len);
            EntryCheck check = new EntryCheck(codecs, src, maxBlob());
            PackWalker.walk(src, breakPrev >= 0 ? breakPrev : broke, limit, geometry, check, new PackWalker.Steps() {
                @Override
                public void blob(PackScanner.Entry e) throws IOException {
                    if (e.offset() <= breakPrev) {
                        return; // checked by the pass before the break
                    }
                    blobs++;
                    if (!check.verifies(e)) {
                        BlobRef ref = BlobRef.of(e.hash());
                        damagedBlobs.add(ref);
                        dataFinding(e.offset(), e.offset(), e.end(), ref, "content hash mismatch (the entry's bytes are damaged)");
                    }
                }

                @Override
                public void recovered(PackScanner.Entry e, EntryHeader found) {
                    blobs++;
                    dataFinding(e.offset(), e.offset(), e.payloadOffset(), BlobRef.of(e.hash()), String.format(
                            "entry header damaged (flag 0x%02x, codec id %d, size %d); the blob verifies with flag"
                            + " 0x%02x, codec id %d, size %d", found.flag(), found.codecId(), found.size(),
                            e.flag(), e.codecId(), e.storedSize()));
                }

                @Override
                public void skipped(long from, long to) {
                    if (from == broke) {
                        if (sealed) {
                            regions.add(new Region(from, shardsOf(from, to))); // already reported as the break
                        }
                        return;
                    }
                    dataFinding(from, from, to, null, "no entry verifies in [" + from + ", " + to + ")");
                }

                @Override
                public void eof(PackScanner.Entry e) throws IOException {
                    Scan.this.eof(new Seq(ch, e.payloadOffset(), limit, n -> { }), limit, e.offset(), e.header());
                }

                @Override
                public void broken(PackWalker.Break kind, long at, PackScanner.Entry e) {
                    // what lies there is reported through skipped or recovered
                }
            });
        }

        /**
         * @param payload the compressed payload, read once, as it comes
         * @return the BLAKE2b-256 of the blob it decodes to, decoded a piece at a time
         */
        private byte[] streamedHash(InputStream payload, int flag, int codecId, long size) throws IOException {
            FastBlake2b d = Blake2b.newDigest();
            try (InputStream blob = Payloads.decoding(codecs, flag, codecId, payload, size, maxBlob())) {
                byte[] buf = new byte[PayloadInput.CHUNK];
                for (int n = blob.read(buf); n >= 0; n = blob.read(buf)) {
                    d.update(buf, 0, n);
                }
            }
            return d.digest();
        }

        /** @return the longest blob an entry of the pack can hold */
        private long maxBlob() {
            return geometry.isKnown() ? geometry.maxPackSize() : Integer.MAX_VALUE - 8;
        }

        /** @return a break in the entries in the words of a check, which says what the limit is */
        private String describe(PackWalker.Break kind, long at, long limit, PackScanner.Entry e) {
            return switch (kind) {
                case TRUNCATED_HEADER -> "truncated entry header (" + (limit - at) + " of " + EntryHeader.LENGTH
                        + " bytes before " + (sealed ? "the end of the data area)" : "the end)");
                case PAST_LIMIT, PAST_DATA_AREA -> "entry of " + e.storedSize() + " bytes runs past the end of the "
                        + (sealed ? "data area (" + geometry.maxPackSize() + ")" : "pack (" + limit + ")");
                case PARITY_BEFORE_EOF -> "parity entry before the EOF entry";
                case UNKNOWN_FLAG -> String.format("unknown entry flag 0x%02x", e.flag());
                case IMPLAUSIBLE_EOF -> "an EOF entry with a nonzero hash or codec id (a damaged flag byte)";
            };
        }

        private void checkHeader(Seq seq, long limit) throws IOException {
            byte[] h = new byte[PackFormat.HEADER_SIZE];
            int n = (int) Math.min(PackFormat.HEADER_SIZE, limit);
            seq.copy(h, 0, n);
            String problem = PackFormat.headerProblem(h, n);
            if (problem != null) {
                long at = n < PackFormat.MAGIC.length || !Arrays.equals(h, 0, PackFormat.MAGIC.length,
                        PackFormat.MAGIC, 0, PackFormat.MAGIC.length) ? 0 : n < PackFormat.HEADER_SIZE ? n : PackFormat.VERSION_OFFSET;
                dataFinding(at, 0, PackFormat.HEADER_SIZE, null, "pack header: " + problem);
            }
            if (n < PackFormat.HEADER_SIZE) {
                return;
            }
            for (int i = PackFormat.VERSION_OFFSET + 4; i < PackFormat.HEADER_SIZE; i++) {
                if (h[i] != 0) {
                    dataFinding(i, i, PackFormat.HEADER_SIZE, null, "pack header: reserved bytes from " + i + " are not zero");
                    break;
                }
            }
        }

        private void blob(Seq seq, long at, EntryHeader h) throws IOException {
            int flag = h.flag();
            int codecId = h.codecId();
            long size = h.size();
            byte[] hash = h.hash();
            BlobRef ref = BlobRef.of(hash);
            long end = at + EntryHeader.LENGTH + size;
            if (flag == PackFormat.FLAG_BLOB && codecId != PackFormat.CODEC_NONE) {
                dataFinding(at, at, at + EntryHeader.LENGTH, ref, "plain entry with codec id " + codecId + " (must be 0)");
            } else if (flag == PackFormat.FLAG_COMPRESSED && codecId == PackFormat.CODEC_NONE) {
                dataFinding(at, at, at + EntryHeader.LENGTH, ref, "compressed entry with codec id 0");
            }
            byte[] actual;
            if (Payloads.isPlain(flag, codecId) || size == 0) {
                seq.stream(size, digest::update);
                actual = digest.digest();
            } else {
                Codec codec = codecs.find(codecId);
                if (codec != null && size > Payloads.HOLD_UP_TO) {
                    // too large to hold: decoded in pieces as this pass reads it, then the pass goes on past it
                    boolean[] unreadable = {false};
                    PackWalker.Source pass = (pos, dst, off, len) -> {
                        try {
                            seq.read(pos, dst, off, len);
                        } catch (IOException e) {
                            unreadable[0] = true; // the pack's read failed: no finding about the entry
                            throw e;
                        }
                    };
                    try {
                        actual = streamedHash(new PayloadInput(pass, seq.pos(), size), flag, codecId, size);
                    } catch (IOException | RuntimeException e) {
                        if (unreadable[0]) {
                            throw e;
                        }
                        actual = null;
                        dataFinding(at, at, end, ref, "payload does not decode with " + codec.name() + ": " + e.getMessage());
                    }
                    seq.stream(end - seq.pos(), null); // what the decoder left unread
                    blobs++;
                    if (actual == null) {
                        damagedBlobs.add(ref);
                    } else if (!Arrays.equals(actual, hash)) {
                        damagedBlobs.add(ref);
                        dataFinding(at, at, end, ref, "content hash mismatch (the entry's bytes are damaged)");
                    }
                    return;
                }
                if (size > Integer.MAX_VALUE - 8) {
                    seq.stream(size, null);
                    unchecked++;
                    return;
                }
                byte[] payload = new byte[(int) size];
                seq.copy(payload, 0, payload.length);
                if (codec == null) {
                    EntryHeader fixed = new EntryCheck(codecs, (pos, dst, off, len) -> System.arraycopy(payload,
                            (int) (pos - at - EntryHeader.LENGTH), dst, off, len), maxBlob()).recover(at, h, size);
                    if (fixed == null) {
                        unchecked++; // not damage: the module that reads it is simply not on the class path
                        return;
                    }
                    blobs++;
                    dataFinding(at, at, at + EntryHeader.LENGTH, ref, "entry header damaged: codec id " + codecId
                            + " is not present, and the blob verifies with codec id " + fixed.codecId());
                    return;
                }
                try {
                    if (Payloads.decodesLarge(codecs, flag, codecId, size, payload)) {
                        // a small payload of a large blob (zeros compress a thousandfold): the blob is never held
                        actual = streamedHash(new java.io.ByteArrayInputStream(payload), flag, codecId, size);
                    } else {
                        byte[] blob = Payloads.decode(codecs, flag, codecId, payload, Integer.MAX_VALUE - 8);
                        actual = Blake2b.hash(blob, 0, blob.length);
                    }
                } catch (IOException | RuntimeException e) {
                    blobs++;
                    damagedBlobs.add(ref);
                    dataFinding(at, at, end, ref, "payload does not decode with " + codec.name() + ": " + e.getMessage());
                    return;
                }
            }
            blobs++;
            if (!Arrays.equals(actual, hash)) {
                damagedBlobs.add(ref);
                dataFinding(at, at, end, ref, "content hash mismatch (the entry's bytes are damaged)");
            }
        }

        private void eof(Seq seq, long limit, long at, EntryHeader h) throws IOException {
            long end = at + EntryHeader.LENGTH + h.size();
            List<String> wrong = new ArrayList<>();
            if (!h.hasZeroHash()) {
                wrong.add("hash is not zero");
            }
            if (h.codecId() != PackFormat.CODEC_NONE) {
                wrong.add("codec id " + h.codecId());
            }
            if (geometry.isKnown() && end != geometry.maxPackSize()) {
                wrong.add("padding ends at " + end + ", not at the pack size " + geometry.maxPackSize());
            } else if (!sealed && end > limit) {
                wrong.add("the pack ends at " + limit + ", inside the padding");
            }
            if (!wrong.isEmpty()) {
                dataFinding(at, at, at + EntryHeader.LENGTH, null, "EOF entry: " + String.join(", ", wrong));
            }
            // a sealed pack's padding runs to the pack size whatever the size field says
            long padEnd = sealed ? limit : Math.min(limit, geometry.isKnown() ? geometry.maxPackSize() : end);
            padding(seq, padEnd);
            if (seq.pos() < limit) {
                long extra = limit - seq.pos();
                long from = seq.pos();
                structuralBreak(seq, limit, from, at, extra + " bytes after the padding of the EOF entry");
            }
        }

        /** Reads the padding up to {@code end}, reporting runs of nonzero bytes. */
        private void padding(Seq seq, long end) throws IOException {
            long[] run = {-1, -1}; // start, end of the open run
            int[] runs = {0};
            long[] at = {seq.pos()};
            seq.stream(end - seq.pos(), (b, off, len) -> {
                long base = at[0] - off;
                for (int i = off, e = off + len; i < e; i++) {
                    if (b[i] == 0) {
                        continue;
                    }
                    long o = base + i;
                    boolean sameShard = !sealed || geometry.dataShardOf(o) == geometry.dataShardOf(run[0]);
                    if (run[0] >= 0 && (o - run[1] < PADDING_GAP && sameShard || runs[0] >= MAX_PADDING_RUNS)) {
                        run[1] = o + 1;
                    } else {
                        if (run[0] >= 0) {
                            paddingRun(run[0], run[1]);
                        }
                        run[0] = o;
                        run[1] = o + 1;
                        runs[0]++;
                    }
                }
                at[0] += len;
            });
            if (run[0] >= 0) {
                paddingRun(run[0], run[1]);
            }
        }

        private void paddingRun(long from, long to) {
            dataFinding(from, from, to, null, "padding: nonzero bytes in [" + from + ", " + to + ")");
        }

        /**
         * Reports a place where the entries stop making sense. A damaged size field in the entry
         * before moves this boundary, so that entry's header is a candidate too. The rest of the
         * data area is read, uninterpreted.
         */
        private void structuralBreak(Seq seq, long limit, long at, long prev, String what) throws IOException {
            int mask = shardsOf(at, at + EntryHeader.LENGTH);
            if (prev >= 0) {
                mask |= shardsOf(prev, prev + EntryHeader.LENGTH);
            }
            if (sealed) {
                regions.add(new Region(at, mask));
                unverifiedFrom = at;
            }
            add(at, shardOf(at), null, what);
            seq.stream(limit - seq.pos(), null);
        }

        /** Reads and checks both parity entries of a sealed pack, and anything after them. */
        void parity(Seq seq, long length) throws IOException {
            for (int k = 0; k < PackFormat.PARITY_SHARDS; k++) {
                long at = geometry.parityOffset(k);
                int shard = PackFormat.DATA_SHARDS + k;
                if (length < at + EntryHeader.LENGTH) {
                    erasedParity |= 1 << k;
                    damagedParity |= 1 << k;
                    add(Math.min(at, length), shard, null, "parity entry " + k + " missing: the file ends at " + length);
                    seq.stream(length - seq.pos(), null);
                    continue;
                }
                seq.copy(header, 0, EntryHeader.LENGTH);
                EntryHeader h = EntryHeader.decode(header, 0);
                List<String> wrong = new ArrayList<>();
                if (!h.isParity()) {
                    wrong.add(String.format("flag 0x%02x", h.flag()));
                }
                if (h.codecId() != PackFormat.CODEC_NONE) {
                    wrong.add("codec id " + h.codecId());
                }
                if (h.size() != geometry.shardSize()) {
                    wrong.add("size " + h.size() + ", not the shard size " + geometry.shardSize());
                }
                if (!wrong.isEmpty()) {
                    damagedParity |= 1 << k;
                    add(at, shard, null, "parity entry " + k + " header: " + String.join(", ", wrong));
                }
                // the payload is where the geometry puts it, whatever the size field says
                long avail = Math.min(geometry.shardSize(), length - seq.pos());
                seq.stream(avail, digest::update);
                byte[] actual = digest.digest();
                if (avail < geometry.shardSize()) {
                    erasedParity |= 1 << k;
                    damagedParity |= 1 << k;
                    add(at, shard, null, "parity entry " + k + " truncated: " + avail + " of " + geometry.shardSize()
                            + " bytes");
                } else if (!Arrays.equals(actual, h.hash())) {
                    erasedParity |= 1 << k;
                    damagedParity |= 1 << k;
                    add(at, shard, null, "parity entry " + k + ": hash does not match its payload");
                }
            }
            if (seq.remaining() > 0) {
                long at = seq.pos();
                long extra = seq.remaining();
                seq.stream(extra, null);
                add(at, -1, null, extra + " unexpected bytes after the parity entries");
            }
        }
    }
}
