package org.blobsfile.api;

/**
 * Opens stores; provided by {@code blobsfile-core} and found with {@link java.util.ServiceLoader},
 * so the API does not depend on the implementation. It lives beside {@link BlobStore} rather than
 * in {@code org.blobsfile.api.spi} because it speaks the store's types: the plugin SPI stays free
 * of the API it serves. Implementations must be thread-safe.
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
