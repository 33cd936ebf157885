package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code archive [--json]}: uploads to the archive every sealed pack it does not hold yet. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        header = "Upload the sealed packs the archive lacks.",
        description = {"Uploads to the archive named with --archive every sealed pack it does not hold yet, each",
                "with its manifest, and the deletion log; objects already there are never replaced. Shows",
                "progress on standard error and prints one line per pack left unarchived and a summary.",
                "The active pack is archived once it is sealed. Any command that opens the store for writing",
                "with --archive also uploads in the background; this one waits until everything is uploaded.",
                "Exit code 0, 1 without --archive, 3 when a pack was left unarchived (the archive holds",
                "other bytes under its name, or it changed since it was archived), 4 when the archive is",
                "unavailable (unreachable, bad credentials, missing bucket or directory)."})
final class ArchiveCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        if (cli.archiveUri() == null) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "archive needs --archive URI, the archive to upload to"
                    + " (file:/path or s3://bucket/prefix)");
        }
        ArchiveReport report;
        try (BlobStore store = cli.openStore(false)) {
            try (ProgressMeter meter = cli.progress("archive")) {
                report = store.archive(meter);
            }
            StoreStats after = store.stats();
            if (json) {
                cli.println(ArchiveReports.json(store.directory(), report, after));
            } else {
                ArchiveReports.lines(report, after).forEach(cli::println);
            }
        }
        return report.problems().isEmpty() ? BlobsFileCommand.EXIT_OK : BlobsFileCommand.EXIT_DAMAGE;
    }
}
