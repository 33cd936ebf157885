package org.blobsfile.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rm HASH...}: deletes blobs and says, per argument, whether each was stored. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        header = "Delete blobs.",
        description = {"Deletes each blob HASH, all in one step with one force, and prints 'HASH deleted' or",
                "'HASH absent' per argument, in argument order, once the deletions are durable. A hash given",
                "twice is reported alike both times. Every HASH is checked before anything is deleted.",
                "A deleted blob's bytes stay in its pack, counted as garbage, until 'compact' rewrites it.",
                "Exit code 0 when every blob was deleted, 2 when any was absent."})
final class RmCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Parameters(arity = "1..*", paramLabel = "HASH", description = "The blobs' 64 hex digit hashes.")
    private List<String> hashes;

    @Override
    public Integer call() {
        // a typo in the last hash should not leave the first ones deleted and the rest not
        List<BlobRef> refs = new ArrayList<>(hashes.size());
        for (String h : hashes) {
            try {
                refs.add(BlobRef.parse(h));
            } catch (IllegalArgumentException e) {
                throw new CliException(BlobsFileCommand.EXIT_USAGE, e.getMessage() + "; nothing was deleted");
            }
        }
        boolean allDeleted = true;
        try (BlobStore store = cli.openStore(false)) {
            // deleteAll is durable when it returns: the lines are receipts, printed before close
            Set<BlobRef> deleted = new HashSet<>(store.deleteAll(new LinkedHashSet<>(refs)));
            for (BlobRef ref : refs) {
                boolean was = deleted.contains(ref);
                allDeleted &= was;
                cli.println(ref.hex() + (was ? " deleted" : " absent"));
            }
        }
        return allDeleted ? BlobsFileCommand.EXIT_OK : BlobsFileCommand.EXIT_NOT_FOUND;
    }
}
