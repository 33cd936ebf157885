package org.blobsfile.archive.s3;

import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the SDK client an archive's settings describe. */
final class S3Clients {
    private S3Clients() {
    }

    /**
     * @param settings    the archive's settings
     * @param credentials where the keys come from
     * @return a synchronous client on the JDK's HTTP stack
     */
    static S3Client build(S3Settings settings, AwsCredentialsProvider credentials) {
        return build(settings, credentials, List.of());
    }

    /**
     * @param settings     the archive's settings
     * @param credentials  where the keys come from
     * @param interceptors told of each request, for tests that look at what is sent
     * @return a synchronous client on the JDK's HTTP stack
     */
    static S3Client build(S3Settings settings, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        StandardRetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                // an outage must show as failures, not as requests the client refuses to send
                .circuitBreakerEnabled(false)
                .build();
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(settings.timeout())
                        .socketTimeout(settings.timeout()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // the SDK's default CRC32 headers are refused by several S3-compatible servers
                // (S3Proxy answers 501); the archive sends Content-MD5 and checks ETags instead
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // no SHA-256 of each body over http: the signed Content-MD5 binds it already
                .putAuthScheme(UnsignedPayloadSigner.scheme())
                .overrideConfiguration(c -> c.retryStrategy(retries).executionInterceptors(interceptors));
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        if (settings.region() != null) {
            b.region(Region.of(settings.region()));
        }
        return b.build();
    }
}
