package org.blobsfile.api.spi;

import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;

/**
 * Opens stores; provided by {@code blobsfile-core} and found with {@link java.util.ServiceLoader},
 * so the API does not depend on the implementation.
 */
public interface BlobStoreFactory {
    /**
     * Opens, or creates, the store the options describe.
     *
     * @param options the store's directory and settings
     * @return the open store
     */
    BlobStore open(BlobStoreOptions options);
}
