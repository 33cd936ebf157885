package org.blobsfile.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code import DIR}: stores every regular file under a directory, with progress and a summary. */
@Command(name = "import", mixinStandardHelpOptions = true,
        header = "Store every regular file under a directory.",
        description = {"Stores every regular file under DIR as one blob, in a stable order (sorted by",
                "relative path). Symbolic links are not followed; the store directory is skipped.",
                "Shows progress on standard error and prints a summary: files, bytes, new blobs,",
                "duplicates, stored bytes and time."})
final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory to import.")
    private Path source;

    @Option(names = "--list", description = "Also print 'HASH  PATH' per file, PATH relative to DIR.")
    private boolean list;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(source)) {
            throw new CliException(BlobsFileCommand.EXIT_NOT_FOUND, "directory " + source + " does not exist");
        }
        if (!Files.isDirectory(source)) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, source + " is not a directory");
        }
        // listed before the store opens: a store created inside DIR must not import itself
        List<Importer.Input> inputs = Importer.list(source, cli.storeDirectory());
        Importer.Summary s;
        try (BlobStore store = cli.openStore(true)) {
            try (ProgressMeter meter = cli.progress("import")) {
                s = Importer.run(store, inputs, meter, (in, ref) -> {
                    if (list) {
                        meter.close();
                        cli.println(ref.hex() + "  " + in.name());
                    }
                });
            }
        }
        cli.println(json ? json(source, s) : text(source, s));
        return BlobsFileCommand.EXIT_OK;
    }

    /**
     * @param dir the imported directory
     * @param s   what the import did
     * @return the summary for people, one line
     */
    static String text(Path dir, Importer.Summary s) {
        // stored bytes cover the new blobs only: duplicates cost nothing
        return String.format(Locale.ROOT, "imported %d files (%s) from %s in %.1f s: %d new blobs, %d duplicates,"
                        + " %s stored", s.files(), Sizes.human(s.bytes()), dir, s.nanos() / 1e9, s.newBlobs(),
                s.deduped(), Sizes.human(s.storedBytes()));
    }

    /**
     * @param dir the imported directory
     * @param s   what the import did
     * @return the summary as one JSON object
     */
    static String json(Path dir, Importer.Summary s) {
        return new Json()
                .put("directory", dir.toAbsolutePath().toString())
                .put("files", s.files())
                .put("bytes", s.bytes())
                .put("new_blobs", s.newBlobs())
                .put("deduped", s.deduped())
                .put("stored_bytes", s.storedBytes())
                .put("millis", s.nanos() / 1_000_000)
                .toString();
    }
}
