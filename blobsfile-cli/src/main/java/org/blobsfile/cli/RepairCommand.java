package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.RepairReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code repair [--json]}: repairs damaged sealed packs from their parity. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        header = "Repair damaged packs from their parity.",
        description = {"Verifies every pack, rebuilds each damaged sealed pack from its parity and replaces it",
                "atomically. A pack beyond repair is moved to the quarantine/ directory with a note; its",
                "intact blobs are copied to a newer pack first, and its other blobs are reported lost.",
                "Exit code 0 when the store is intact afterwards, 3 when a pack was quarantined or damage",
                "remains (in the active pack, which has no parity yet)."})
final class RepairCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        RepairReport report;
        try (BlobStore store = cli.openStore(false)) {
            try (ProgressMeter meter = cli.progress("repair")) {
                report = store.repair(meter);
            }
            if (json) {
                cli.println(Reports.json(store.directory(), report));
            } else {
                Reports.lines(report).forEach(cli::println);
            }
        }
        return report.isComplete() ? BlobsFileCommand.EXIT_OK : BlobsFileCommand.EXIT_DAMAGE;
    }
}
