package org.blobsfile.core.internal.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The v1 pack format: the file header, the entry flags, the shard counts and the pack names; the
 * entry header's fields are {@link EntryHeader}'s and the arithmetic of rollover and sealing is
 * {@link PackGeometry}'s. All integers are little-endian.
 */
public final class PackFormat {
    /** Length of the file header. */
    public static final int HEADER_SIZE = 64;
    /** The first six bytes of every pack: {@code "\0Blobs"}. */
    public static final byte[] MAGIC = {0x00, 0x42, 0x6c, 0x6f, 0x62, 0x73};
    /** Offset of the u32 format version, the first reserved field. */
    public static final int VERSION_OFFSET = 6;
    /** The only format version this code writes and reads. */
    public static final int VERSION = 1;

    /** Entry flag: a blob stored as is (codec id 0). */
    public static final int FLAG_BLOB = 1;
    /** Entry flag: a blob compressed with the codec named by the codec id byte. */
    public static final int FLAG_COMPRESSED = 2;
    /** Entry flag: a Reed-Solomon parity shard of a sealed pack. */
    public static final int FLAG_PARITY = 4;
    /** Entry flag: the end of the data area; the size field is the zero padding that follows. */
    public static final int FLAG_EOF = 8;
    /** Algo byte of an uncompressed payload. */
    public static final int CODEC_NONE = 0;

    /** Reed-Solomon data shards over the data area of a sealed pack. */
    public static final int DATA_SHARDS = 10;
    /** Reed-Solomon parity shards appended to a sealed pack. */
    public static final int PARITY_SHARDS = 2;

    private static final String NAME_PREFIX = "blobs-";

    private PackFormat() {
    }

    /**
     * @param n a pack number, not negative
     * @return the file name of pack {@code n}: {@code blobs-00042}, and {@code blobs-123456} past five digits
     */
    public static String fileName(int n) {
        // no Formatter: its first number costs a short command tens of milliseconds of locale set-up
        String digits = Integer.toString(n);
        return NAME_PREFIX + "0".repeat(Math.max(0, 5 - digits.length())) + digits;
    }

    /**
     * @param fileName a file name found in a store directory
     * @return the pack number it stands for, or -1 when it is not a pack name
     */
    public static int packNumber(String fileName) {
        if (!fileName.startsWith(NAME_PREFIX) || fileName.length() < NAME_PREFIX.length() + 5) {
            return -1;
        }
        String digits = fileName.substring(NAME_PREFIX.length());
        if (digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    /** @return a fresh 64-byte v1 header */
    public static byte[] header() {
        byte[] h = new byte[HEADER_SIZE];
        System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(VERSION_OFFSET, VERSION);
        return h;
    }

    /**
     * Checks a header read from {@code path}.
     *
     * @param h    the first bytes of the file (fewer than 64 when the file is shorter)
     * @param len  how many bytes of {@code h} were read
     * @return null when it is a v1 header, else what is wrong
     */
    public static String headerProblem(byte[] h, int len) {
        if (len < MAGIC.length || !java.util.Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return len == 0 ? "empty file, not a BlobsFile pack" : "not a BlobsFile pack (bad magic)";
        }
        if (len < HEADER_SIZE) {
            return "truncated header (" + len + " of " + HEADER_SIZE + " bytes)";
        }
        int version = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(VERSION_OFFSET);
        if (version != VERSION) {
            return "unsupported format version " + Integer.toUnsignedString(version) + " (this reader knows version 1)";
        }
        return null;
    }

    /**
     * Tells a header torn while its pack was being created, which may be written again since the
     * pack holds no blob yet, from a damaged one, which must not be touched. A power cut can leave
     * any part of the header unwritten, and the file's length may have reached the disk before its
     * bytes did, so a torn header is a file no longer than a header whose bytes are each the
     * header's or zero.
     *
     * @param h        the first bytes of the file
     * @param len      how many bytes of {@code h} were read
     * @param fileSize the file's length
     * @return whether they could be the start of a header we write
     */
    public static boolean isTornHeader(byte[] h, int len, long fileSize) {
        if (fileSize > HEADER_SIZE || len != fileSize) {
            return false;
        }
        byte[] good = header();
        for (int i = 0; i < len; i++) {
            if (h[i] != good[i] && h[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param dir the store directory
     * @param n   a pack number
     * @return the path of pack {@code n} in {@code dir}
     */
    public static Path path(Path dir, int n) {
        return dir.resolve(fileName(n));
    }

    /**
     * @param pack a pack file
     * @return its identity ({@link java.nio.file.attribute.BasicFileAttributes#fileKey}), which a
     *         file renamed over it changes; null when the file system has none or the file is gone
     */
    public static Object fileKey(Path pack) {
        try {
            return java.nio.file.Files.readAttributes(pack, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Says what is wrong with a pack path that is not a regular file, without following links: a
     * symbolic link (to anything, another pack included), a directory, a device or other special
     * file, or nothing at all. The store never opens, writes or cuts such a pack.
     *
     * @param pack a pack file
     * @return null when {@code pack} is a regular file itself; else one phrase saying what it is,
     *         such as "not a regular file (symlink to /dev/null)"
     */
    public static String notRegular(Path pack) {
        if (Files.isRegularFile(pack, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (Files.isSymbolicLink(pack)) {
            String target;
            try {
                target = String.valueOf(Files.readSymbolicLink(pack));
            } catch (IOException | UnsupportedOperationException e) {
                target = "an unreadable target";
            }
            return "not a regular file (symlink to " + target + ")";
        }
        if (Files.isDirectory(pack, LinkOption.NOFOLLOW_LINKS)) {
            return "not a regular file (directory)";
        }
        if (Files.exists(pack, LinkOption.NOFOLLOW_LINKS)) {
            return "not a regular file (device or other special file)";
        }
        return "missing: the file is gone";
    }

    /**
     * @param pack a pack's path
     * @return its length when it is a regular file itself, else 0: a pack that is not (a symlink,
     *         a directory, a device, or gone) has nothing the store will read
     * @throws IOException when its attributes cannot be read for another reason
     */
    public static long regularFileSize(Path pack) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(pack, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : 0;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * @param pack      a pack
     * @param offset    an offset in it
     * @param endPack   the pack of a position in the order of appends
     * @param endOffset that position's offset in its pack
     * @return whether {@code (pack, offset)} comes before that position: an earlier pack, or the
     *         same one at a smaller offset
     */
    public static boolean isBefore(int pack, long offset, int endPack, long endOffset) {
        return pack < endPack || pack == endPack && offset < endOffset;
    }
}
