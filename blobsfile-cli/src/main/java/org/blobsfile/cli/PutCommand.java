package org.blobsfile.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code put FILE... | -}: stores each input as one blob and prints its hash. */
@Command(name = "put", mixinStandardHelpOptions = true,
        header = "Store files (or standard input) as blobs.",
        description = {"Stores each FILE (or standard input for '-') as one blob, in argument order.",
                "Prints 'HASH  NAME' for each input as soon as that blob is durable.",
                "Every input is checked to exist before anything is stored.",
                "Inputs are streamed: memory does not grow with their size."})
final class PutCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to store; '-' reads standard input.")
    private List<String> inputs;

    @Override
    public Integer call() throws IOException {
        // a typo in the last argument should not leave the first ones stored and the rest not
        long stdin = inputs.stream().filter("-"::equals).count();
        if (stdin > 1) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "'-' (standard input) can be given only once");
        }
        for (String name : inputs) {
            if (!name.equals("-")) {
                Path p = Paths.get(name);
                if (!Files.exists(p)) {
                    throw new CliException(BlobsFileCommand.EXIT_NOT_FOUND, "input file " + name + " does not exist");
                }
                if (!Files.isRegularFile(p)) {
                    throw new CliException(BlobsFileCommand.EXIT_USAGE, "input " + name + " is not a regular file");
                }
                if (!Files.isReadable(p)) {
                    throw new CliException(BlobsFileCommand.EXIT_USAGE, "input file " + name + " is not readable");
                }
            }
        }
        try (BlobStore store = cli.openStore(true)) {
            for (String name : inputs) {
                // streamed: memory does not grow with the input; put returns once the blob is
                // durable (forced to disk), so the line is a durability receipt
                BlobRef ref = name.equals("-") ? store.put(cli.in()) : store.put(Paths.get(name));
                cli.println(ref.hex() + "  " + name);
            }
        }
        return BlobsFileCommand.EXIT_OK;
    }
}
