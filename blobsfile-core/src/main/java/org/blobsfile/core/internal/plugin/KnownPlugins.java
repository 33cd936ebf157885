package org.blobsfile.core.internal.plugin;

import java.util.Map;

/**
 * The plugins this project ships, by on-disk id and by name, so that a missing one can be named
 * with the artifact that provides it.
 */
final class KnownPlugins {
    private static final Map<Integer, String> CODEC_NAMES = Map.of(1, "snappy", 2, "zstd", 4, "lz4");

    private KnownPlugins() {
    }

    /** @return the project's name for codec {@code id}, or null for an id it does not ship */
    static String codecName(int id) {
        return CODEC_NAMES.get(id);
    }

    /** @return the Maven coordinates of the project's codec or index called {@code kind-name} */
    static String artifact(String kind, String name) {
        return "org.blobsfile:" + kind + "-" + name;
    }

    /** @return whether the project ships a codec of this name */
    static boolean isCodec(String name) {
        return CODEC_NAMES.containsValue(name);
    }

    /** @return whether the project ships an index of this name */
    static boolean isIndex(String name) {
        return name.equals("rocksdb") || name.equals("h2");
    }
}
