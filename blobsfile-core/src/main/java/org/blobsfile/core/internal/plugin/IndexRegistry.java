package org.blobsfile.core.internal.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.blobsfile.api.PluginException;
import org.blobsfile.api.spi.IndexProvider;

/** The index providers found with {@link ServiceLoader}, by name. Discovered once; immutable. */
public final class IndexRegistry {
    private static volatile IndexRegistry discovered;

    private final Map<String, IndexProvider> byName;

    private IndexRegistry(Map<String, IndexProvider> byName) {
        this.byName = byName;
    }

    /** @return the index providers on the class path; fails if two claim one name */
    public static IndexRegistry discovered() {
        IndexRegistry r = discovered;
        if (r == null) {
            synchronized (IndexRegistry.class) {
                r = discovered;
                if (r == null) {
                    r = of(load());
                    discovered = r;
                }
            }
        }
        return r;
    }

    private static List<IndexProvider> load() {
        List<IndexProvider> found = new ArrayList<>();
        try {
            for (IndexProvider p : ServiceLoader.load(IndexProvider.class, IndexRegistry.class.getClassLoader())) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginException("an index plugin failed to load: " + e.getMessage(), e);
        }
        return found;
    }

    static IndexRegistry of(List<IndexProvider> providers) {
        Map<String, IndexProvider> byName = new TreeMap<>();
        for (IndexProvider p : providers) {
            IndexProvider other = byName.putIfAbsent(p.name(), p);
            if (other != null) {
                throw new PluginException("two indexes claim the name '" + p.name() + "': " + other.getClass().getName()
                        + " and " + p.getClass().getName() + "; remove one from the class path");
            }
        }
        return new IndexRegistry(byName);
    }

    /**
     * @return the provider called {@code name}
     * @throws PluginException naming what is available and what to add, when it is missing
     */
    public IndexProvider forName(String name) {
        IndexProvider p = byName.get(name);
        if (p == null) {
            String add = KnownPlugins.isIndex(name)
                    ? "add " + KnownPlugins.artifact("index", name) + " to the class path"
                    : "add the module that provides it to the class path";
            throw new PluginException("index '" + name + "' not found; available: " + byName.keySet() + "; " + add);
        }
        return p;
    }

    /** @return every provider, by name */
    public List<IndexProvider> all() {
        return List.copyOf(byName.values());
    }
}
