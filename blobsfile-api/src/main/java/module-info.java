/**
 * The BlobsFile API: the store interface, its options and errors, and the plugin SPIs.
 * Depends on the JDK alone.
 */
module org.blobsfile.api {
    exports org.blobsfile.api;
    exports org.blobsfile.api.spi;

    uses org.blobsfile.api.BlobStoreFactory;
    uses org.blobsfile.api.spi.Codec;
    uses org.blobsfile.api.spi.IndexProvider;
    uses org.blobsfile.api.spi.ArchiveProvider;
}
