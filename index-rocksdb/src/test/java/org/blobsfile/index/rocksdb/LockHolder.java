package org.blobsfile.index.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.blobsfile.api.spi.BlobIndex;

/**
 * Run in a child JVM by the tests: opens the index in {@code args[0]}, says so on stdout, and
 * keeps it open until its stdin is closed, so the parent controls the lock's lifetime without
 * timing guesses.
 */
final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws IOException {
        try (BlobIndex index = new RocksDbIndexProvider().open(Path.of(args[0]))) {
            System.out.println("open " + index);
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
