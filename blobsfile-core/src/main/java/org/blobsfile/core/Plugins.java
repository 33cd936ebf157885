package org.blobsfile.core;

import java.util.List;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexProvider;

/** The codecs and indexes discovered on the class path, for tools that list them. */
public final class Plugins {
    private Plugins() {
    }

    /** @return every discovered codec, by id */
    public static List<Codec> codecs() {
        throw new UnsupportedOperationException("written with the store");
    }

    /** @return every discovered index provider, by name */
    public static List<IndexProvider> indexes() {
        throw new UnsupportedOperationException("written with the store");
    }
}
