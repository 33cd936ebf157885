package org.blobsfile.archive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Over http the archive's bodies go unsigned (no SHA-256 of each), and the server still takes
 * them; a body that does not match its signed Content-MD5 is still refused.
 */
class UnsignedPayloadTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final String BUCKET = "unsigned";

    @TempDir
    Path tmp;

    private S3ProxyServer server;
    private final List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = new S3ProxyServer(Files.createDirectories(tmp.resolve("server")));
        server.createBucket(BUCKET);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private S3Archive open() throws Exception {
        S3Settings settings = S3Settings.parse(server.uri(BUCKET, "store", "&partSizeMiB=5&threads=2"));
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                sent.add(context.httpRequest());
            }
        };
        return new S3Archive(settings, S3Clients.build(settings, S3ProxyServer.credentials(), List.of(recorder)));
    }

    @Test
    void wholeAndMultipartUploadsGoUnsignedWithTheirContentMd5AndAreStored() throws Exception {
        byte[] small = new byte[100_000];
        byte[] large = new byte[(6 << 20) + 12_345];
        SEED.random().nextBytes(small);
        SEED.random().nextBytes(large);
        try (S3Archive a = open()) {
            a.upload("small", Files.write(tmp.resolve("small"), small), Archive.Progress.NONE);
            a.upload("large", Files.write(tmp.resolve("large"), large), Archive.Progress.NONE);

            List<SdkHttpRequest> bodies = sent.stream().filter(r -> r.method() == SdkHttpMethod.PUT).toList();
            // one PutObject, two UploadParts
            assertThat(bodies).hasSize(3);
            assertThat(bodies).allSatisfy(r -> {
                assertThat(r.firstMatchingHeader("x-amz-content-sha256")).hasValue("UNSIGNED-PAYLOAD");
                assertThat(r.firstMatchingHeader("Content-MD5")).isPresent();
                assertThat(r.firstMatchingHeader("Authorization")).hasValueSatisfying(
                        v -> assertThat(v).contains("content-md5"));
                assertThat(r.protocol()).isEqualTo("http");
            });
            assertThat(readWhole(a, "small")).isEqualTo(small);
            assertThat(readWhole(a, "large")).isEqualTo(large);
        }
    }

    @Test
    void aBodyThatDoesNotMatchItsContentMd5IsRefused() throws Exception {
        try (S3Archive a = open()) {
            byte[] md5OfOther = Md5.of(new byte[] {1, 2, 3}, 3);
            assertThatThrownBy(() -> a.client().putObject(b -> b.bucket(BUCKET).key("store/x")
                            .contentMD5(Md5.contentMd5(md5OfOther)), RequestBody.fromBytes(new byte[] {1, 2, 4})))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThat(sent).anySatisfy(r -> assertThat(r.firstMatchingHeader("x-amz-content-sha256"))
                    .hasValue("UNSIGNED-PAYLOAD"));
            assertThat(a.list("")).isEmpty();
        }
    }

    private static byte[] readWhole(Archive a, String name) throws Exception {
        try (InputStream in = a.open(name)) {
            return in.readAllBytes();
        }
    }
}
