package org.blobsfile.core.internal.archive;

import java.util.regex.Pattern;

/** The names the archive SPI allows: relative paths of {@code [A-Za-z0-9._-]} segments. */
final class ArchiveNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private ArchiveNames() {
    }

    /** @return whether {@code name} is an object name, and no {@code .} or {@code ..} segment */
    static boolean isValid(String name) {
        if (!NAME.matcher(name).matches()) {
            return false;
        }
        for (String segment : name.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param name a name from a caller
     * @return {@code name}
     * @throws IllegalArgumentException when it is no object name
     */
    static String check(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("not an archive object name: '" + name + "'");
        }
        return name;
    }
}
