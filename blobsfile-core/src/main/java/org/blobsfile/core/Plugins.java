package org.blobsfile.core;

import java.util.List;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.PluginRegistry;

/** The codecs and indexes discovered on the class path, for tools that list them. */
public final class Plugins {
    private Plugins() {
    }

    /**
     * @return every discovered codec, by id
     * @throws org.blobsfile.api.PluginException if two codecs claim one id or name
     */
    public static List<Codec> codecs() {
        return CodecRegistry.discovered().all();
    }

    /**
     * @return every discovered index provider, by name
     * @throws org.blobsfile.api.PluginException if two providers claim one name
     */
    public static List<IndexProvider> indexes() {
        return PluginRegistry.indexes().all();
    }
}
