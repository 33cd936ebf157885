package org.blobsfile.core.internal.archive;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;

/**
 * What the archive keeps beside a pack: the pack's number, the store's pack size, the file's
 * length and BLAKE2b-256 digest, the digest of the archived copy it replaces (a pack rewritten
 * by compaction), and every blob entry (hash, offset, stored size, flag, codec id, blob length).
 * A text file, one line per fact or entry, ending in the digest of the lines before it, so a
 * damaged manifest is refused rather than believed. Immutable.
 *
 * @param pack      the pack's number
 * @param packSize  the store's pack size
 * @param length    the pack file's length
 * @param digest    the BLAKE2b-256 digest of the whole pack file
 * @param replaces  the digest of the archived copy of this pack number it replaces, or null
 * @param entries   the pack's blob entries, in file order
 */
public record Manifest(int pack, long packSize, long length, byte[] digest, byte[] replaces, List<Entry> entries) {
    private static final String MAGIC = "blobsfile-manifest 1";
    private static final HexFormat HEX = HexFormat.of();
    /** Characters of the digest a name carries: enough to tell the copies of one pack apart. */
    private static final int NAME_DIGEST = 16;
    /** The folder of the archive that holds packs. */
    public static final String PACKS = "packs/";
    /** The folder of the archive that holds manifests. */
    public static final String MANIFESTS = "manifests/";

    /**
     * One blob entry of the pack.
     *
     * @param hash       the blob's BLAKE2b-256 hash
     * @param offset     where its entry header starts
     * @param storedSize the payload's length in the pack
     * @param flag       the entry's flag byte
     * @param codecId    the entry's codec id byte
     * @param blobLength the blob's length once decoded, or -1 when its codec was missing
     */
    public record Entry(byte[] hash, long offset, long storedSize, int flag, int codecId, long blobLength) {
    }

    /**
     * @param pack     the pack's number
     * @param packSize the store's pack size
     * @param length   the pack file's length
     * @param digest   its digest
     * @param replaces the digest of the copy it replaces, or null
     * @param entries  its blob entries
     */
    public Manifest {
        entries = List.copyOf(entries);
    }

