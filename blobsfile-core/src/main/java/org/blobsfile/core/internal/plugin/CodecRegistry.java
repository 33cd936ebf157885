package org.blobsfile.core.internal.plugin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.blobsfile.api.PluginException;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.spi.Codec;

/**
 * The codecs found with {@link java.util.ServiceLoader}, by id and by name: the names through
 * the {@link PluginRegistry} every kind of plugin shares, the on-disk ids here. Instances are
 * immutable.
 */
public final class CodecRegistry {
    /** The name that means "store blobs plain". */
    public static final String NONE = "none";

    private static volatile CodecRegistry discovered;

    private final Map<Integer, Codec> byId;
    private final PluginRegistry<Codec> byName;

    private CodecRegistry(Map<Integer, Codec> byId) {
        this.byId = byId;
        this.byName = PluginRegistry.of(PluginRegistry.Kind.CODEC, byId.values(), Codec::name);
    }

    /** @return the codecs on the class path; fails if two claim one id or one name */
    public static CodecRegistry discovered() {
        CodecRegistry r = discovered;
        if (r == null) {
            synchronized (CodecRegistry.class) {
                r = discovered;
                if (r == null) {
                    r = of(PluginRegistry.load(PluginRegistry.Kind.CODEC, Codec.class));
                    discovered = r;
                }
            }
        }
        return r;
    }

    /** @return a registry of exactly these codecs, checked as discovery checks them */
    static CodecRegistry of(Collection<Codec> codecs) {
        Map<Integer, Codec> byId = new TreeMap<>();
        for (Codec c : codecs) {
            if (c.id() < 1 || c.id() > 254) {
                throw new PluginException("codec " + c.getClass().getName() + " has id " + c.id()
                        + "; codec ids are 1 to 254 (0 means uncompressed, 255 is reserved)");
            }
            if (c.name().equals(NONE)) {
                throw new PluginException("codec " + c.getClass().getName() + " may not be called '" + NONE + "'");
            }
            Codec other = byId.putIfAbsent(c.id(), c);
            if (other != null) {
                throw new PluginException("two codecs claim id " + c.id() + ": " + other.getClass().getName()
                        + " and " + c.getClass().getName() + "; remove one from the class path");
            }
        }
        return new CodecRegistry(byId);
    }

    /**
     * @param codec a codec the caller passed in the store options, which wins over discovery
     * @return this registry with {@code codec} replacing any discovered codec of its id or name
     */
    public CodecRegistry with(Codec codec) {
        Map<Integer, Codec> ids = new TreeMap<>(byId);
        ids.values().removeIf(c -> c.name().equals(codec.name()));
        ids.put(codec.id(), codec);
        return new CodecRegistry(ids);
    }

    /**
     * @param name a codec name, or {@code "none"}
     * @return the codec, or null for {@code "none"}
     * @throws PluginException naming what is available and what to add, when it is missing
     */
    public Codec forName(String name) {
        return name.equals(NONE) ? null : byName.forName(name, List.of(NONE));
    }

    /**
     * @param id a codec id read from disk (not 0)
     * @return its codec
     * @throws UnsupportedCodecException naming the id and the module to add, when it is missing
     */
    public Codec forId(int id) {
        Codec c = byId.get(id);
        if (c == null) {
            String known = KnownPlugins.codecName(id);
            throw new UnsupportedCodecException(id, known == null ? null
                    : "(" + known + "): add " + KnownPlugins.artifact(PluginRegistry.Kind.CODEC, known));
        }
        return c;
    }

    /**
     * @param id a codec id read from disk
     * @return the codec of {@code id}, or null when none is on the class path: for callers that
     *         can go on without it, where {@link #forId} would throw
     */
    public Codec find(int id) {
        return byId.get(id);
    }

    /** @return every codec, by id */
    public List<Codec> all() {
        return List.copyOf(byId.values());
    }
}
