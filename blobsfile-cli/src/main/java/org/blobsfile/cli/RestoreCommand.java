package org.blobsfile.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.StoreStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code restore --from URI [--lazy] [--json]}: rebuilds a store in an empty or missing directory from its archive. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        header = "Rebuild a store from its archive.",
        description = {"Rebuilds the store in --dir, which must be empty or missing, from the archive URI: the newest",
                "archived copy of every pack is downloaded, checked against its manifest and put in place,",
                "the deletion log too, then the index is built from the packs. Shows progress on standard",
                "error and prints the packs and blobs restored. Blobs of a pack that was not sealed yet when",
                "the archive was last written to are not in the archive and so not restored.",
                "With --lazy only the manifests are downloaded: every pack starts evicted, its blobs read from",
                "the archive by range when asked for, the first read of a pack fetching it whole in the",
                "background, and the index is built from the manifests.",
                "Give --archive URI to later commands so that new sealed packs are archived too.",
                "Exit code 0, 4 when --dir is not empty (a store there is left as it is), when the archive is",
                "unavailable, or when it holds no whole set of packs."})
final class RestoreCommand implements Callable<Integer> {
    private static final Pattern PACK = Pattern.compile("blobs-\\d{5}");
    /** The settings file every store this project writes has, even before its first pack. */
    private static final String SETTINGS = "blobsfile.properties";
    /** The lock file an open leaves behind, empty; a failed restore leaves it too. */
    private static final String LOCK = "LOCK";

    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--from", required = true, paramLabel = "URI",
            description = "The archive to restore from (file:/path or s3://bucket/prefix).")
    private String from;

    @Option(names = "--lazy", description = "Download the manifests only: packs are read by range, and fetched whole once read from.")
    private boolean lazy;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        URI archive = BlobsFileCommand.uri("--from", from);
        Path d = cli.storeDirectory();
        boolean created = prepare(d);
        BlobStore store;
        try (ProgressMeter meter = cli.progress("restore")) {
            store = cli.builder(d).archive(archive)
                    .restore(lazy ? BlobStoreOptions.Restore.LAZY : BlobStoreOptions.Restore.FULL, meter).open();
        } catch (ArchiveException e) {
            throw new ArchiveException(e.getMessage() + afterFailure(d, created), e);
        }
        try (store) {
            StoreStats s = store.stats();
            cli.println(json ? ArchiveReports.restoredJson(d, archive.toString(), s)
                    : ArchiveReports.restored(archive.toString(), s));
        }
        return BlobsFileCommand.EXIT_OK;
    }

    /**
     * Makes sure the directory is one a restore may fill: a restore asked for over an existing
     * store must not turn into opening that store as it is.
     *
     * @return whether the directory was created here
     */
    private static boolean prepare(Path d) {
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "store directory " + d + " is not a directory");
        }
        if (Files.isDirectory(d)) {
            boolean store = false;
            boolean empty = true;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    empty &= isEmptyLock(p);
                    store |= PACK.matcher(name).matches() || name.equals(SETTINGS);
                }
            } catch (IOException e) {
                throw new CliException(BlobsFileCommand.EXIT_USAGE, "cannot read store directory " + d + ": "
                        + Failure.describe(e));
            }
            if (store) {
                throw new CliException(BlobsFileCommand.EXIT_INTERVENTION, d + " holds a store already, left as it is:"
                        + " restore fills only an empty or missing directory, give another --dir");
            }
            if (!empty) {
                throw new CliException(BlobsFileCommand.EXIT_INTERVENTION, d + " is not empty: restore fills only an"
                        + " empty or missing directory, give another --dir");
            }
            return false;
        }
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "cannot create store directory " + d + ": "
                    + Failure.describe(e));
        }
        return true;
    }

    /** @return whether the file is the empty lock file an open leaves, which holds no data */
    private static boolean isEmptyLock(Path p) {
        try {
            return p.getFileName().toString().equals(LOCK) && Files.isRegularFile(p) && Files.size(p) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return what the user must know about the directory after a failed restore, as the end of a sentence */
    private static String afterFailure(Path d, boolean created) {
        try {
            boolean empty = true;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                for (Path p : ds) {
                    empty &= isEmptyLock(p);
                }
            }
            if (!empty) {
                return "; " + d + " keeps what was restored before the failure: empty it before trying again";
            }
            if (created) {
                // made by this command a moment ago and holding no data: nobody else's
                Files.deleteIfExists(d.resolve(LOCK));
                Files.delete(d);
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }
}
