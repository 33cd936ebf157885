package org.blobsfile.archive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;

/** What the s3: archive does when the server goes away, refuses it, or lost its bucket. */
class S3ArchiveFaultTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    /** Few, short attempts: the failures these tests cause should be reported at once. */
    private static final String FAST = "&partSizeMiB=5&threads=2&maxAttempts=2&timeoutSeconds=5";
    private static final String BUCKET = "faults";

    @TempDir
    Path tmp;

    private S3ProxyServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new S3ProxyServer(Files.createDirectories(tmp.resolve("server")));
        server.createBucket(BUCKET);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private Archive open(String bucket) throws IOException {
        return new S3ArchiveProvider().open(server.uri(bucket, "store", FAST), S3ProxyServer.credentials());
    }

    private Path file(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(tmp, "source", ""), bytes);
    }

    private static byte[] readWhole(Archive a, String name) throws IOException {
        try (InputStream in = a.open(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aServerStoppedMidUploadFailsItAndTheNextUploadLeavesOneWholeObject() throws Exception {
        byte[] bytes = new byte[23 << 20];
        SEED.random().nextBytes(bytes);
        Path source = file(bytes);
        AtomicBoolean stopped = new AtomicBoolean();
        try (Archive a = open(BUCKET)) {
            // stops the server once the first parts are in: the others are in flight or unsent
            Archive.Progress stopAfterFirstPart = sent -> {
                if (sent > 0 && sent < bytes.length && stopped.compareAndSet(false, true)) {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };

            assertThatThrownBy(() -> a.upload("packs/big", source, stopAfterFirstPart)).isInstanceOf(IOException.class);
            assertThat(stopped).isTrue();

            server.restart();
            assertThat(a.list("")).isEmpty();
            a.upload("packs/big", source, Archive.Progress.NONE);

            assertThat(a.list("")).containsExactly(new ArchivedObject("packs/big", bytes.length));
            assertThat(readWhole(a, "packs/big")).isEqualTo(bytes);
        }
    }

    @Test
    void wrongCredentialsAreUnavailableAndSaySo() throws IOException {
        URI uri = server.uri(BUCKET, "store", FAST);
        var wrong = StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, "not-the-secret"));
        try (Archive a = new S3ArchiveProvider().open(uri, wrong)) {
            assertThatThrownBy(() -> a.list(""))
                    .isInstanceOf(ArchiveUnavailableException.class)
                    .hasMessageContaining("credentials");
            assertThatThrownBy(() -> a.upload("x", file(new byte[10]), Archive.Progress.NONE))
                    .isInstanceOf(ArchiveUnavailableException.class)
                    .hasMessageContaining("credentials");
        }
    }

    @Test
    void aMissingBucketIsUnavailableAndNamed() throws IOException {
        try (Archive a = open("no-such-bucket")) {
            assertThatThrownBy(() -> a.list(""))
                    .isInstanceOf(ArchiveUnavailableException.class)
                    .hasMessageContaining("bucket no-such-bucket does not exist");
            assertThatThrownBy(() -> a.upload("x", file(new byte[10]), Archive.Progress.NONE))
                    .isInstanceOf(ArchiveUnavailableException.class)
                    .hasMessageContaining("no-such-bucket");
            assertThatThrownBy(() -> a.read("x", 0, 1))
                    .isInstanceOf(ArchiveUnavailableException.class)
                    .hasMessageContaining("no-such-bucket");
        }
    }

    @Test
    void aClosedPortIsUnavailable() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        URI uri = URI.create("s3://" + BUCKET + "/store?endpoint=http://127.0.0.1:" + closed + "&pathStyle=true" + FAST);
        try (Archive a = new S3ArchiveProvider().open(uri, S3ProxyServer.credentials())) {
            assertThatThrownBy(() -> a.list(""))
                    .isInstanceOf(ArchiveUnavailableException.class)
                    .hasMessageContaining("cannot reach http://127.0.0.1:" + closed);
            assertThatThrownBy(() -> a.read("x", 0, 1)).isInstanceOf(ArchiveUnavailableException.class);
        }
    }

    /**
     * The archive does not know the blobs' hashes: bytes damaged in the bucket after a checked
     * upload come back as they are, and the store's hash check is what catches them.
     */
    @Test
    void bytesDamagedInTheBucketAreReadAsTheyAre() throws IOException {
        byte[] bytes = new byte[100_000];
        SEED.random().nextBytes(bytes);
        try (Archive a = open(BUCKET)) {
            a.upload("packs/p1", file(bytes), Archive.Progress.NONE);
            Path stored = server.objectFile(BUCKET, "store/packs/p1");
            byte[] damaged = Files.readAllBytes(stored);
            damaged[50_000] ^= 0x55;
            Files.write(stored, damaged);

            byte[] range = a.read("packs/p1", 49_990, 20);

            assertThat(range).isEqualTo(Arrays.copyOfRange(damaged, 49_990, 50_010));
            assertThat(range).isNotEqualTo(Arrays.copyOfRange(bytes, 49_990, 50_010));
        }
    }

    /** The race the HEAD cannot close: a PUT with If-None-Match over an object that appeared meanwhile. */
    @Test
    void theServerRefusesAConditionalPutOverAnExistingObject() throws IOException {
        try (Archive a = open(BUCKET)) {
            a.upload("once", file(new byte[] {1}), Archive.Progress.NONE);
            S3Archive s3 = (S3Archive) a;

            assertThatThrownBy(() -> s3.client().putObject(b -> b.bucket(BUCKET).key("store/once").ifNoneMatch("*"),
                    RequestBody.fromBytes(new byte[] {2})))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(412));
            assertThat(s3.conditionalWrites()).isTrue();
            assertThat(a.read("once", 0, 1)).containsExactly(1);
        }
    }
}
