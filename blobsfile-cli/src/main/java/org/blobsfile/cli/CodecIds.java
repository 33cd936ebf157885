package org.blobsfile.cli;

/**
 * The v1 codec id registry as the command line shows it: ids assigned by the format, whether or
 * not their module is installed.
 */
final class CodecIds {
    private CodecIds() {
    }

    /**
     * @param id a codec id from an entry header
     * @return its registered name, or {@code "?"}
     */
    static String name(int id) {
        return switch (id) {
            case 0 -> "none";
            case 1 -> "snappy";
            case 2 -> "zstd";
            case 4 -> "lz4";
            default -> "?";
        };
    }
}
