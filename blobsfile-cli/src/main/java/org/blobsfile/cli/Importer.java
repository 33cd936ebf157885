package org.blobsfile.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobTooLargeException;
import org.blobsfile.api.StoreStats;

/**
 * Stores every regular file under a directory as one blob each; the code path of both
 * {@code import} and {@code demo}. Files go in batches through {@link BlobStore#putAll}, so a
 * directory of small files costs one force per batch rather than one per file. Not thread-safe.
 */
final class Importer {
    /** Batches end at this many bytes or {@link #BATCH_FILES} files, whichever comes first. */
    static final long BATCH_BYTES = 8L << 20;
    static final int BATCH_FILES = 256;

    /**
     * A file to import.
     *
     * @param path the file
     * @param name its path relative to the imported directory, with {@code /} separators
     * @param size its length when listed
     */
    record Input(Path path, String name, long size) {
    }

    /**
     * What an import did; the store counts come from the difference of its stats before and after.
     *
     * @param files       files read
     * @param bytes       their total length
     * @param newBlobs    blobs the store did not hold before
     * @param deduped     files whose content the store held already, or that repeated an earlier file
     * @param storedBytes bytes the new blobs take in packs (after compression)
     * @param nanos       how long it took
     */
    record Summary(long files, long bytes, long newBlobs, long deduped, long storedBytes, long nanos) {
    }

    /** Told of each file once its blob is stored, in import order. */
    @FunctionalInterface
    interface Listener {
        void stored(Input input, BlobRef ref);
    }

    private Importer() {
    }

    /**
     * Lists the regular files under {@code dir} in a stable order: by relative path, compared as
     * strings with {@code /} separators, so that the same tree imports in the same order on every
     * file system. Symbolic links are not followed, and {@code skip} (the store itself, when it
     * lies inside {@code dir}) is left out.
     *
     * @param dir  the directory to walk
     * @param skip a directory to leave out, or null
     * @return the files
     */
    static List<Input> list(Path dir, Path skip) throws IOException {
        Path skipReal = skip != null && Files.isDirectory(skip) ? skip.toRealPath() : null;
        List<Input> out = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                return skipReal != null && d.toRealPath().equals(skipReal) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    StringBuilder name = new StringBuilder();
                    for (Path part : dir.relativize(f)) {
                        name.append(name.length() == 0 ? "" : "/").append(part);
                    }
                    out.add(new Input(f, name.toString(), attrs.size()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(Comparator.comparing(Input::name));
        return out;
    }

    /**
     * Stores the files in order.
     *
     * @param store    where
     * @param inputs   what, from {@link #list}
     * @param meter    told of files and bytes done
     * @param listener told of each stored file
     * @return what was done
     * @throws CliException naming the file, if one is larger than a pack holds
     */
    static Summary run(BlobStore store, List<Input> inputs, ProgressMeter meter, Listener listener) throws IOException {
        long started = System.nanoTime();
        StoreStats before = store.stats();
        long total = inputs.stream().mapToLong(Input::size).sum();
        long doneBytes = 0;
        long doneFiles = 0;
        List<Input> batch = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        long batchBytes = 0;
        meter.files(0, inputs.size());
        meter.update(0, total);
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            byte[] bytes = Files.readAllBytes(in.path());
            batch.add(in);
            data.add(bytes);
            batchBytes += bytes.length;
            boolean last = i == inputs.size() - 1;
            if (last || batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
                store(store, batch, data, listener, doneFiles, inputs.size());
                doneFiles += batch.size();
                doneBytes += batchBytes;
                // a file that grew since it was listed must not push the bar past the end
                total = Math.max(total, doneBytes);
                meter.files(doneFiles, inputs.size());
                meter.update(doneBytes, total);
                batch.clear();
                data.clear();
                batchBytes = 0;
            }
        }
        StoreStats after = store.stats();
        return new Summary(doneFiles, doneBytes, after.blobs() - before.blobs(),
                after.dedupedPuts() - before.dedupedPuts(), after.storedBytes() - before.storedBytes(),
                System.nanoTime() - started);
    }

    private static void store(BlobStore store, List<Input> batch, List<byte[]> data, Listener listener,
                              long done, int files) {
        List<BlobRef> refs;
        try {
            refs = store.putAll(data);
        } catch (BlobTooLargeException e) {
            Input big = batch.get(0);
            for (int i = 0; i < batch.size(); i++) {
                if (data.get(i).length == e.size()) {
                    big = batch.get(i);
                    break;
                }
            }
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "file " + big.path() + " (" + e.size()
                    + " bytes) is larger than the " + e.limit() + " bytes a pack of this store holds; "
                    + done + " of " + files + " files were imported before its batch");
        }
        for (int i = 0; i < batch.size(); i++) {
            listener.stored(batch.get(i), refs.get(i));
        }
    }
}
