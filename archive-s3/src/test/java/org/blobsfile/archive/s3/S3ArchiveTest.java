package org.blobsfile.archive.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.UUID;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveProvider;
import org.blobsfile.tck.ArchiveContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive contract against S3Proxy, with 5 MiB parts (the smallest S3 allows) so multipart uploads stay small. */
class S3ArchiveTest extends ArchiveContract {
    private static final String BUCKET = "contract";

    @TempDir
    static Path serverDir;

    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3ProxyServer(serverDir);
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected Archive emptyArchive() throws IOException {
        // a prefix of its own per test: the bucket is shared, the archive starts empty
        URI uri = server.uri(BUCKET, "store-" + UUID.randomUUID(), "&partSizeMiB=5&threads=3");
        return new S3ArchiveProvider().open(uri, S3ProxyServer.credentials());
    }

    @Override
    protected long partSize() {
        return 5 << 20;
    }

    @Test
    void theProviderIsFoundByItsScheme() {
        assertThat(ServiceLoader.load(ArchiveProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals("s3")).findFirst())
                .hasValueSatisfying(p -> assertThat(p.artifact()).isEqualTo("org.blobsfile:archive-s3"));
    }
}
