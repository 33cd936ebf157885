package org.blobsfile.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;

/**
 * A process that holds a store open for writing, for the tests of what other processes can do
 * beside it. Arguments: the store directory, the index name and the pack size. Each line read
 * on standard input is a count: it puts that many random blobs and prints {@code HASH SIZE} for
 * each once it is durable, then {@code done}. It closes the store at the end of its input.
 */
public final class WriterChild {
    private WriterChild() {
    }

    /**
     * Runs the child.
     *
     * @param args the store directory, the index name and the pack size
     * @throws Exception on any failure, which ends the process with a stack trace
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Random rnd = new Random(42);
        try (BlobStore store = BlobStore.builder(Path.of(args[0])).index(args[1]).maxPackSize(Long.parseLong(args[2])).open();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            out.println("open");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int count = Integer.parseInt(line.strip());
                for (int i = 0; i < count; i++) {
                    byte[] b = new byte[1 + rnd.nextInt(200)];
                    rnd.nextBytes(b);
                    BlobRef ref = store.put(b);
                    out.println(ref.hex() + " " + b.length);
                }
                out.println("done");
            }
        }
    }
}
