package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.EvictionReport;
import org.blobsfile.api.StoreStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code evict --keep-local N [--json]}: removes the local files of archived sealed packs, keeping the newest. */
@Command(name = "evict", mixinStandardHelpOptions = true,
        header = "Remove the local files of archived packs, keeping the newest.",
        description = {"Removes the local file of every sealed pack the archive named with --archive holds as it is,",
                "keeping the newest N sealed packs and the pack being filled. Each file is compared with its",
                "archived copy first, and the copy's manifest is kept beside the packs, so the index keeps",
                "every blob: a get of a blob in an evicted pack is one ranged read of the archive, checked",
                "against the blob's hash. Run 'archive' first so that every sealed pack can go.",
                "Prints one line per evicted pack and per archived pack kept, then a summary.",
                "Exit code 0, 1 without --archive, 4 when the archive is unavailable."})
final class EvictCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--keep-local", required = true, paramLabel = "N",
            description = "How many of the newest sealed packs stay local (0 or more).")
    private int keepLocal;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        if (cli.archiveUri() == null) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "evict needs --archive URI, the archive that holds the"
                    + " packs (file:/path or s3://bucket/prefix)");
        }
        if (keepLocal < 0) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "--keep-local must be 0 or more, not " + keepLocal);
        }
        try (BlobStore store = cli.openStore(false)) {
            EvictionReport report = store.evict(keepLocal);
            StoreStats after = store.stats();
            if (json) {
                cli.println(ArchiveReports.evictionJson(store.directory(), keepLocal, report, after));
            } else {
                ArchiveReports.evictionLines(report, after).forEach(cli::println);
            }
        }
        return BlobsFileCommand.EXIT_OK;
    }
}
