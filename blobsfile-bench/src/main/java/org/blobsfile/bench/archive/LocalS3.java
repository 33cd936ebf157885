package org.blobsfile.bench.archive;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * S3Proxy in the benchmark's JVM on a free localhost port, a directory behind it (jclouds'
 * filesystem provider), with one bucket; the keys are set as the system properties the SDK's
 * default chain reads, so a provider opened by URI finds them as in production.
 */
final class LocalS3 implements AutoCloseable {
    static final String BUCKET = "bench";
    static final String ACCESS_KEY = "bench";
    static final String SECRET_KEY = "bench-secret";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    /** Starts the server storing under {@code dir}. */
    LocalS3(Path dir) throws Exception {
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", dir.toString());
        context = ContextBuilder.newBuilder("filesystem").credentials("unused", "unused").overrides(overrides)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        context.getBlobStore().createContainerInLocation(null, BUCKET);
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
    }

    /** @return the server's endpoint */
    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** @return the URI of an archive under {@code prefix} in the bucket, with {@code parameters} (each {@code &k=v}) */
    URI archive(String prefix, String parameters) {
        return URI.create("s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint() + "&pathStyle=true" + parameters);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
