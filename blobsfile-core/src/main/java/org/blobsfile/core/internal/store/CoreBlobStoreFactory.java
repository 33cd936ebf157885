package org.blobsfile.core.internal.store;

import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreFactory;
import org.blobsfile.api.BlobStoreOptions;

/** Opens the file-based store; registered for {@link java.util.ServiceLoader}. */
public final class CoreBlobStoreFactory implements BlobStoreFactory {
    /** Creates the factory; stateless. */
    public CoreBlobStoreFactory() {
    }

    @Override
    public BlobStore open(BlobStoreOptions options) {
        return FileBlobStore.open(options);
    }
}
