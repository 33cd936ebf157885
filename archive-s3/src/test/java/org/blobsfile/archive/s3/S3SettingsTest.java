package org.blobsfile.archive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    @Test
    void aFullUriIsRead() throws IOException {
        S3Settings s = S3Settings.parse(URI.create(
                "s3://packs/site-a/store1/?endpoint=http://minio:9000&region=eu-west-3&pathStyle=true&partSizeMiB=8&threads=2"));

        assertThat(s.bucket()).isEqualTo("packs");
        assertThat(s.key("pack-1")).isEqualTo("site-a/store1/pack-1");
        assertThat(s.endpoint()).isEqualTo(URI.create("http://minio:9000"));
        assertThat(s.region()).isEqualTo("eu-west-3");
        assertThat(s.pathStyle()).isTrue();
        assertThat(s.partSize()).isEqualTo(8 << 20);
        assertThat(s.threads()).isEqualTo(2);
    }

    @Test
    void defaultsApply() throws IOException {
        S3Settings s = S3Settings.parse(URI.create("s3://packs?endpoint=http://localhost:9000"));

        assertThat(s.key("a/b")).isEqualTo("a/b");
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.pathStyle()).isFalse();
        assertThat(s.partSize()).isEqualTo(16 << 20);
        assertThat(s.maxAttempts()).isEqualTo(8);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(S3Settings.parse(URI.create("s3://packs/x")).region()).isNull();
    }

    @Test
    void badUrisAreRefusedInOneSentence() {
        assertThatThrownBy(() -> S3Settings.parse(URI.create("s3://key:secret@packs/x")))
                .hasMessageContaining("credentials do not belong in the URI");
        assertThatThrownBy(() -> S3Settings.parse(URI.create("s3:///x"))).hasMessageContaining("no bucket");
        assertThatThrownBy(() -> S3Settings.parse(URI.create("s3://b/x?endpoint=http://h&color=red")))
                .hasMessageContaining("unknown parameter 'color'");
        assertThatThrownBy(() -> S3Settings.parse(URI.create("s3://b/x?threads=0"))).hasMessageContaining("threads=0");
    }

    @Test
    void theMultipartETagIsTheMd5OfThePartMd5s() {
        // the ETag S3 gives a two-part upload of "a" then "b": MD5(MD5("a") || MD5("b")) + "-2"
        byte[] a = Md5.of(new byte[] {'a'}, 1);
        byte[] b = Md5.of(new byte[] {'b'}, 1);
        byte[] both = new byte[32];
        System.arraycopy(a, 0, both, 0, 16);
        System.arraycopy(b, 0, both, 16, 16);

        assertThat(Md5.multipartETag(java.util.List.of(a, b))).isEqualTo(Md5.singleETag(Md5.of(both, 32)) + "-2");
        assertThat(Md5.singleETag(a)).isEqualTo("0cc175b9c0f1b6a831c399e269772661");
        assertThat(Md5.unquote("\"ABC-2\"")).isEqualTo("abc-2");
    }
}
