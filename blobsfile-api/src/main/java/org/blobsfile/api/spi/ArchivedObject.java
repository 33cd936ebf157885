package org.blobsfile.api.spi;

import java.util.Objects;

/**
 * An object an {@link Archive} holds.
 *
 * @param name its name
 * @param size its length in bytes
 */
public record ArchivedObject(String name, long size) {
    /**
     * @param name its name
     * @param size its length in bytes
     */
    public ArchivedObject {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " < 0");
        }
    }
}
