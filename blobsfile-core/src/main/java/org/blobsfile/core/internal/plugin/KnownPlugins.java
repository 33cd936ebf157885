package org.blobsfile.core.internal.plugin;

import java.util.Map;
import java.util.Set;

/**
 * The plugins this project ships, by on-disk id and by name, so that a missing one can be named
 * with the artifact that provides it.
 */
final class KnownPlugins {
    private static final Map<Integer, String> CODEC_NAMES = Map.of(1, "snappy", 2, "zstd", 4, "lz4");
    private static final Set<String> INDEX_NAMES = Set.of("rocksdb", "h2");
    private static final Set<String> ARCHIVE_SCHEMES = Set.of("file", "s3");

    private KnownPlugins() {
    }

    /** @return the project's name for codec {@code id}, or null for an id it does not ship */
    static String codecName(int id) {
        return CODEC_NAMES.get(id);
    }

    /** @return the Maven coordinates of the project's plugin of this kind and name */
    static String artifact(PluginRegistry.Kind kind, String name) {
        if (kind == PluginRegistry.Kind.ARCHIVE && name.equals("file")) {
            return "org.blobsfile:blobsfile-core"; // built into the core
        }
        return "org.blobsfile:" + kind.word() + "-" + name;
    }

    /** @return whether the project ships a plugin of this kind and name */
    static boolean ships(PluginRegistry.Kind kind, String name) {
        return switch (kind) {
            case CODEC -> CODEC_NAMES.containsValue(name);
            case INDEX -> INDEX_NAMES.contains(name);
            case ARCHIVE -> ARCHIVE_SCHEMES.contains(name);
        };
    }
}
