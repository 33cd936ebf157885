package org.blobsfile.archive.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 server in the test JVM: S3Proxy on a free localhost port, storing objects as files
 * under a directory (jclouds' filesystem provider), so a test can stop it, restart it on the same
 * port and directory, and damage an object's bytes behind its back.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "blobsfile-test";
    static final String SECRET_KEY = "blobsfile-test-secret";

    private final Path dir;
    private BlobStoreContext context;
    private S3Proxy proxy;
    private int port;

    /** Starts a server on a free port, storing under {@code dir}. */
    S3ProxyServer(Path dir) throws Exception {
        this.dir = dir;
        start(0);
    }

    private void start(int onPort) throws Exception {
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", dir.toString());
        context = ContextBuilder.newBuilder("filesystem").credentials("unused", "unused").overrides(overrides)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + onPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        // Jetty's start returns once the connector listens
        proxy.start();
        port = proxy.getPort();
    }

    /** Creates a bucket. */
    void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    /** @return the file that holds an object's bytes */
    Path objectFile(String bucket, String key) {
        return dir.resolve(bucket).resolve(key);
    }

    /** @return the server's endpoint */
    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * @param bucket     the bucket
     * @param prefix     the key prefix
     * @param parameters further query parameters, starting with {@code &}, or empty
     * @return the URI of an archive on this server
     */
    URI uri(String bucket, String prefix, String parameters) {
        return URI.create("s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint() + "&pathStyle=true" + parameters);
    }

    /** @return the keys the server accepts */
    static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** Stops serving; the directory keeps what was stored. */
    void stop() throws Exception {
        proxy.stop();
        context.close();
    }

    /** Starts again on the same port and directory. */
    void restart() throws Exception {
        start(port);
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
