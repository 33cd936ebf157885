package org.blobsfile.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.blobsfile.core.PackInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code inspect PACKFILE}: dumps the entries of any v1 pack, without a store. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        header = "Dump the entries of a v1 pack file (no store needed).",
        description = {"Lists every entry of a v1 pack file: offset, kind, hash, flag, codec id,",
                "stored size and blob size (-1 when unknown without decompressing), then any problems.",
                "Needs no store and never writes. Exit code 3 when problems are found."})
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Parameters(index = "0", paramLabel = "PACKFILE", description = "A pack file, for example store/blobs-00000.")
    private Path pack;

    @Override
    public Integer call() {
        if (!Files.exists(pack)) {
            throw new CliException(BlobsFileCommand.EXIT_NOT_FOUND, "pack file " + pack + " does not exist");
        }
        if (!Files.isRegularFile(pack)) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, pack + " is not a regular file");
        }
        PackInspector.Report report = PackInspector.inspect(pack);
        print(cli, report, Integer.MAX_VALUE, "");
        return report.problems().isEmpty() ? BlobsFileCommand.EXIT_OK : BlobsFileCommand.EXIT_DAMAGE;
    }

    /**
     * Prints a report; shared with the demo, which shows only the first entries.
     *
     * @param cli        where to print
     * @param report     what the inspector found
     * @param maxEntries how many blob entries to print before eliding the rest
     * @param indent     put before every line
     */
    static void print(BlobsFileCommand cli, PackInspector.Report report, int maxEntries, String indent) {
        long blobs = report.entries().stream().filter(e -> e.kind().equals("blob")).count();
        long parity = report.entries().stream().filter(e -> e.kind().equals("parity")).count();
        boolean eof = report.entries().stream().anyMatch(e -> e.kind().equals("eof"));
        cli.println(indent + "pack     " + report.path());
        cli.println(indent + "size     " + report.fileSize() + " bytes");
        cli.println(indent + "version  " + (report.version() < 0 ? "unreadable header" : String.valueOf(report.version())));
        cli.println(indent + "entries  " + report.entries().size() + " (" + blobs + " blobs, " + (eof ? "EOF entry, " : "")
                + parity + " parity)" + (parity == 2 ? ": sealed" : eof ? "" : ": open or unprotected"));
        cli.println(indent + String.format("%-10s %-6s %-64s %4s %4s %-6s %10s %10s",
                "OFFSET", "KIND", "HASH", "FLAG", "ALGO", "CODEC", "STORED", "SIZE"));
        int shown = 0;
        int elided = 0;
        for (PackInspector.Entry e : report.entries()) {
            // parity and EOF entries always show: they are the structure a reader wants to see
            if (e.kind().equals("blob") && shown >= maxEntries) {
                elided++;
                continue;
            }
            if (elided > 0) {
                cli.println(indent + "... " + elided + " more blob entries");
                elided = 0;
            }
            if (e.kind().equals("blob")) {
                shown++;
            }
            cli.println(indent + String.format("%-10d %-6s %-64s %4d %4d %-6s %10d %10d", e.offset(), e.kind(), e.hash(),
                    e.flag(), e.codecId(), CodecIds.name(e.codecId()), e.storedSize(), e.size()));
        }
        if (elided > 0) {
            cli.println(indent + "... " + elided + " more blob entries");
        }
        if (report.problems().isEmpty()) {
            cli.println(indent + "problems: none");
        } else {
            cli.println(indent + "problems: " + report.problems().size());
            for (String p : report.problems()) {
                cli.println(indent + "  " + p);
            }
        }
    }
}
