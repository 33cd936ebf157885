package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code has HASH}: answers with the exit code alone. */
@Command(name = "has", mixinStandardHelpOptions = true,
        header = "Tell by exit code whether a blob is stored.",
        description = {"Tells whether the store holds the blob HASH, by exit code alone:",
                "0 present, 2 absent. Prints nothing."})
final class HasCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Parameters(index = "0", paramLabel = "HASH", description = "The blob's 64 hex digit hash.")
    private String hash;

    @Override
    public Integer call() {
        BlobRef ref = BlobRef.parse(hash);
        try (BlobStore store = cli.openStoreReadOnly()) {
            return store.exists(ref) ? BlobsFileCommand.EXIT_OK : BlobsFileCommand.EXIT_NOT_FOUND;
        }
    }
}
