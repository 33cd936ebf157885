package org.blobsfile.it;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.Durability;
import org.blobsfile.api.Progress;

/**
 * The process an archive crash test kills: it puts blobs, and now and then archives the sealed
 * packs and evicts all but the newest few, forever. It prints {@code P hash} once a put has
 * returned, and {@code phase NAME} before each step ({@code put}, {@code archive}, {@code evict}),
 * to a file first and then to its standard output, like {@link CompactionChild}.
 *
 * <p>Arguments: store directory, archive URI, seed, pack size, the file of its lines.
 */
public final class ArchiveChild {
    private ArchiveChild() {
    }

    /** @param args directory, archive URI, seed, pack size, file of lines */
    public static void main(String[] args) throws Exception {
        Random rnd = new Random(Long.parseLong(args[2]));
        PrintStream out = new PrintStream(new FileOutputStream(args[4]), false, StandardCharsets.US_ASCII);
        try (BlobStore store = BlobStore.builder(Path.of(args[0])).archive(URI.create(args[1]))
                .maxPackSize(Long.parseLong(args[3])).durability(Durability.GROUP).open()) {
            System.out.println("READY");
            System.out.flush();
            while (true) {
                int what = rnd.nextInt(10);
                if (what < 7) {
                    say(out, "phase put");
                    List<byte[]> batch = new ArrayList<>();
                    for (int i = 1 + rnd.nextInt(20); i > 0; i--) {
                        batch.add(CompactionChild.blob(rnd));
                    }
                    for (BlobRef r : store.putAll(batch)) {
                        say(out, "P " + r.hex());
                    }
                } else if (what < 9) {
                    say(out, "phase archive");
                    store.archive(Progress.NONE);
                } else {
                    say(out, "phase evict");
                    try {
                        store.evict(rnd.nextInt(3));
                    } catch (ArchiveException e) {
                        say(out, "evict refused: " + e.getMessage());
                    }
                }
            }
        }
    }

    private static void say(PrintStream out, String line) {
        out.println(line);
        out.flush();
        System.out.println(line);
        System.out.flush();
    }
}
