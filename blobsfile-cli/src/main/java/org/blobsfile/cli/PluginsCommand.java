package org.blobsfile.cli;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.blobsfile.api.spi.ArchiveProvider;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.core.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code plugins}: the codecs, indexes and archive kinds this program can use. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        header = "List the installed codecs, index backends and archive kinds.",
        description = {"Lists the codecs (id, name, Maven artifact), index backends and archive",
                "providers (URI scheme, artifact) found on the class path. Codec id 0",
                "(stored plain) and the file: archive are built in."})
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Override
    public Integer call() {
        cli.println("codecs:");
        cli.println(String.format("  %-4s %-10s %s", "ID", "NAME", "ARTIFACT"));
        cli.println(String.format("  %-4d %-10s %s", 0, "none", "(built in)"));
        for (Codec c : Plugins.codecs()) {
            cli.println(String.format("  %-4d %-10s %s", c.id(), c.name(), orUnknown(c.artifact())));
        }
        cli.println("indexes:");
        cli.println(String.format("  %-10s %s", "NAME", "ARTIFACT"));
        for (IndexProvider p : Plugins.indexes()) {
            cli.println(String.format("  %-10s %s", p.name(), orUnknown(p.artifact())));
        }
        cli.println("archives:");
        cli.println(String.format("  %-10s %s", "SCHEME", "ARTIFACT"));
        for (ArchiveProvider p : archives()) {
            cli.println(String.format("  %-10s %s", p.scheme(), orUnknown(p.artifact())));
        }
        return BlobsFileCommand.EXIT_OK;
    }

    /** The archive providers on the class path, by scheme; the core's own registry is not public. */
    private static List<ArchiveProvider> archives() {
        return ServiceLoader.load(ArchiveProvider.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(ArchiveProvider::scheme)).toList();
    }

    private static String orUnknown(String artifact) {
        return artifact == null || artifact.isEmpty() ? "(not declared)" : artifact;
    }
}
