/**
 * The BlobsFile store: pack format, write and read paths, recovery, sealing and the plugin
 * registries. Users reach it through {@code org.blobsfile.api}.
 */
module org.blobsfile.core {
    requires transitive org.blobsfile.api;
    requires org.slf4j;
    // StoreMBeans publishes the counters over JMX; its types appear in the exported API
    requires transitive java.management;

    exports org.blobsfile.core;

    uses org.blobsfile.api.spi.Codec;
    uses org.blobsfile.api.spi.IndexProvider;
    uses org.blobsfile.api.spi.ArchiveProvider;

    provides org.blobsfile.api.BlobStoreFactory with org.blobsfile.core.internal.store.CoreBlobStoreFactory;
    provides org.blobsfile.api.spi.ArchiveProvider with org.blobsfile.core.internal.archive.FileArchiveProvider;
}
