package org.blobsfile.cli.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mutation fuzzer: damages copies of small pristine stores (every codec, both indexes,
 * several sealed packs and an active one) in every way a disk or a person can, runs open, verify,
 * repair or reindex on each, through the API or the command line, and checks the store's rules:
 * no wrong bytes, no blob readable before an operation and unreadable after, intact entries
 * found, what is lost named, at most two damaged shards repaired exactly, exit codes per the
 * contract, no hang, no runaway allocation.
 *
 * <p>It prints a table per damage kind on every run and fails at the end when any case broke an
 * invariant, listing the first counterexamples with the command that replays each. Properties:
 * {@code blobsfile.seed} (the run's seed), {@code blobsfile.cases} (scales the 1,000 cases),
 * {@code blobsfile.fuzz.case} (run only these case numbers, comma-separated),
 * {@code blobsfile.fuzz.kind} (only this damage kind), {@code blobsfile.fuzz.keep} (keep the stores),
 * {@code blobsfile.fuzz.report=only}
 * (print, never fail), {@code blobsfile.fuzz.threads}.
 */
class MutationFuzzTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    static final int CASES = 1_000;
    /** Far above a case's usual tenth of a second; a loaded CI machine must not turn slowness into hangs. */
    static final long CASE_TIMEOUT_MS = 60_000;

    /** -Dblobsfile.fuzz.keep=true: keep each case's store and its work directory. */
    static final boolean KEEP = Boolean.getBoolean("blobsfile.fuzz.keep");

    @TempDir
    Path tmp;

    private final ConcurrentHashMap<StoreShape, StoreTemplate> templates = new ConcurrentHashMap<>();

    /** Where the stores go: a memory file system when there is one, since every open and repair forces files. */
    private Path root;

    @Test
    void damagedStoresKeepTheStoreRules() throws Exception {
        root = workDirectory();
        try {
            fuzz();
        } finally {
            if (!root.startsWith(tmp) && !KEEP) {
                delete(root);
            }
        }
    }

    private Path workDirectory() throws IOException {
        String dir = System.getProperty("blobsfile.fuzz.dir", "");
        Path shm = Path.of("/dev/shm");
        if (!dir.isBlank()) {
            return Files.createTempDirectory(Files.createDirectories(Path.of(dir)), "mutation-fuzz-");
        }
        if (KEEP) {
            return Files.createTempDirectory("mutation-fuzz-");
        }
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "mutation-fuzz-");
        }
        return tmp;
    }

    private void fuzz() throws Exception {
        long runSeed = SEED.seed();
        List<Integer> numbers = caseNumbers();
        List<StoreShape> shapes = StoreShape.all();
        FuzzTally tally = new FuzzTally(runSeed);
        String kind = System.getProperty("blobsfile.fuzz.kind", "");
        System.out.println("mutation fuzz: seed " + runSeed + ", " + numbers.size() + " cases in " + root
                + "; replay the run with -Dblobsfile.seed=" + runSeed);
        long start = System.nanoTime();
        int onCompacted = 0;
        int threads = Integer.getInteger("blobsfile.fuzz.threads", 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fuzz-driver");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int n : numbers) {
                FuzzCase c = FuzzCase.of(runSeed, n, shapes);
                if (kind.isEmpty() || c.kind().label().equals(kind)) {
                    onCompacted += c.shape().compacted() ? 1 : 0;
                    running.add(pool.submit(() -> {
                        tally.add(runCase(c, runSeed));
                        return null;
                    }));
                }
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            // a case thread still at work would keep files open while the temporary directory goes
            pool.awaitTermination(CASE_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
        }
        System.out.printf("mutation fuzz: %d cases in %.1f s (%d on compacted stores), %d broke an invariant%n",
                tally.cases(), (System.nanoTime() - start) / 1e9, onCompacted, tally.failingCases());
        System.out.printf("largest allocation of one session (open, reads, operation) in its thread: %d MiB%n",
                Oracle.LARGEST_SESSION.get() >> 20);
        java.io.ByteArrayOutputStream summary = new java.io.ByteArrayOutputStream();
        tally.print(new java.io.PrintStream(summary, true, java.nio.charset.StandardCharsets.UTF_8));
        System.out.print(summary.toString(java.nio.charset.StandardCharsets.UTF_8));
        System.out.flush();
        Path record = Path.of(System.getProperty("blobsfile.fuzz.out", "target/mutation-fuzz.txt"));
        if (record.toAbsolutePath().getParent() != null && Files.isDirectory(record.toAbsolutePath().getParent())) {
            try (java.io.PrintStream out = new java.io.PrintStream(Files.newOutputStream(record), false,
                    java.nio.charset.StandardCharsets.UTF_8)) {
                out.println("mutation fuzz: seed " + runSeed + ", " + tally.cases() + " cases");
                tally.print(out);
                out.println();
                out.println("Every failing case:");
                tally.printFailures(out);
            }
            System.out.println("mutation fuzz: every failing case is listed in " + record.toAbsolutePath());
        }
        assertThat(tally.cases()).as("cases run").isPositive();
        if (!"only".equals(System.getProperty("blobsfile.fuzz.report"))) {
            assertThat(tally.failingCases())
                    .as("cases that broke an invariant, seed %d (-Dblobsfile.fuzz.report=only reports without"
                            + " failing)%n%s", runSeed, summary.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .isZero();
        }
    }

    private static List<Integer> caseNumbers() {
        String only = System.getProperty("blobsfile.fuzz.case", "");
        if (!only.isBlank()) {
            return Stream.of(only.split(",")).map(String::trim).map(Integer::valueOf).toList();
        }
        return IntStream.range(0, Cases.scaled(CASES)).boxed().toList();
    }

    private StoreTemplate template(StoreShape shape, long runSeed) {
        return templates.computeIfAbsent(shape, s -> StoreTemplate.build(s,
                root.resolve("templates").resolve(s.codec() + "-" + s.index() + (s.compacted() ? "-compacted" : "")), runSeed ^ s.hashCode()));
    }

    /** Copies, damages and judges one store; the judging runs in its own thread so a hang is caught. */
    private FuzzTally.Outcome runCase(FuzzCase c, long runSeed) throws IOException, InterruptedException {
        StoreTemplate template = template(c.shape(), runSeed);
        Path caseDir = root.resolve("case-" + c.number());
        Path dir = caseDir.resolve("store");
        template.copyTo(dir, c.withIndex());
        Random rnd = c.damageRandom();
        String pack = c.sealed() ? template.sealed.get(rnd.nextInt(template.sealed.size())) : template.active;
        String damage = c.kind().apply(new DamageKind.Target(dir, template, pack, rnd));
        PhysicalState before = PhysicalState.read(dir, template);
        Oracle oracle = new Oracle(c, template, dir, before);
        List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
        Thread worker = new Thread(() -> {
            try {
                oracle.run();
            } catch (OutOfMemoryError e) {
                findings.add(new Finding(Column.ALLOCATION, "the case ran out of memory: " + Oracle.oneLine(e)));
            } catch (Throwable e) {
                findings.add(new Finding(Column.CRASH, "the case threw " + Oracle.oneLine(e)));
            }
        }, "fuzz-case-" + c.number());
        worker.setDaemon(true);
        worker.start();
        worker.join(CASE_TIMEOUT_MS);
        if (worker.isAlive()) {
            findings.add(new Finding(Column.HANG, "no result after " + CASE_TIMEOUT_MS / 1000 + " s; the store is left in "
                    + dir));
            worker.interrupt();
            Fifos.release(dir);
            worker.join(5_000);
            List<Finding> all = new ArrayList<>(findings);
            all.addAll(0, oracle.findings());
            return new FuzzTally.Outcome(c, damage, all);
        }
        List<Finding> all = new ArrayList<>(oracle.findings());
        all.addAll(findings);
        if (KEEP) {
            // a replayed case leaves its store behind, damaged and operated on, to look at with the command line
            System.out.println("mutation fuzz: " + c + " left in " + dir);
        } else {
            delete(caseDir);
        }
        return new FuzzTally.Outcome(c, damage, all);
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + dir, e);
        }
    }
}
