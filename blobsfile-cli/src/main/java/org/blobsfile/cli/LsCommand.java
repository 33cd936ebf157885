package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Range;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ls [--prefix HEX] [--limit N]}: lists blobs in hash order. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        header = "List blobs in hash order.",
        description = {"Lists blobs ordered by hash, one 'HASH SIZE PACK' line each:",
                "SIZE is the blob's length in bytes (-1 when its codec is not installed),",
                "PACK the number N of the pack file blobs-N holding it."})
final class LsCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--prefix", paramLabel = "HEX", description = "Only hashes starting with these hex digits.")
    private String prefix = "";

    @Option(names = "--limit", paramLabel = "N", description = "List at most N blobs.")
    private Long limit;

    @Override
    public Integer call() {
        Range range;
        try {
            range = Range.prefix(prefix);
            if (limit != null) {
                range = range.limit(limit);
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, e.getMessage());
        }
        try (BlobStore store = cli.openStoreReadOnly()) {
            // one flush at the end: listings can be long and are read as a whole
            store.enumerate(range).forEach(this::print);
        }
        cli.out().flush();
        return BlobsFileCommand.EXIT_OK;
    }

    private void print(BlobInfo info) {
        cli.out().print(info.ref().hex() + " " + info.size() + " " + info.pack() + "\n");
    }
}
