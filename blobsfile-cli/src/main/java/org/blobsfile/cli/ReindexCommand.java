package org.blobsfile.cli;

import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code reindex}: rebuilds the index from the packs. */
@Command(name = "reindex", mixinStandardHelpOptions = true,
        header = "Rebuild the index from the packs.",
        description = {"Throws the index away and rebuilds it by scanning every pack.",
                "Safe at any time: the packs are the source of truth."})
final class ReindexCommand implements Callable<Integer> {
    @ParentCommand
    private BlobsFileCommand cli;

    @Override
    public Integer call() {
        try (BlobStore store = cli.openStore(false)) {
            // the rebuild reports no progress: one line says why the command is quiet for a while
            if (cli.progressMode() != ProgressMeter.Mode.NONE) {
                cli.err().println("reindex: rebuilding the index of " + store.directory() + " from "
                        + store.stats().packs() + " packs...");
                cli.err().flush();
            }
            long started = System.nanoTime();
            store.rebuildIndex();
            long millis = (System.nanoTime() - started) / 1_000_000;
            StoreStats s = store.stats();
            cli.println("rebuilt the " + s.index() + " index of " + store.directory() + ": " + s.blobs()
                    + " blobs in " + s.packs() + " packs (" + millis + " ms)");
        }
        return BlobsFileCommand.EXIT_OK;
    }
}
