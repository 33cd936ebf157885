package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code verify [--json]}: reads every byte of every pack and reports damage. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Check every byte of every pack.",
        description = {"Reads every pack: the header, every blob's hash, EOF entries and padding, and the",
                "parity of sealed packs. Prints one line per problem (pack, offset, shard, blob, what)",
                "and a summary. Also compares the index with the packs: a blob the index misses or places",
                "where its pack does not hold it is reported (run reindex). Notes that are not damage are",
                "printed as warnings. Exit code 0 when the store is clean, 3 when damage was found."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        VerifyReport report;
        try (BlobStore store = cli.openStoreReadOnly()) {
            try (ProgressMeter meter = cli.progress("verify")) {
                report = store.verify(meter);
            }
            if (json) {
                cli.println(Reports.json(store.directory(), report));
            } else {
                for (String line : Reports.lines(report)) {
                    cli.println(line);
                }
                cli.println(Reports.summary(report));
            }
        }
        return report.isClean() ? BlobsFileCommand.EXIT_OK : BlobsFileCommand.EXIT_DAMAGE;
    }
}