    /**
     * Reads a sealed pack whole: its digest, and every blob entry, each checked against its hash.
     *
     * @param file     the pack file
     * @param pack     its number
     * @param geometry the store's pack geometry
     * @param codecs   the codecs present
     * @param replaces the digest of the archived copy this one replaces, or null
     * @return the manifest
     * @throws IOException when the pack cannot be read, or it has an entry that does not verify
     *         or damage in its structure: such a pack is repaired before it is archived
     */
    public static Manifest of(Path file, int pack, PackGeometry geometry, CodecRegistry codecs, byte[] replaces)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            List<Entry> entries = new ArrayList<>();
            PackScanner scanner = new PackScanner(file, ch, size, geometry);
            EntryCheck check = new EntryCheck(codecs, scanner.source(), geometry.maxPackSize());
            List<String> bad = new ArrayList<>();
            PackScanner.Result r = scanner.scan(PackFormat.HEADER_SIZE, (e, s) -> {
                EntryCheck.Verified v = check.verified(e);
                if (v == null || v.header() != e.header()) {
                    bad.add("offset " + e.offset());
                    return;
                }
                entries.add(new Entry(e.hash(), e.offset(), e.storedSize(), e.flag(), e.codecId(), v.length()));
            });
            if (r.damage() != null || !bad.isEmpty() || r.recovered() > 0 || !r.unreadable().isEmpty()) {
                throw new IOException(file + " is not whole: "
                        + (r.damage() != null ? r.damage().reason() + " at offset " + r.damage().offset()
                        : !bad.isEmpty() ? "entries at " + bad + " do not match their hash"
                        : "entries with damaged headers or unreadable bytes"));
            }
            return new Manifest(pack, geometry.maxPackSize(), size,
                    StreamDigest.of(Channels.newInputStream(ch.position(0))).digest(), replaces, entries);
        }
    }

    /** @return the digest as 64 hex digits */
    public String digestHex() {
        return HEX.formatHex(digest);
    }

    /** @return the name of this copy of the pack in the archive */
    public String packObject() {
        return packObject(pack, digest);
    }

    /** @return the name of this manifest in the archive */
    public String manifestObject() {
        return manifestObject(pack, digest);
    }

    /**
     * @param pack   a pack number
     * @param digest the digest of one copy of it
     * @return the name of that copy in the archive
     */
    public static String packObject(int pack, byte[] digest) {
        return PACKS + copyName(pack, digest);
    }

    /**
     * @param pack   a pack number
     * @param digest the digest of one copy of it
     * @return the name of that copy's manifest in the archive
     */
    public static String manifestObject(int pack, byte[] digest) {
        return MANIFESTS + copyName(pack, digest) + ".manifest";
    }

    /** @return what names one copy of a pack: its file name and the start of its digest */
    private static String copyName(int pack, byte[] digest) {
        return PackFormat.fileName(pack) + "." + HEX.formatHex(digest).substring(0, NAME_DIGEST);
    }

    /** @return the manifest as the archive stores it */
    public byte[] encode() {
        StringBuilder b = new StringBuilder(64 + entries.size() * 100);
        b.append(MAGIC).append('\n');
        b.append("pack ").append(pack).append('\n');
        b.append("pack-size ").append(packSize).append('\n');
        b.append("length ").append(length).append('\n');
        b.append("digest ").append(HEX.formatHex(digest)).append('\n');
        b.append("replaces ").append(replaces == null ? "-" : HEX.formatHex(replaces)).append('\n');
        b.append("entries ").append(entries.size()).append('\n');
        for (Entry e : entries) {
            b.append(HEX.formatHex(e.hash())).append(' ').append(e.offset()).append(' ').append(e.storedSize())
                    .append(' ').append(e.flag()).append(' ').append(e.codecId()).append(' ').append(e.blobLength())
                    .append('\n');
        }
        byte[] body = b.toString().getBytes(StandardCharsets.US_ASCII);
        String end = "end " + HEX.formatHex(Blake2b.hash(body, 0, body.length)) + "\n";
        byte[] out = new byte[body.length + end.length()];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(end.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, end.length());
        return out;
    }

    /**
     * @param bytes a manifest as {@link #encode} wrote it
     * @return the manifest
     * @throws IOException when it is not one, or its final digest does not match its lines
     */
    public static Manifest decode(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int endLine = text.lastIndexOf("end ");
        if (!text.startsWith(MAGIC + "\n") || endLine < 0 || !text.endsWith("\n")) {
            throw new IOException("not a pack manifest");
        }
        String expected = text.substring(endLine + 4, text.length() - 1);
        if (!expected.equals(HEX.formatHex(Blake2b.hash(bytes, 0, endLine)))) {
            throw new IOException("the manifest's lines do not match its digest: it is damaged");
        }
        try {
            String[] lines = text.substring(0, endLine).split("\n");
            int pack = Integer.parseInt(field(lines[1], "pack"));
            long packSize = Long.parseLong(field(lines[2], "pack-size"));
            long length = Long.parseLong(field(lines[3], "length"));
            byte[] digest = HEX.parseHex(field(lines[4], "digest"));
            String rep = field(lines[5], "replaces");
            int count = Integer.parseInt(field(lines[6], "entries"));
            if (lines.length != 7 + count) {
                throw new IOException("the manifest lists " + (lines.length - 7) + " entries, not " + count);
            }
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String[] f = lines[7 + i].split(" ");
                entries.add(new Entry(HEX.parseHex(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Integer.parseInt(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5])));
            }
            return new Manifest(pack, packSize, length, digest, rep.equals("-") ? null : HEX.parseHex(rep), entries);
        } catch (RuntimeException e) {
            throw new IOException("a malformed pack manifest: " + e.getMessage(), e);
        }
    }

    private static String field(String line, String name) throws IOException {
        if (!line.startsWith(name + " ")) {
            throw new IOException("expected '" + name + "' in the manifest, found '" + line + "'");
        }
        return line.substring(name.length() + 1);
    }
}
