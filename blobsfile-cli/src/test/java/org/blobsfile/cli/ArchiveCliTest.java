package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobStore;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --archive}, {@code archive}, {@code restore} and what {@code stat} says of them, run as a script would run them. */
class ArchiveCliTest {
    /** The seed of the random blobs: -Dblobsfile.seed=N replaces it, and a failure prints it. */
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    static final long PACK = 65_536;

    @TempDir
    Path tmp;

    /** Blobs by hash, in the order they were put. */
    final Map<String, byte[]> blobs = new LinkedHashMap<>();

    Path store() {
        return tmp.resolve("store");
    }

    /** @return the archive directory, created, as a mounted disk would be */
    Path archiveDir() throws IOException {
        return Files.createDirectories(tmp.resolve("archive"));
    }

    /** @return {@code file:/...} for a directory */
    static String uri(Path dir) {
        return "file:" + dir.toAbsolutePath();
    }

    /** Puts 16 random blobs of about 9,000 bytes, no archive: blobs-00000 and -00001 are sealed, -00002 is active. */
    void fill() {
        Random rnd = new Random(SEED.seed(17));
        try (BlobStore s = BlobStore.builder(store()).maxPackSize(PACK).open()) {
            for (int i = 0; i < 16; i++) {
                byte[] b = new byte[9_000 + rnd.nextInt(500)];
                rnd.nextBytes(b);
                s.put(b);
                blobs.put(CliTest.hex(CliTest.blake2b256(b)), b);
            }
        }
        assertThat(store().resolve("blobs-00002")).as("two packs filled").exists();
    }

    /** @return the {@code ls} lines of a store */
    static List<String> ls(Path dir) {
        Cli.Result r = Cli.in(dir).run("ls");
        assertThat(r.code()).as(r.toString()).isZero();
        return r.lines();
    }

