/**
 * A sample third-party BlobsFile codec. Registered twice, so it is found both on the class path
 * (META-INF/services) and on the module path (the {@code provides} below).
 */
module org.blobsfile.sample {
    requires org.blobsfile.api;

    provides org.blobsfile.api.spi.Codec with org.blobsfile.sample.SampleDeflateCodec;
}
