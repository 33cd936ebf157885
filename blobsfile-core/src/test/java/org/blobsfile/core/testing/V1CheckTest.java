package org.blobsfile.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.blobsfile.core.testing.StoreTestSupport.random;
import static org.blobsfile.core.testing.StoreTestSupport.text;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The independent v1 checker accepts the packs this store writes, when the checker is present. */
public class V1CheckTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    public static Path v1check() {
        String p = System.getProperty("blobsfile.v1check");
        Assumptions.assumeTrue(p != null && Files.isExecutable(Path.of(p)), "v1check not present on this machine");
        return Path.of(p);
    }

    /** Runs v1check on {@code dir}; returns its exit code and output. */
    public static String[] run(Path dir, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(v1check().toString());
        cmd.addAll(java.util.List.of(args));
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "snappy"})
    public void v1checkPassesOnOurPacks(String codec) throws Exception {
        Path v1 = v1check();
        Random rnd = new Random(SEED.seed(11));
        try (BlobStore store = BlobStore.builder(tmp).maxPackSize(100_003).codec(codec).open()) {
            store.put(new byte[0]);
            for (int i = 0; i < 150; i++) {
                store.put(i % 3 == 0 ? random(rnd, rnd.nextInt(9000)) : text(rnd, rnd.nextInt(9000)));
            }
            assertThat(store.stats().packs()).isGreaterThan(3);
        }
        String[] r = run(tmp, "--strict", "--max-pack-size", "100003");
        assertThat(r[0]).as(v1 + " output:\n" + r[1]).isEqualTo("0");
        assertThat(r[1]).contains("OK");
    }
}
