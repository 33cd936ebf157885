package org.blobsfile.core.internal.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.blobsfile.api.PluginException;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.spi.Codec;

/**
 * The codecs found with {@link ServiceLoader}, by id and by name. Discovery runs once per
 * class loader (the iterator of ServiceLoader is not thread-safe); instances are immutable.
 */
public final class CodecRegistry {
    /** The name that means "store blobs plain". */
    public static final String NONE = "none";

    private static volatile CodecRegistry discovered;

    private final Map<Integer, Codec> byId;
    private final Map<String, Codec> byName;

    private CodecRegistry(Map<Integer, Codec> byId) {
        this.byId = byId;
        this.byName = new TreeMap<>();
        for (Codec c : byId.values()) {
            byName.put(c.name(), c);
        }
    }

    /** @return the codecs on the class path; fails if two claim one id or one name */
    public static CodecRegistry discovered() {
        CodecRegistry r = discovered;
        if (r == null) {
            synchronized (CodecRegistry.class) {
                r = discovered;
                if (r == null) {
                    r = of(load());
                    discovered = r;
                }
            }
        }
        return r;
    }

    private static List<Codec> load() {
        List<Codec> found = new ArrayList<>();
        try {
            for (Codec c : ServiceLoader.load(Codec.class, CodecRegistry.class.getClassLoader())) {
                found.add(c);
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginException("a codec plugin failed to load: " + e.getMessage(), e);
        }
        return found;
    }

    /** @return a registry of exactly these codecs, checked as discovery checks them */
    static CodecRegistry of(Collection<Codec> codecs) {
        Map<Integer, Codec> byId = new TreeMap<>();
        Map<String, Codec> byName = new TreeMap<>();
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
            other = byName.putIfAbsent(c.name(), c);
            if (other != null) {
                throw new PluginException("two codecs claim the name '" + c.name() + "': " + other.getClass().getName()
                        + " and " + c.getClass().getName() + "; remove one from the class path");
            }
        }
        return new CodecRegistry(byId);
    }

    /** @return this registry with {@code codec} replacing any discovered codec of its id or name */
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
        if (name.equals(NONE)) {
            return null;
        }
        Codec c = byName.get(name);
        if (c == null) {
            List<String> available = new ArrayList<>();
            available.add(NONE);
            available.addAll(byName.keySet());
            String add = KnownPlugins.isCodec(name)
                    ? "add " + KnownPlugins.artifact("codec", name) + " to the class path"
                    : "add the module that provides it to the class path";
            throw new PluginException("codec '" + name + "' not found; available: " + available + "; " + add);
        }
        return c;
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
                    : "(" + known + "): add " + KnownPlugins.artifact("codec", known));
        }
        return c;
    }

    /** @return the codec of {@code id}, or null when none is on the class path */
    public Codec find(int id) {
        return byId.get(id);
    }

    /** @return every codec, by id */
    public List<Codec> all() {
        return List.copyOf(byId.values());
    }
}
