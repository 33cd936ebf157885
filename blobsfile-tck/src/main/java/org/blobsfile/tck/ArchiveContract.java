package org.blobsfile.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchivedObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link Archive} must meet, as its javadoc states it. A plugin author tests an
 * archive by extending this class in the plugin's own test sources and opening a fresh, empty
 * archive for each test:
 *
 * <pre>{@code
 * class MyArchiveTest extends ArchiveContract {
 *     @Override
 *     protected Archive emptyArchive() throws IOException {
 *         return new MyArchiveProvider().open(URI.create("my://bucket/" + UUID.randomUUID()));
 *     }
 *
 *     // an archive that uploads large files in parts says how large a part is,
 *     // so the ranged reads cross part boundaries
 *     @Override
 *     protected long partSize() {
 *         return 1 << 20;
 *     }
 * }
 * }</pre>
 *
 * <p>The archive a test opens is closed after it. Source files are written to a temporary
 * directory ({@link #temporaryDirectory()}) the archive must not depend on after an upload
 * returns. Every test builds its contents from a random seed; a failed test prints it, and
 * running again with {@code -Dblobsfile.seed=<seed>} replays the same bytes.
 */
public abstract class ArchiveContract {
    private static final int MIB = 1 << 20;

    /** Gives each test its seed and prints it when the test fails. */
    @RegisterExtension
    final RandomSeed seed = new RandomSeed();

    /** Source files of the uploads. */
    @TempDir
    Path tempDir;

    private Archive archive;
    private Random random;
    private final AtomicInteger files = new AtomicInteger();

    /** Lets subclasses be constructed by JUnit. */
    protected ArchiveContract() {
    }

    /**
     * Opens a new archive that holds no object. Called once per test.
     *
     * @return the archive under test
     * @throws IOException when it cannot be opened
     */
    protected abstract Archive emptyArchive() throws IOException;

    /**
     * The size of the parts this archive uploads large files in, or 0 when it sends every file
     * whole. With parts, the ranged-read tests upload files of several parts and read across
     * their boundaries.
     *
     * @return the part size in bytes, or 0
     */
    protected long partSize() {
        return 0;
    }

    /** @return the size of the large-file test's file: a few MiB, and at least three parts */
    protected long largeFileSize() {
        return Math.max(3L * MIB + 12_345, 3 * partSize() + 777);
    }

    /**
     * @return this test's random source, seeded with its reproducible seed: one source per test,
     *         so successive files differ
     */
    protected final Random random() {
        if (random == null) {
            random = seed.random();
        }
        return random;
    }

    /** @return this test's temporary directory, deleted after it; holds the uploads' sources */
    protected final Path temporaryDirectory() {
        return tempDir;
    }

    /**
     * @return the archive of this test, opened on first use and closed after the test
     * @throws IOException when it cannot be opened
     */
    protected final Archive archive() throws IOException {
        if (archive == null) {
            archive = emptyArchive();
        }
        return archive;
    }

    /** Closes the test's archive. */
    @AfterEach
    final void closeArchive() throws IOException {
        if (archive != null) {
            archive.close();
        }
    }

    /**
     * Writes bytes to a new source file.
     *
     * @param bytes the file's content
     * @return the file
     * @throws IOException when it cannot be written
     */
    protected final Path file(byte[] bytes) throws IOException {
        return Files.write(tempDir.resolve("source-" + files.incrementAndGet()), bytes);
    }

    /**
     * @param length how many bytes
     * @return random bytes from the test's seed
     */
    protected final byte[] randomBytes(int length) {
        byte[] b = new byte[length];
        random().nextBytes(b);
        return b;
    }

    /**
     * Uploads bytes under a name, with no progress reports.
     *
     * @param name  the object's name
     * @param bytes its content
     * @throws IOException when the upload fails
     */
    protected final void upload(String name, byte[] bytes) throws IOException {
        archive().upload(name, file(bytes), Archive.Progress.NONE);
    }

    private byte[] readWhole(String name) throws IOException {
        try (InputStream in = archive().open(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void anUploadedObjectIsListedWithItsSize() throws IOException {
        upload("packs/pack-00001.blobs", randomBytes(10_000));

        assertThat(archive().list("")).containsExactly(new ArchivedObject("packs/pack-00001.blobs", 10_000));
    }

    @Test
    void aNewArchiveListsNothing() throws IOException {
        assertThat(archive().list("")).isEmpty();
    }

    @Test
    void anExistingObjectIsNeverReplaced() throws IOException {
        byte[] first = randomBytes(5_000);
        upload("pack", first);

        Path second = file(randomBytes(7_000));
        assertThatThrownBy(() -> archive().upload("pack", second, Archive.Progress.NONE))
                .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(readWhole("pack")).isEqualTo(first);
        assertThat(archive().list("")).containsExactly(new ArchivedObject("pack", first.length));
    }

    @Test
    void aRangedReadReturnsExactlyThoseBytes() throws IOException {
        long size = partSize() > 0 ? 2 * partSize() + 4_321 : 200_000;
        byte[] bytes = randomBytes(Math.toIntExact(size));
        upload("ranged", bytes);

        assertRange("ranged", bytes, 0, 1);
        assertRange("ranged", bytes, bytes.length - 1, 1);
        assertRange("ranged", bytes, 0, bytes.length);
        assertRange("ranged", bytes, 17, 0);
        if (partSize() > 0) {
            int part = Math.toIntExact(partSize());
            for (int boundary : new int[] {part, 2 * part}) {
                assertRange("ranged", bytes, boundary - 1, 2);
                assertRange("ranged", bytes, boundary - 100, 4_096);
                assertRange("ranged", bytes, boundary, 1);
            }
            assertRange("ranged", bytes, part - 10, part + 20);
        }
        Random random = random();
        for (int i = 0; i < 20; i++) {
            int offset = random.nextInt(bytes.length);
            int length = random.nextInt(Math.min(bytes.length - offset, 64 * 1024) + 1);
            assertRange("ranged", bytes, offset, length);
        }
    }

    private void assertRange(String name, byte[] bytes, int offset, int length) throws IOException {
        assertThat(archive().read(name, offset, length))
                .as("%d bytes at %d", length, offset)
                .isEqualTo(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    @Test
    void aRangeBeyondTheEndIsAnEOFException() throws IOException {
        upload("short", randomBytes(1_000));

        assertThatThrownBy(() -> archive().read("short", 999, 2)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> archive().read("short", 1_000, 1)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> archive().read("short", 5_000, 10)).isInstanceOf(EOFException.class);
    }

    @Test
    void aMissingObjectIsANoSuchFileException() throws IOException {
        upload("present", randomBytes(100));

        assertThatThrownBy(() -> archive().read("absent", 0, 1)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> archive().open("absent").close()).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> archive().read("present/absent", 0, 1)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void openStreamsTheWholeObject() throws IOException {
        byte[] bytes = randomBytes(300_000);
        upload("whole", bytes);

        assertThat(readWhole("whole")).isEqualTo(bytes);
    }

    @Test
    void listFiltersByPrefixInNameOrder() throws IOException {
        for (String name : List.of("b/2", "a/10", "ab", "a/2", "c", "a/1", "b/1")) {
            upload(name, randomBytes(name.length()));
        }

        assertThat(names(archive().list(""))).containsExactly("a/1", "a/10", "a/2", "ab", "b/1", "b/2", "c");
        assertThat(names(archive().list("a/"))).containsExactly("a/1", "a/10", "a/2");
        assertThat(names(archive().list("a"))).containsExactly("a/1", "a/10", "a/2", "ab");
        assertThat(names(archive().list("a/1"))).containsExactly("a/1", "a/10");
        assertThat(names(archive().list("b/"))).containsExactly("b/1", "b/2");
        assertThat(archive().list("d")).isEmpty();
        assertThat(archive().list("")).allMatch(o -> o.size() == o.name().length());
    }

    private static List<String> names(List<ArchivedObject> objects) {
        return objects.stream().map(ArchivedObject::name).toList();
    }

    @Test
    void namesWithSlashesWork() throws IOException {
        byte[] bytes = randomBytes(4_000);
        String name = "store-1/packs/000/pack-00042.blobs";
        upload(name, bytes);
        upload("store-1/manifests/pack-00042.manifest", randomBytes(10));

        assertThat(readWhole(name)).isEqualTo(bytes);
        assertThat(archive().read(name, 1_000, 100)).isEqualTo(Arrays.copyOfRange(bytes, 1_000, 1_100));
        assertThat(names(archive().list("store-1/packs/")))
                .containsExactly(name);
    }

    @Test
    void anEmptyFileIsAnEmptyObject() throws IOException {
        upload("empty", new byte[0]);

        assertThat(archive().list("")).containsExactly(new ArchivedObject("empty", 0));
        assertThat(readWhole("empty")).isEmpty();
        assertThat(archive().read("empty", 0, 0)).isEmpty();
        assertThatThrownBy(() -> archive().read("empty", 0, 1)).isInstanceOf(EOFException.class);
    }

    @Test
    void aLargeFileRoundTrips() throws IOException {
        byte[] bytes = randomBytes(Math.toIntExact(largeFileSize()));
        upload("large", bytes);

        assertThat(archive().list("")).containsExactly(new ArchivedObject("large", bytes.length));
        assertThat(readWhole("large")).isEqualTo(bytes);
        Random random = random();
        for (int i = 0; i < 10; i++) {
            int offset = random.nextInt(bytes.length);
            int length = random.nextInt(Math.min(bytes.length - offset, 256 * 1024) + 1);
            assertRange("large", bytes, offset, length);
        }
    }

    @Test
    void progressReachesTheFileSize() throws IOException {
        byte[] bytes = randomBytes(Math.toIntExact(largeFileSize()));
        Path source = file(bytes);
        List<Long> reports = new CopyOnWriteArrayList<>();

        archive().upload("reported", source, reports::add);

        assertThat(reports).isNotEmpty();
        assertThat(reports).allMatch(b -> b >= 0 && b <= bytes.length);
        assertThat(reports.get(reports.size() - 1)).isEqualTo(bytes.length);
    }

    @Test
    void concurrentUploadsOfDifferentNamesAllLand() throws Exception {
        int threads = 4;
        int perThread = 3;
        List<byte[]> contents = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            byte[] b = randomBytes(20_000 + i * 1_000);
            contents.add(b);
            sources.add(file(b));
        }
        Archive shared = archive();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = first; i < first + perThread; i++) {
                        shared.upload(String.format("c/%02d", i), sources.get(i), Archive.Progress.NONE);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        List<ArchivedObject> listed = shared.list("c/");
        assertThat(listed).hasSize(threads * perThread);
        for (int i = 0; i < contents.size(); i++) {
            assertThat(listed.get(i)).isEqualTo(new ArchivedObject(String.format("c/%02d", i), contents.get(i).length));
            assertThat(readWhole(String.format("c/%02d", i))).isEqualTo(contents.get(i));
        }
    }
}