    /** @return the archive's objects, by name relative to its directory */
    static List<String> objects(Path archive) throws IOException {
        try (Stream<Path> s = Files.walk(archive)) {
            return s.filter(Files::isRegularFile).map(p -> archive.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void archiveThenRestoreIntoANewDirectoryGivesTheSameBlobsOfTheSealedPacks() throws IOException {
        fill();
        Path archive = archiveDir();
        Cli.Result first = Cli.in(store()).run("--archive", uri(archive), "archive");
        assertThat(first.code()).as(first.toString()).isZero();
        // the store also uploads in the background from open on: the two counts share the packs
        assertThat(first.lines()).hasSize(1);
        assertThat(first.out()).matches("archive: 2 packs archived in " + uri(archive)
                + ": (0 uploaded now|[12] uploaded now \\(.+, \\d+ bytes\\)), [012] there already\n");
        assertThat(objects(archive)).filteredOn(n -> n.startsWith("packs/")).hasSize(2)
                .allMatch(n -> n.matches("packs/blobs-0000[01]\\.[0-9a-f]{16}"));
        assertThat(objects(archive)).filteredOn(n -> n.startsWith("manifests/")).hasSize(2)
                .allMatch(n -> n.matches("manifests/blobs-0000[01]\\.[0-9a-f]{16}\\.manifest"));
        for (int n = 0; n < 2; n++) {
            String pack = String.format("blobs-%05d", n);
            Path object = archive.resolve("packs").resolve(objects(archive).stream()
                    .filter(o -> o.startsWith("packs/" + pack)).findFirst().orElseThrow().substring(6));
            assertThat(Files.readAllBytes(object)).as("%s archived byte-identical", pack)
                    .isEqualTo(Files.readAllBytes(store().resolve(pack)));
        }

        Path restored = tmp.resolve("restored");
        Cli.Result restore = Cli.in(restored).run("restore", "--from", uri(archive));
        assertThat(restore.code()).as(restore.toString()).isZero();
        List<String> sealedLines = ls(store()).stream().filter(l -> !l.endsWith(" 2")).toList();
        assertThat(restore.out()).isEqualTo("restore: 2 packs and " + sealedLines.size() + " blobs ("
                + Sizes.human(sealedLines.stream().mapToLong(l -> Long.parseLong(l.split(" ")[1])).sum())
                + ") restored from " + uri(archive) + "\n");
        assertThat(ls(restored)).isEqualTo(sealedLines);
        for (String line : ls(store())) {
            String hash = line.split(" ")[0];
            Cli.Result get = Cli.in(restored).run("get", hash);
            if (line.endsWith(" 2")) {
                // the active pack was not sealed, so it is not in the archive
                assertThat(get.code()).as("get of %s, in the unsealed pack: %s", hash, get).isEqualTo(2);
            } else {
                assertThat(get.code()).as(get.toString()).isZero();
                assertThat(get.stdout()).isEqualTo(blobs.get(hash));
            }
        }
        assertThat(Cli.in(restored).run("verify").code()).isZero();
    }

    @Test
    void archivingTwiceUploadsNothingTheSecondTime() throws IOException {
        fill();
        Path archive = archiveDir();
        assertThat(Cli.in(store()).run("--archive", uri(archive), "archive").code()).isZero();
        List<String> before = objects(archive);
        Cli.Result again = Cli.in(store()).run("--archive", uri(archive), "archive", "--json");
        assertThat(again.code()).as(again.toString()).isZero();
        Map<String, Object> r = MiniJson.object(again.out());
        assertThat(r).containsOnlyKeys("directory", "archive", "uploaded", "bytes_uploaded", "already_archived",
                "archived_packs", "upload_backlog", "problems");
        assertThat(r).containsEntry("directory", store().toAbsolutePath().toString())
                .containsEntry("archive", uri(archive)).containsEntry("uploaded", 0L).containsEntry("bytes_uploaded", 0L)
                .containsEntry("already_archived", 2L).containsEntry("archived_packs", 2L)
                .containsEntry("upload_backlog", 0L).containsEntry("problems", List.of());
        assertThat(objects(archive)).isEqualTo(before);
    }

    @Test
    void archiveWithoutAnArchiveIsAUsageError() {
        fill();
        Cli.Result r = Cli.in(store()).run("archive");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("blobsfile archive: archive needs --archive URI").doesNotContain("\tat ");
        assertThat(r.stderr().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void anArchiveThatIsNoURIOrHasNoKnownSchemeIsAUsageError() {
        fill();
        Cli.Result noUri = Cli.in(store()).run("--archive", "a b", "archive");
        assertThat(noUri.code()).as(noUri.toString()).isEqualTo(1);
        assertThat(noUri.stderr()).contains("--archive 'a b' is not a URI");
        Cli.Result noScheme = Cli.in(store()).run("--archive", "/mnt/nas", "archive");
        assertThat(noScheme.code()).as(noScheme.toString()).isEqualTo(1);
        assertThat(noScheme.stderr()).contains("has no scheme: give file:/mnt/nas");
        Cli.Result unknown = Cli.in(store()).run("--archive", "nosuch://bucket/x", "archive");
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("nosuch").doesNotContain("\tat ");
    }

    @Test
    void anUnavailableArchiveIsOneSentenceAndExit4WhilePutsAndGetsGoOn() throws IOException {
        fill();
        Path missing = tmp.resolve("not-mounted");
        Cli.Result r = Cli.in(store()).run("--archive", uri(missing), "archive");
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("blobsfile archive: ", missing.toString(), "does not exist")
                .doesNotContain("\tat ");

        // puts and local gets do not wait for the archive
        Path file = tmp.resolve("new.bin");
        byte[] bytes = new byte[12_345];
        new Random(SEED.seed(2)).nextBytes(bytes);
        Files.write(file, bytes);
        Cli.Result put = Cli.in(store()).run("--archive", uri(missing), "put", file.toString());
        assertThat(put.code()).as(put.toString()).isZero();
        String hash = CliTest.hex(CliTest.blake2b256(bytes));
        assertThat(put.out()).isEqualTo(hash + "  " + file + "\n");
        Cli.Result get = Cli.in(store()).run("--archive", uri(missing), "get", hash);
        assertThat(get.code()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(bytes);

        // stat says what waits: both sealed packs
        Cli.Result stat = Cli.in(store()).run("--archive", uri(missing), "stat", "--json");
        assertThat(stat.code()).as(stat.toString()).isZero();
        assertThat(MiniJson.object(stat.out())).containsEntry("archive", uri(missing))
                .containsEntry("archived_packs", 0L).containsEntry("upload_backlog", 2L);
        assertThat(missing).doesNotExist();
    }

    @Test
    void anUnreachableS3EndpointIsOneSentenceAndExit4WhilePutsGoOn() throws IOException {
        fill();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // closed again: nothing answers there; one attempt, so the test does not wait for retries
        String s3 = "s3://bucket/store?endpoint=http://127.0.0.1:" + port + "&pathStyle=true&maxAttempts=1";
        Cli.Result r = Cli.in(store()).run("--archive", s3, "archive");
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(r.stdout()).isEmpty();
        // without credentials in the environment the SDK stops before connecting; either is one sentence
        assertThat(r.stderr()).startsWith("blobsfile archive: archive " + s3).doesNotContain("\tat ");
        assertThat(r.stderr().strip().lines().count()).isEqualTo(1);

        Path file = tmp.resolve("new.bin");
        Files.writeString(file, "abc");
        Cli.Result put = Cli.in(store()).run("--archive", s3, "put", file.toString());
        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(put.out()).isEqualTo(CliTest.ABC + "  " + file + "\n");
    }

    @Test
    void aPackTheArchiveHoldsWithOtherBytesIsLeftUnarchivedWithExit3() throws IOException {
        fill();
        Path twin = tmp.resolve("twin");
        copyTree(store(), twin);
        Path archive = archiveDir();
        assertThat(Cli.in(store()).run("--archive", uri(archive), "archive").code()).isZero();
        // damage the archived copy of blobs-00000: the twin, which never archived, finds it there
        Path object = archive.resolve(objects(archive).stream().filter(o -> o.startsWith("packs/blobs-00000."))
                .findFirst().orElseThrow());
        try (FileChannel ch = FileChannel.open(object, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), 1_000);
        }
        Cli.Result r = Cli.in(twin).run("--archive", uri(archive), "archive");
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        assertThat(r.lines()).hasSize(2);
        assertThat(r.lines().get(0)).startsWith("not archived  blobs-00000: ").contains("other bytes");
        assertThat(r.lines().get(1)).contains("1 pack not archived (see above)");
        Cli.Result json = Cli.in(twin).run("--archive", uri(archive), "archive", "--json");
        assertThat(json.code()).as(json.toString()).isEqualTo(3);
        @SuppressWarnings("unchecked")
        List<Object> problems = (List<Object>) MiniJson.object(json.out()).get("problems");
        assertThat(problems).singleElement().asString().startsWith("blobs-00000: ");
    }

    @Test
    void restoreRefusesADirectoryThatHoldsAStoreOrAnythingElse() throws IOException {
        fill();
        Path archive = archiveDir();
        assertThat(Cli.in(store()).run("--archive", uri(archive), "archive").code()).isZero();
        List<String> before = ls(store());
        Cli.Result r = Cli.in(store()).run("restore", "--from", uri(archive));
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("blobsfile restore: " + store() + " holds a store already, left as it is:"
                + " restore fills only an empty or missing directory, give another --dir\n");
        assertThat(ls(store())).isEqualTo(before);

        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        Cli.Result notEmpty = Cli.in(other).run("restore", "--from", uri(archive));
        assertThat(notEmpty.code()).as(notEmpty.toString()).isEqualTo(4);
        assertThat(notEmpty.stderr()).contains(other + " is not empty");
        assertThat(objects(other)).containsExactly("notes.txt");

        // an empty directory is filled
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli.Result ok = Cli.in(empty).run("restore", "--from", uri(archive), "--json");
        assertThat(ok.code()).as(ok.toString()).isZero();
        Map<String, Object> j = MiniJson.object(ok.out());
        assertThat(j).containsOnlyKeys("directory", "archive", "packs", "blobs", "bytes", "deleted_blobs", "evicted_packs");
        long sealedBlobs = before.stream().filter(l -> !l.endsWith(" 2")).count();
        assertThat(j).containsEntry("directory", empty.toAbsolutePath().toString()).containsEntry("archive", uri(archive))
                .containsEntry("packs", 2L).containsEntry("blobs", sealedBlobs).containsEntry("deleted_blobs", 0L);
    }

    @Test
    void aRestoreFromAnUnavailableArchiveIsExit4AndLeavesNoDirectoryBehind() {
        Path missing = tmp.resolve("not-mounted");
        Cli.Result r = Cli.in(store()).run("restore", "--from", uri(missing));
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).startsWith("blobsfile restore: ").contains("does not exist").doesNotContain("\tat ");
        assertThat(r.stderr().strip().lines().count()).isEqualTo(1);
        assertThat(store()).doesNotExist();
        Cli.Result noFrom = Cli.in(store()).run("restore");
        assertThat(noFrom.code()).as(noFrom.toString()).isEqualTo(1);
    }

    @Test
    void deletedBlobsStayDeletedAfterARestore() throws IOException {
        fill();
        List<String> inZero = ls(store()).stream().filter(l -> l.endsWith(" 0")).map(l -> l.split(" ")[0]).toList();
        assertThat(Cli.in(store()).run("rm", inZero.get(0)).code()).isZero();
        Path archive = archiveDir();
        assertThat(Cli.in(store()).run("--archive", uri(archive), "archive").code()).isZero();
        assertThat(objects(archive)).anyMatch(o -> o.startsWith("deletions/deletions.log."));
        Path restored = tmp.resolve("restored");
        Cli.Result r = Cli.in(restored).run("restore", "--from", uri(archive), "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(MiniJson.object(r.out())).containsEntry("deleted_blobs", 1L);
        assertThat(Cli.in(restored).run("has", inZero.get(0)).code()).isEqualTo(2);
        assertThat(Cli.in(restored).run("has", inZero.get(1)).code()).isZero();
    }

    @Test
    void statShowsTheArchiveItsPacksAndTheBacklogOnlyWhenGivenOne() throws IOException {
        fill();
        Path archive = archiveDir();
        assertThat(Cli.in(store()).run("--archive", uri(archive), "archive").code()).isZero();
        Cli.Result text = Cli.in(store()).run("--archive", uri(archive), "stat");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).containsPattern("(?m)^archive\\s+" + java.util.regex.Pattern.quote(uri(archive)) + "$")
                .containsPattern("(?m)^archived packs\\s+2 \\(0 waiting to upload, 0 evicted: read from the archive\\)$");
        Map<String, Object> json = MiniJson.object(Cli.in(store()).run("--archive", uri(archive), "stat", "--json").out());
        assertThat(json).containsEntry("archive", uri(archive)).containsEntry("archived_packs", 2L)
                .containsEntry("upload_backlog", 0L).containsKey("archive_reads");

        // without --archive, stat opens read-only and says nothing of an archive
        Cli.Result plain = Cli.in(store()).run("stat");
        assertThat(plain.out()).doesNotContainPattern("(?m)^archive");
        assertThat(MiniJson.object(Cli.in(store()).run("stat", "--json").out())).containsEntry("archive", "")
                .containsEntry("archived_packs", 0L);
    }

    @Test
    void evictKeepsTheNewestSealedPacksLocalAndTheOthersAreReadFromTheArchive() throws IOException {
        fill();
        Path archive = archiveDir();
        assertThat(Cli.in(store()).run("--archive", uri(archive), "archive").code()).isZero();
        Cli.Result r = Cli.in(store()).run("--archive", uri(archive), "evict", "--keep-local", "1");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.lines()).hasSize(2);
        assertThat(r.lines().get(0)).isEqualTo("evicted  blobs-00000");
        assertThat(r.lines().get(1)).matches("evict: 1 pack evicted, .+ \\(\\d+ bytes\\) freed; 1 pack evicted in all,"
                + " read from " + java.util.regex.Pattern.quote(uri(archive)));
        assertThat(store().resolve("blobs-00000")).doesNotExist();
        assertThat(store().resolve("blobs-00001")).exists();
        // the index keeps every blob; those of the evicted pack come from the archive, checked
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            Cli.Result get = Cli.in(store()).run("get", e.getKey());
            assertThat(get.code()).as(get.toString()).isZero();
            assertThat(get.stdout()).isEqualTo(e.getValue());
        }
        Cli.Result json = Cli.in(store()).run("--archive", uri(archive), "evict", "--keep-local", "0", "--json");
        assertThat(json.code()).as(json.toString()).isZero();
        Map<String, Object> j = MiniJson.object(json.out());
        assertThat(j).containsOnlyKeys("directory", "archive", "keep_local", "evicted", "bytes_freed", "kept", "evicted_packs");
        assertThat(j).containsEntry("keep_local", 0L).containsEntry("evicted", List.of("blobs-00001"))
                .containsEntry("bytes_freed", Files.size(tmp.resolve("archive").resolve(objects(archive).stream()
                        .filter(o -> o.startsWith("packs/blobs-00001.")).findFirst().orElseThrow())))
                .containsEntry("kept", List.of()).containsEntry("evicted_packs", 2L);
        assertThat(MiniJson.object(Cli.in(store()).run("--archive", uri(archive), "stat", "--json").out()))
                .containsEntry("evicted_packs", 2L).containsEntry("archived_packs", 2L);
    }

    @Test
    void evictNeedsAnArchiveAndACountFromZero() {
        fill();
        Cli.Result none = Cli.in(store()).run("evict", "--keep-local", "1");
        assertThat(none.code()).as(none.toString()).isEqualTo(1);
        assertThat(none.stderr()).startsWith("blobsfile evict: evict needs --archive URI");
        Cli.Result negative = Cli.in(store()).run("--archive", uri(tmp), "evict", "--keep-local", "-1");
        assertThat(negative.code()).as(negative.toString()).isEqualTo(1);
        assertThat(negative.stderr()).contains("--keep-local must be 0 or more");
        Cli.Result missing = Cli.in(store()).run("--archive", uri(tmp), "evict");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(1);
        assertThat(store().resolve("blobs-00000")).exists();
    }

    @Test
    void aLazyRestoreDownloadsTheManifestsOnlyAndReadsBlobsFromTheArchive() throws IOException {
        fill();
        Path archive = archiveDir();
        assertThat(Cli.in(store()).run("--archive", uri(archive), "archive").code()).isZero();
        Path restored = tmp.resolve("restored");
        Cli.Result r = Cli.in(restored).run("restore", "--from", uri(archive), "--lazy", "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> sealedLines = ls(store()).stream().filter(l -> !l.endsWith(" 2")).toList();
        assertThat(MiniJson.object(r.out())).containsEntry("packs", 2L).containsEntry("evicted_packs", 2L)
                .containsEntry("blobs", (long) sealedLines.size());
        assertThat(restored.resolve("blobs-00000")).doesNotExist();
        assertThat(restored.resolve("blobs-00001")).doesNotExist();
        assertThat(ls(restored)).isEqualTo(sealedLines);
        for (String line : sealedLines) {
            String hash = line.split(" ")[0];
            Cli.Result get = Cli.in(restored).run("get", hash);
            assertThat(get.code()).as(get.toString()).isZero();
            assertThat(get.stdout()).isEqualTo(blobs.get(hash));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = new ArrayList<>(s.toList());
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target);
            }
        }
    }
}
