package org.blobsfile.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code get HASH [-o FILE]}: writes a blob to standard output or a file. */
@Command(name = "get", mixinStandardHelpOptions = true,
        header = "Write a blob to standard output or a file.",
        description = {"Writes the blob HASH to standard output, or to FILE with -o.",
                "Its hash is checked (and damage healed from parity) before its bytes are shown; with -o",
                "the file appears only once it has checked. A blob larger than 64 MiB is streamed as it is",
                "read: on standard output a failed check exits 3 after its bytes.",
                "Exit code 2 if it is absent."})
final class GetCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Parameters(index = "0", paramLabel = "HASH", description = "The blob's 64 hex digit hash.")
    private String hash;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE (replaced atomically) instead of standard output.")
    private Path output;

    /**
     * Blobs up to this size are read whole before a byte is written: a damaged one is then healed
     * from parity when it can be, and never half written. Larger ones are streamed.
     */
    static final long HOLD_UP_TO = 64L << 20;

    @Override
    public Integer call() throws IOException {
        BlobRef ref = BlobRef.parse(hash);
        try (BlobStore store = cli.openStoreReadOnly()) {
            if (output == null || output.toString().equals("-")) {
                copy(store, ref, cli.out());
                cli.out().flush();
                if (cli.out().checkError()) {
                    // a PrintStream keeps its failures to itself: a full disk or a closed pipe is no success
                    throw new CliException(BlobsFileCommand.EXIT_INTERVENTION, "writing blob " + ref
                            + " to standard output failed");
                }
                return BlobsFileCommand.EXIT_OK;
            }
            // a temporary file beside the target, renamed only once the hash has checked, so a
            // reader never sees half a blob nor a damaged one
            Path parent = output.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(parent, "." + output.getFileName() + ".", ".part");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                    copy(store, ref, out);
                }
                Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return BlobsFileCommand.EXIT_OK;
        }
    }

    /** Writes the blob: whole once checked (and healed) up to {@link #HOLD_UP_TO}, else streamed. */
    private static void copy(BlobStore store, BlobRef ref, OutputStream out) throws IOException {
        if (store.size(ref) <= HOLD_UP_TO) {
            out.write(store.get(ref));
        } else {
            // streamed: a damaged blob fails (exit 3) after its bytes, which are then not the blob
            store.get(ref, out);
        }
    }
}
