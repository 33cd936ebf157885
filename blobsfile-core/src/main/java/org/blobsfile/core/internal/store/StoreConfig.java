package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.blobsfile.api.CorruptStoreException;
import org.blobsfile.core.internal.io.Fsync;

/**
 * What a store records about itself when it is created ({@code blobsfile.properties}): the
 * format version and the pack size, which every later open must agree with.
 *
 * @param maxPackSize the store's pack size
 */
record StoreConfig(long maxPackSize) {
    static final String FILE_NAME = "blobsfile.properties";

    /** @return the recorded config, or null when the store has none yet */
    static StoreConfig read(Path dir) throws IOException {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(f, StandardCharsets.UTF_8)));
        String size = p.getProperty("max-pack-size");
        try {
            return new StoreConfig(Long.parseLong(size));
        } catch (NumberFormatException e) {
            throw new CorruptStoreException(f + " has no valid max-pack-size (found '" + size + "')");
        }
    }

    void write(Path dir) throws IOException {
        String text = "# BlobsFile store settings; the pack size cannot change once packs exist\n"
                + "format=1\n"
                + "max-pack-size=" + maxPackSize + "\n";
        Fsync.writeAtomically(dir.resolve(FILE_NAME), text.getBytes(StandardCharsets.UTF_8));
    }
}
