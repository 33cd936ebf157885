package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.core.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code plugins}: the codecs and indexes this program can use. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        header = "List the installed codecs and index backends.",
        description = {"Lists the codecs (id, name, Maven artifact) and index backends",
                "found on the class path. Codec id 0 (stored plain) is built in."})
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
        return BlobsFileCommand.EXIT_OK;
    }

    private static String orUnknown(String artifact) {
        return artifact == null || artifact.isEmpty() ? "(not declared)" : artifact;
    }
}
