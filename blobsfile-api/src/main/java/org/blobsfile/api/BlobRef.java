package org.blobsfile.api;

import java.util.Arrays;

/**
 * The address of a blob: the 32-byte BLAKE2b-256 hash of its uncompressed bytes.
 *
 * <p>Instances are immutable and thread-safe. They order by unsigned lexicographic comparison
 * of their bytes, which is also the order of their lowercase hex strings and of
 * {@link BlobStore#enumerate()}.
 */
public final class BlobRef implements Comparable<BlobRef> {
    /** Length of a reference in bytes. */
    public static final int LENGTH = 32;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] bytes;

    private BlobRef(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Wraps a copy of a 32-byte hash.
     *
     * @param hash exactly {@link #LENGTH} bytes
     * @return the reference
     * @throws IllegalArgumentException if {@code hash} is not 32 bytes long
     */
    public static BlobRef of(byte[] hash) {
        if (hash == null || hash.length != LENGTH) {
            throw new IllegalArgumentException("a blob reference is " + LENGTH + " bytes, got "
                    + (hash == null ? "null" : hash.length));
        }
        return new BlobRef(hash.clone());
    }

    /**
     * Parses 64 hex digits (either case).
     *
     * @param hex the hex form, as printed by {@link #toString()}
     * @return the reference
     * @throws IllegalArgumentException naming the problem, if {@code hex} is not 64 hex digits
     */
    public static BlobRef parse(String hex) {
        if (hex == null) {
            throw new IllegalArgumentException("a blob reference is 64 hex digits, got null");
        }
        if (hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("a blob reference is 64 hex digits, got "
                    + hex.length() + " characters: '" + abbreviate(hex) + "'");
        }
        byte[] out = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                int bad = hi < 0 ? 2 * i : 2 * i + 1;
                throw new IllegalArgumentException("a blob reference is 64 hex digits, found '"
                        + hex.charAt(bad) + "' at position " + bad + " of '" + abbreviate(hex) + "'");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return new BlobRef(out);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** @return a copy of the 32 hash bytes */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * @param index 0 to 31
     * @return the hash byte at {@code index}, without copying the array
     */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** @return 64 lowercase hex digits */
    public String hex() {
        char[] out = new char[LENGTH * 2];
        for (int i = 0; i < LENGTH; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    @Override
    public int compareTo(BlobRef other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlobRef && Arrays.equals(bytes, ((BlobRef) o).bytes);
    }

    @Override
    public int hashCode() {
        // the bytes are a cryptographic hash already: any four of them are well spread
        return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }

    /** @return the same as {@link #hex()} */
    @Override
    public String toString() {
        return hex();
    }
}
