package org.blobsfile.archive.s3;

import java.io.IOException;
import java.net.URI;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The {@code s3:} archive: a bucket of Amazon S3 or of any S3-compatible server,
 * {@code s3://BUCKET/PREFIX?endpoint=URL&region=R&pathStyle=true}. Credentials come from the
 * SDK's default chain: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, the system
 * properties {@code aws.accessKeyId}/{@code aws.secretAccessKey}, profiles. The region is
 * {@code us-east-1} when an endpoint is given without one.
 */
public final class S3ArchiveProvider implements ArchiveProvider {
    /** Found by {@link java.util.ServiceLoader}. */
    public S3ArchiveProvider() {
    }

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public Archive open(URI uri) throws IOException {
        return open(uri, DefaultCredentialsProvider.builder().build());
    }

    /**
     * Opens an archive with the given credentials rather than the default chain's.
     *
     * @param uri         the archive
     * @param credentials where its keys come from
     * @return the open archive
     * @throws IOException when the URI names no S3 archive
     */
    Archive open(URI uri, AwsCredentialsProvider credentials) throws IOException {
        return open(S3Settings.parse(uri), credentials);
    }

    static Archive open(S3Settings settings, AwsCredentialsProvider credentials) throws IOException {
        try {
            return new S3Archive(settings, S3Clients.build(settings, credentials));
        } catch (SdkException e) {
            // without an endpoint and a region, the SDK looks for one and may find none
            throw new IOException("archive " + settings.location() + ": " + e.getMessage()
                    + "; add region=R to the URI", e);
        }
    }

    @Override
    public String artifact() {
        return "org.blobsfile:archive-s3";
    }
}
