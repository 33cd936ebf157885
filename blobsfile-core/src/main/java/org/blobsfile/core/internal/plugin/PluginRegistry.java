package org.blobsfile.core.internal.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.blobsfile.api.PluginException;
import org.blobsfile.api.spi.ArchiveProvider;
import org.blobsfile.api.spi.IndexProvider;

/**
 * The plugins of one kind found with {@link ServiceLoader}, by the name users type. It owns what
 * every kind of plugin shares: discovery once per class loader (the iterator of ServiceLoader is
 * not thread-safe), the refusal of two plugins with one name, and the error that names what is
 * available and the artifact to add. Instances are immutable.
 *
 * @param <P> the service interface
 */
public final class PluginRegistry<P> {
    private static volatile PluginRegistry<IndexProvider> indexes;
    private static volatile PluginRegistry<ArchiveProvider> archives;

    private final Kind kind;
    private final Map<String, P> byName;

    /** The kinds of plugin, with the words their messages use. */
    public enum Kind {
        /** Compression codecs ({@code org.blobsfile.api.spi.Codec}). */
        CODEC("codec", "codecs", "a codec"),
        /** Index backends ({@code org.blobsfile.api.spi.IndexProvider}). */
        INDEX("index", "indexes", "an index"),
        /** Archive tiers, by URI scheme ({@code org.blobsfile.api.spi.ArchiveProvider}). */
        ARCHIVE("archive", "archives", "an archive");

        private final String word;
        private final String plural;
        private final String article;

        Kind(String word, String plural, String article) {
            this.word = word;
            this.plural = plural;
            this.article = article;
        }

        /** @return the word for this kind in messages and artifact names, such as {@code codec} */
        String word() {
            return word;
        }
    }

    private PluginRegistry(Kind kind, Map<String, P> byName) {
        this.kind = kind;
        this.byName = byName;
    }

    /** @return the index providers on the class path; fails if two claim one name */
    public static PluginRegistry<IndexProvider> indexes() {
        PluginRegistry<IndexProvider> r = indexes;
        if (r == null) {
            synchronized (PluginRegistry.class) {
                r = indexes;
                if (r == null) {
                    r = of(Kind.INDEX, load(Kind.INDEX, IndexProvider.class), IndexProvider::name);
                    indexes = r;
                }
            }
        }
        return r;
    }

    /** @return the archive providers on the class path, by URI scheme; fails if two claim one scheme */
    public static PluginRegistry<ArchiveProvider> archives() {
        PluginRegistry<ArchiveProvider> r = archives;
        if (r == null) {
            synchronized (PluginRegistry.class) {
                r = archives;
                if (r == null) {
                    r = of(Kind.ARCHIVE, load(Kind.ARCHIVE, ArchiveProvider.class), ArchiveProvider::scheme);
                    archives = r;
                }
            }
        }
        return r;
    }

    /**
     * @param kind    what the plugins are, for messages
     * @param service the service interface
     * @param <P>     the service interface
     * @return every provider of {@code service} the class loader of the core sees
     * @throws PluginException when a provider fails to load
     */
    static <P> List<P> load(Kind kind, Class<P> service) {
        List<P> found = new ArrayList<>();
        try {
            for (P p : ServiceLoader.load(service, PluginRegistry.class.getClassLoader())) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginException(kind.article + " plugin failed to load: " + e.getMessage(), e);
        }
        return found;
    }

    /**
     * @param kind    what the plugins are, for messages
     * @param plugins the plugins
     * @param nameOf  the name users type for a plugin
     * @param <P>     the service interface
     * @return a registry of exactly these plugins
     * @throws PluginException when two plugins claim one name
     */
    static <P> PluginRegistry<P> of(Kind kind, Collection<P> plugins, Function<P, String> nameOf) {
        Map<String, P> byName = new TreeMap<>();
        for (P p : plugins) {
            P other = byName.putIfAbsent(nameOf.apply(p), p);
            if (other != null) {
                throw new PluginException("two " + kind.plural + " claim the name '" + nameOf.apply(p) + "': "
                        + other.getClass().getName() + " and " + p.getClass().getName() + "; remove one from the class path");
            }
        }
        return new PluginRegistry<>(kind, byName);
    }

    /**
     * @param name a plugin name
     * @return the plugin called {@code name}
     * @throws PluginException naming what is available and what to add, when it is missing
     */
    public P forName(String name) {
        return forName(name, List.of());
    }

    /**
     * @param name   a plugin name
     * @param extras names that mean something without a plugin (a codec's {@code "none"}), listed
     *               first among the available ones
     * @return the plugin called {@code name}
     * @throws PluginException naming what is available and what to add, when it is missing
     */
    P forName(String name, List<String> extras) {
        P p = byName.get(name);
        if (p == null) {
            List<String> available = new ArrayList<>(extras);
            available.addAll(byName.keySet());
            String add = KnownPlugins.ships(kind, name)
                    ? "add " + KnownPlugins.artifact(kind, name) + " to the class path"
                    : "add the module that provides it to the class path";
            throw new PluginException(kind.word + " '" + name + "' not found; available: " + available + "; " + add);
        }
        return p;
    }

    /** @return every plugin, by name */
    public List<P> all() {
        return List.copyOf(byName.values());
    }
}
