package org.blobsfile.archive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Progress;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackGeometry;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole store archiving to S3Proxy through an {@code s3:} URI: eviction, ranged reads,
 * verify and both restores; and what the store does when the server stops mid-archive, refuses
 * the keys, lacks the bucket, cannot be reached, or serves a damaged copy. Pack and manifest
 * names come from the core (its internal packages are on the test class path), so the test can
 * find the objects of one pack in the bucket and damage them.
 */
class S3StoreTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final long PACK = 64 * 1024;
    private static final String BUCKET = "stores";
    private static final String PREFIX = "store";
    /** Few, short attempts: the failures these tests cause should be reported at once. */
    private static final String FAST = "&region=us-east-1&maxAttempts=2&timeoutSeconds=5";
    private static final String KEY_PROPERTY = "aws.accessKeyId";
    private static final String SECRET_PROPERTY = "aws.secretAccessKey";

    @TempDir
    Path tmp;

    private S3ProxyServer server;
    private String keyBefore;
    private String secretBefore;

    @BeforeEach
    void startServer() throws Exception {
        server = new S3ProxyServer(Files.createDirectories(tmp.resolve("server")));
        server.createBucket(BUCKET);
        // the provider opened by URI takes its keys from the SDK's default chain, system properties first
        keyBefore = System.getProperty(KEY_PROPERTY);
        secretBefore = System.getProperty(SECRET_PROPERTY);
        System.setProperty(KEY_PROPERTY, S3ProxyServer.ACCESS_KEY);
        System.setProperty(SECRET_PROPERTY, S3ProxyServer.SECRET_KEY);
    }

    @AfterEach
    void stopServer() throws Exception {
        restore(KEY_PROPERTY, keyBefore);
        restore(SECRET_PROPERTY, secretBefore);
        server.close();
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    private URI uri(String bucket) {
        return server.uri(bucket, PREFIX, FAST);
    }

    private BlobStoreOptions.Builder store(Path dir) {
        return BlobStore.builder(dir).index("h2").maxPackSize(PACK).archive(uri(BUCKET));
    }

    /** The bucket seen directly, with the server's keys. */
    private Archive bucket() throws IOException {
        return new S3ArchiveProvider().open(uri(BUCKET), S3ProxyServer.credentials());
    }

    /** Puts blobs until at least {@code sealed} packs are sealed. */
    private static Map<BlobRef, byte[]> fill(BlobStore s, Random rnd, int sealed) {
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        while (s.sealedPacks().size() < sealed) {
            byte[] b = new byte[200 + rnd.nextInt(6000)];
            rnd.nextBytes(b);
            blobs.put(s.put(b), b);
        }
        return blobs;
    }

    /** @return the bytes of every sealed pack, by number */
    private static Map<Integer, byte[]> sealedPacks(BlobStore s) throws IOException {
        Map<Integer, byte[]> packs = new TreeMap<>();
        for (Path p : s.sealedPacks()) {
            packs.put(PackFormat.packNumber(p.getFileName().toString()), Files.readAllBytes(p));
        }
        return packs;
    }

    /** @return the blobs of the given packs, read from the store */
    private static Map<BlobRef, byte[]> blobsIn(BlobStore s, Iterable<Integer> packs) {
        List<Integer> wanted = new ArrayList<>();
        packs.forEach(wanted::add);
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        for (BlobInfo i : s.enumerate().filter(i -> wanted.contains(i.pack())).toList()) {
            blobs.put(i.ref(), s.get(i.ref()));
        }
        return blobs;
    }

    private static void assertReads(BlobStore s, Map<BlobRef, byte[]> blobs) {
        for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
            assertThat(s.get(e.getKey())).as("blob %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static void assertPacks(Path dir, Map<Integer, byte[]> packs) throws IOException {
        for (Map.Entry<Integer, byte[]> e : packs.entrySet()) {
            assertThat(Files.readAllBytes(PackFormat.path(dir, e.getKey()))).as("pack %d", e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    /** @return the one object of the bucket under {@code folder} whose name is pack {@code n}'s */
    private static List<String> objectsOf(List<ArchivedObject> objects, String folder, int n) {
        return objects.stream().map(ArchivedObject::name)
                .filter(x -> x.startsWith(folder + PackFormat.fileName(n) + ".")).toList();
    }

    @Test
    void evictedBlobsAreReadFromTheBucketAndBothRestoresBringThemBack() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<Integer, byte[]> packs;
        Map<BlobRef, byte[]> archived;
        try (BlobStore s = store(dir).open()) {
            Map<BlobRef, byte[]> blobs = fill(s, rnd, 4);
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            packs = sealedPacks(s);
            assertThat(s.stats().archivedPacks()).isEqualTo(packs.size());
            archived = blobsIn(s, packs.keySet());
            assertThat(s.evict(0).evicted()).hasSize(packs.size());
            assertThat(s.stats().evictedPacks()).isEqualTo(packs.size());
            assertReads(s, blobs);
            assertThat(s.verify().isClean()).isTrue();
            assertThat(s.verify(new VerifyOptions(true), Progress.NONE).isClean()).isTrue();
        }
        try (Archive b = bucket()) {
            List<ArchivedObject> objects = b.list("");
            for (int n : packs.keySet()) {
                assertThat(objectsOf(objects, "packs/", n)).singleElement()
                        .satisfies(name -> assertThat(readWhole(b, name)).isEqualTo(packs.get(n)));
            }
        }

        Path full = tmp.resolve("full");
        try (BlobStore s = store(full).restore(BlobStoreOptions.Restore.FULL).open()) {
            assertReads(s, archived);
            assertThat(s.enumerate().count()).isEqualTo(archived.size());
        }
        assertPacks(full, packs);

        Path lazy = tmp.resolve("lazy");
        try (BlobStore s = store(lazy).restore(BlobStoreOptions.Restore.LAZY).open()) {
            assertThat(PackFormat.path(lazy, 0)).doesNotExist();
            assertReads(s, archived);
            assertThat(s.verify().isClean()).isTrue();
        }
    }

    private static byte[] readWhole(Archive a, String name) throws IOException {
        try (InputStream in = a.open(name)) {
            return in.readAllBytes();
        }
    }

    /**
     * The server stops once the first pack is uploaded, before its manifest: the archive fails;
     * restarted on the same port and directory, the next archive finds that pack's copy, checks
     * it, and uploads the rest, once each. The background uploader is held back (its uploads
     * fail as unavailable) so the test's own calls are the ones that meet the stop.
     */
    @Test
    void aServerStoppedMidArchiveFailsItAndTheNextArchiveUploadsEachPackOnce() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        try (BlobStore s = BlobStore.builder(dir).index("h2").maxPackSize(PACK).open()) {
            fill(s, rnd, 5);
        }
        Map<Integer, byte[]> packs;
        AtomicBoolean stopped = new AtomicBoolean();
        try (Archive direct = new S3ArchiveProvider().open(uri(BUCKET));
             Archive held = new CallerOnlyUploads(direct, Thread.currentThread());
             BlobStore s = BlobStore.builder(dir).index("h2").maxPackSize(PACK).archive(held).open()) {
            packs = sealedPacks(s);
            Progress stopAfterSomeBytes = (done, total) -> {
                if (done > 0 && done < total && stopped.compareAndSet(false, true)) {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            assertThatThrownBy(() -> s.archive(stopAfterSomeBytes)).isInstanceOf(ArchiveException.class);
            assertThat(stopped).isTrue();
            assertThat(s.stats().archivedPacks()).isLessThan(packs.size());

            server.restart();
            ArchiveReport r = s.archive(Progress.NONE);
            assertThat(r.problems()).isEmpty();
            assertThat(r.uploaded() + r.alreadyArchived()).isEqualTo(packs.size());
            assertThat(r.uploaded()).isLessThan(packs.size());
            assertThat(s.stats().archivedPacks()).isEqualTo(packs.size());
        }
        try (Archive b = bucket()) {
            List<ArchivedObject> objects = b.list("");
            assertThat(objects.stream().filter(o -> o.name().startsWith("packs/"))).hasSize(packs.size());
            assertThat(objects.stream().filter(o -> o.name().startsWith("manifests/"))).hasSize(packs.size());
            for (int n : packs.keySet()) {
                assertThat(objectsOf(objects, "manifests/", n)).hasSize(1);
                assertThat(objectsOf(objects, "packs/", n)).singleElement()
                        .satisfies(name -> assertThat(readWhole(b, name)).isEqualTo(packs.get(n)));
            }
        }
        Path full = tmp.resolve("full");
        try (BlobStore s = store(full).restore(BlobStoreOptions.Restore.FULL).open()) {
            assertThat(s.sealedPacks()).hasSize(packs.size());
        }
        assertPacks(full, packs);
    }

    @Test
    void wrongCredentialsFailTheArchiveAndNothingLocal() throws Exception {
        Random rnd = SEED.random();
        System.setProperty(SECRET_PROPERTY, "not-the-secret");
        try (BlobStore s = store(tmp.resolve("s")).open()) {
            Map<BlobRef, byte[]> blobs = fill(s, rnd, 2);
            assertThatThrownBy(() -> s.archive(Progress.NONE)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("credentials");
            byte[] more = new byte[3000];
            rnd.nextBytes(more);
            assertThat(s.get(s.put(more))).isEqualTo(more);
            assertReads(s, blobs);
            assertThat(s.stats().uploadBacklog()).isPositive();
            assertThat(s.stats().archivedPacks()).isZero();
        }
    }

    @Test
    void aMissingBucketFailsTheArchiveNamingIt() throws Exception {
        try (BlobStore s = BlobStore.builder(tmp.resolve("s")).index("h2").maxPackSize(PACK).archive(uri("no-such-bucket")).open()) {
            fill(s, SEED.random(), 1);
            assertThatThrownBy(() -> s.archive(Progress.NONE)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("no-such-bucket");
        }
    }

    @Test
    void aClosedPortFailsTheArchive() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        URI nowhere = URI.create("s3://" + BUCKET + "/" + PREFIX + "?endpoint=http://127.0.0.1:" + closed
                + "&pathStyle=true&region=us-east-1&maxAttempts=1&timeoutSeconds=2");
        try (BlobStore s = BlobStore.builder(tmp.resolve("s")).index("h2").maxPackSize(PACK).archive(nowhere).open()) {
            fill(s, SEED.random(), 1);
            assertThatThrownBy(() -> s.archive(Progress.NONE)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("127.0.0.1:" + closed);
        }
    }

    /** Flips bytes of the server's file behind pack {@code n}'s object, at {@code offset}. @return the object's name */
    private String damageInBucket(int n, long offset) throws IOException {
        String name;
        try (Archive b = bucket()) {
            name = objectsOf(b.list("packs/"), "packs/", n).get(0);
        }
        Path file = server.objectFile(BUCKET, PREFIX + "/" + name);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < 8; i++) {
            bytes[(int) offset + i] ^= 0x5a;
        }
        Files.write(file, bytes);
        return name;
    }

    @Test
    void aCopyDamagedInTheBucketIsNeverServedNorRestored() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        try (BlobStore s = store(dir).open()) {
            fill(s, rnd, 3);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
            s.evict(0);
            BlobInfo victim = s.enumerate().filter(i -> i.pack() == 0).findFirst().orElseThrow();
            // inside the victim's payload, past its entry header
            damageInBucket(0, victim.offset() + EntryHeader.LENGTH);
            assertThatThrownBy(() -> s.get(victim.ref())).isInstanceOf(CorruptPackException.class);
            VerifyReport whole = s.verify(new VerifyOptions(true), Progress.NONE);
            assertThat(whole.isClean()).isFalse();
            assertThat(whole.damage()).anyMatch(d -> d.toString().contains(PackFormat.fileName(0)));
        }
        Path restored = tmp.resolve("restored");
        assertThatThrownBy(() -> store(restored).restore(BlobStoreOptions.Restore.FULL).open())
                .isInstanceOf(ArchiveException.class).hasMessageContaining(PackFormat.fileName(0));
        assertThat(PackFormat.path(restored, 0)).doesNotExist();
    }

    @Test
    void aPackBeyondParityIsNotPutRightFromADamagedCopyButQuarantined() throws Exception {
        Random rnd = SEED.random();
        Path dir = tmp.resolve("s");
        Map<BlobRef, byte[]> blobs;
        long shard = PackGeometry.of(PACK).shardSize();
        BlobInfo victim;
        try (BlobStore s = store(dir).open()) {
            blobs = fill(s, rnd, 2);
            assertThat(s.archive(Progress.NONE).problems()).isEmpty();
            // a payload inside the data shards zeroed below, so that its blob is damaged in both
            // copies (in an entry's header, the damage would leave the blob recoverable by its hash)
            victim = s.enumerate().filter(i -> i.pack() == 0
                    && i.offset() + EntryHeader.LENGTH >= PackFormat.HEADER_SIZE + shard
                    && i.offset() + EntryHeader.LENGTH + 8 <= PackFormat.HEADER_SIZE + 4 * shard).findFirst().orElseThrow();
        }
        String damagedName = damageInBucket(0, victim.offset() + EntryHeader.LENGTH);
        byte[] damagedCopy = Files.readAllBytes(server.objectFile(BUCKET, PREFIX + "/" + damagedName));
        try (FileChannel ch = FileChannel.open(PackFormat.path(dir, 0), StandardOpenOption.WRITE)) {
            // three data shards zeroed: beyond what two parity shards rebuild
            ch.write(ByteBuffer.allocate((int) (3 * shard)), PackFormat.HEADER_SIZE + shard);
        }
        try (BlobStore s = store(dir).open()) {
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                assertRightOrRefused(s, e.getKey(), e.getValue());
            }
            RepairReport r = s.repair();
            assertThat(r.quarantined()).anyMatch(p -> p.getFileName().toString().startsWith(PackFormat.fileName(0)));
            assertThat(r.lost()).contains(victim.ref());
            for (Map.Entry<BlobRef, byte[]> e : blobs.entrySet()) {
                if (!r.lost().contains(e.getKey())) {
                    assertThat(s.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
            for (BlobRef lost : r.lost()) {
                assertThat(s.exists(lost)).isFalse();
            }
        }
        // the damaged copy is the one archived copy of the pack still: neither used nor replaced
        assertThat(Files.readAllBytes(server.objectFile(BUCKET, PREFIX + "/" + damagedName))).isEqualTo(damagedCopy);
        try (Archive b = bucket()) {
            assertThat(objectsOf(b.list("packs/"), "packs/", 0)).containsExactly(damagedName);
        }
    }

    private static void assertRightOrRefused(BlobStore s, BlobRef ref, byte[] expected) {
        byte[] got;
        try {
            got = s.get(ref);
        } catch (BlobStoreException e) {
            return;
        }
        assertThat(got).as("blob %s", ref).isEqualTo(expected);
    }
}
