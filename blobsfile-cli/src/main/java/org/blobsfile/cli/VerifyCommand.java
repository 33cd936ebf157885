package org.blobsfile.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code verify [--max-duration D] [--older-than D] [--rate MB/s] [--json]}: reads the packs and reports damage. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Check every byte of every pack.",
        description = {"Reads every pack: the header, every blob's hash, EOF entries and padding, and the",
                "parity of sealed packs. Prints one line per problem (pack, offset, shard, blob, what)",
                "and a summary. Also compares the index with the packs: a blob the index misses or places",
                "where its pack does not hold it is reported (run reindex). Notes that are not damage are",
                "printed as warnings. Exit code 0 when the store is clean, 3 when damage was found.",
                "Packs are checked in the order of the store's verify ledger (verify.ledger): those never",
                "verified first, then the one verified longest ago; each result is recorded there, so",
                "bounded runs (--max-duration, --older-than) go on where the last one stopped. The ledger",
                "is the one file verify writes; when it cannot (a read-only directory, a full disk), verify",
                "still runs and says on standard error that it recorded nothing."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Option(names = "--max-duration", paramLabel = "D",
            description = "Start no pack after D (such as 500ms, 30s, 5m, 2h, 7d); the pack under way is finished,"
                    + " and at least one pack is checked.")
    private String maxDuration;

    @Option(names = "--older-than", paramLabel = "D",
            description = "Check only the packs not verified within D (such as 7d).")
    private String olderThan;

    @Option(names = "--rate", paramLabel = "MB/s",
            description = "Read at most this many MB (1,000,000 bytes) per second; decimals allowed; 0 (the default)"
                    + " for no limit.")
    private String rate = "0";

    @Override
    public Integer call() {
        Duration max = maxDuration == null ? null : Durations.parse("--max-duration", maxDuration);
        Duration older = olderThan == null ? null : Durations.parse("--older-than", olderThan);
        VerifyOptions options = VerifyOptions.DEFAULT.withMaxDuration(max).withOlderThan(older)
                .withRate(CompactCommand.bytesPerSecond(rate));
        VerifyReport report;
        try (BlobStore store = cli.openStoreReadOnly()) {
            try (ProgressMeter meter = cli.progress("verify")) {
                report = store.verify(options, meter);
            }
            if (!report.notRecorded().isEmpty()) {
                cli.err().println("blobsfile verify: " + report.notRecorded());
                cli.err().flush();
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
