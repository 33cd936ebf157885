package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code put} and {@code get} of blobs large enough to be streamed (over 1 MiB). */
class StreamingCliTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    @Test
    void aLargeFileAndTheSameBytesOnStandardInputAreOneBlobThatReadsBack() throws IOException {
        byte[] data = new byte[(3 << 20) + 11];
        SEED.random().nextBytes(data);
        Path f = Files.write(tmp.resolve("big.bin"), data);
        Path store = tmp.resolve("store");
        Cli.Result put = Cli.in(store).stdin(data).run("--codec", "zstd", "put", f.toString(), "-");
        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(put.lines()).hasSize(2);
        String hash = put.lines().get(0).substring(0, 64);
        assertThat(put.lines()).containsExactly(hash + "  " + f, hash + "  -");

        Cli.Result get = Cli.in(store).run("get", hash);
        assertThat(get.code()).as(get.stderr()).isZero();
        assertThat(get.stdout()).isEqualTo(data);
        Path o = tmp.resolve("out.bin");
        Cli.Result toFile = Cli.in(store).run("get", hash, "-o", o.toString());
        assertThat(toFile.code()).as(toFile.stderr()).isZero();
        assertThat(Files.readAllBytes(o)).isEqualTo(data);
        assertThat(store.resolve("incoming")).isEmptyDirectory();
    }

    @Test
    void aDamagedLargeBlobExitsThreeAndNeverBecomesTheOutputFile() throws IOException {
        Random rnd = SEED.random();
        byte[] data = new byte[(2 << 20) + 3];
        rnd.nextBytes(data);
        Path store = tmp.resolve("store");
        String hash = Cli.in(store).run("put", Files.write(tmp.resolve("d"), data).toString()).out().substring(0, 64);
        CliTest.flipByte(store.resolve("blobs-00000"), 64 + 38 + rnd.nextInt(data.length));

        Path o = tmp.resolve("out.bin");
        Cli.Result toFile = Cli.in(store).run("get", hash, "-o", o.toString());
        assertThat(toFile.code()).as(toFile.toString()).isEqualTo(3);
        assertThat(toFile.stderr().strip().lines()).hasSize(1);
        assertThat(o).doesNotExist();
        assertThat(tmp).isDirectoryNotContaining("glob:**.part");

        Cli.Result toStdout = Cli.in(store).run("get", hash);
        assertThat(toStdout.code()).as("the check fails the command").isEqualTo(3);
        assertThat(toStdout.stdout()).as("a blob this size is checked before a byte is written").isEmpty();
        assertThat(toStdout.stderr()).contains(hash);
    }

    /** A full disk or a closed pipe behind standard output is a failure, not a success. */
    @Test
    void getExitsFourWhenStandardOutputFails() throws IOException {
        byte[] data = new byte[3 << 20];
        SEED.random().nextBytes(data);
        Path store = tmp.resolve("store");
        String hash = Cli.in(store).run("put", Files.write(tmp.resolve("d"), data).toString()).out().substring(0, 64);
        java.io.OutputStream full = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = BlobsFileCommand.run(new String[] {"--dir", store.toString(), "get", hash},
                new java.io.ByteArrayInputStream(new byte[0]), full, err, java.util.Map.of());
        assertThat(code).as(err.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(4);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8).strip().lines()).hasSize(1);
    }
}
