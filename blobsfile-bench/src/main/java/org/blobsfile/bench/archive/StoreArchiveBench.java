package org.blobsfile.bench.archive;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.Progress;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveProvider;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.bench.BenchArgs;
import org.blobsfile.bench.BenchDirs;
import org.blobsfile.core.internal.pack.PackFormat;

/**
 * The archive tier through the store, on S3Proxy in this JVM and on a {@code file:} archive:
 * <ol>
 * <li>gets of blobs of {@code blobKiB} in evicted packs (one ranged read of the archive each,
 * every blob read once so the store's cache never answers) through an {@code s3:} store and a
 * {@code file:} store holding the same blobs, against gets of local blobs of the same size,
 * the three alternating, p50 and p99;</li>
 * <li>a full restore of {@code restorePacks} packs of {@code restorePackMiB} from each archive,
 * MB/s, against what the same bytes take without the store: for {@code file:} a plain
 * {@code Files.copy} of the pack objects (and the copy with each file forced, as the restore
 * forces its packs), for {@code s3:} the provider's own whole-object download of each pack to a
 * file; restore and baseline adjacent, taking turns going first. The share of a restore's time
 * spent until its progress reported the last byte downloaded (and checked) is printed too: the
 * rest is the opening of the restored store, its index built from the packs.</li>
 * </ol>
 * Arguments are {@code name=value}: {@code dir}, {@code blobKiB} (4), {@code packMiB} (4, the
 * latency stores' packs), {@code gets} (2000), {@code restorePackMiB} (64), {@code restorePacks}
 * (4), {@code warmUp} (1), {@code rounds} (3). Prints Markdown.
 */
public final class StoreArchiveBench {
    private StoreArchiveBench() {
    }

    /**
     * @param args {@code name=value} pairs
     * @throws Exception when the server, the store or an archive fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        Path dir = Path.of(a.getOrDefault("dir", System.getProperty("java.io.tmpdir") + "/blobsfile-store-archive-bench"));
        int blobKiB = Integer.parseInt(a.getOrDefault("blobKiB", "4"));
        int packMiB = Integer.parseInt(a.getOrDefault("packMiB", "4"));
        int gets = Integer.parseInt(a.getOrDefault("gets", "2000"));
        int restorePackMiB = Integer.parseInt(a.getOrDefault("restorePackMiB", "64"));
        int restorePacks = Integer.parseInt(a.getOrDefault("restorePacks", "4"));
        int warmUp = Integer.parseInt(a.getOrDefault("warmUp", "1"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));

        BenchDirs.delete(dir);
        Files.createDirectories(dir);
        try (LocalS3 server = new LocalS3(Files.createDirectories(dir.resolve("server")))) {
            latency(dir, server, blobKiB << 10, (long) packMiB << 20, gets);
            System.out.println();
            restore(dir, server, (long) restorePackMiB << 20, restorePacks, warmUp, rounds);
        } finally {
            BenchDirs.delete(dir);
        }
    }

    private static URI fileArchive(Path dir) throws IOException {
        return URI.create("file:" + Files.createDirectories(dir).toAbsolutePath());
    }

    private static BlobStoreOptions.Builder store(Path dir, long packSize, URI archive) {
        return BlobStore.builder(dir).maxPackSize(packSize).archive(archive);
    }

    private static void latency(Path dir, LocalS3 server, int blobBytes, long packSize, int gets) throws IOException {
        int warmUp = Math.max(100, gets / 10);
        int wanted = gets + warmUp;
        try (BlobStore viaS3 = store(dir.resolve("latency-s3"), packSize, server.archive("latency", "")).open();
             BlobStore viaFile = store(dir.resolve("latency-file"), packSize, fileArchive(dir.resolve("latency-archive"))).open()) {
            // the same blobs in both stores: enough that half the sealed packs hold `wanted` of them
            Random random = new Random(5);
            byte[] blob = new byte[blobBytes];
            for (int i = 0; i < 3 * wanted; i++) {
                random.nextBytes(blob);
                viaS3.put(blob);
                viaFile.put(blob);
            }
            int sealed = viaS3.sealedPacks().size();
            Set<Integer> evicted = new HashSet<>();
            for (BlobStore s : List.of(viaS3, viaFile)) {
                s.archive(Progress.NONE);
                evicted.clear();
                for (Path p : s.evict(sealed / 2).evicted()) {
                    evicted.add(PackFormat.packNumber(p.getFileName().toString()));
                }
            }
            List<BlobRef> far = new ArrayList<>();
            List<BlobRef> near = new ArrayList<>();
            for (BlobInfo i : viaS3.enumerate().toList()) {
                (evicted.contains(i.pack()) ? far : near).add(i.ref());
            }
            Collections.shuffle(far, new Random(9));
            Collections.shuffle(near, new Random(10));
            int n = Math.min(wanted, Math.min(far.size(), near.size()));
            int measured = n - warmUp;
            if (measured <= 0) {
                throw new IllegalStateException(far.size() + " evicted and " + near.size() + " local blobs are too few for "
                        + wanted + " gets: give smaller packs (packMiB)");
            }
            long[] s3 = new long[measured];
            long[] file = new long[measured];
            long[] local = new long[measured];
            for (int i = 0; i < n; i++) {
                long[] t = new long[3];
                // the three take turns going first
                for (int turn = 0; turn < 3; turn++) {
                    int which = (i + turn) % 3;
                    long t0 = System.nanoTime();
                    byte[] got = which == 0 ? viaS3.get(far.get(i)) : which == 1 ? viaFile.get(far.get(i)) : viaS3.get(near.get(i));
                    t[which] = System.nanoTime() - t0;
                    if (got.length != blobBytes) {
                        throw new IllegalStateException("a get returned " + got.length + " bytes, not " + blobBytes);
                    }
                }
                if (i >= warmUp) {
                    s3[i - warmUp] = t[0];
                    file[i - warmUp] = t[1];
                    local[i - warmUp] = t[2];
                }
            }
            Arrays.sort(s3);
            Arrays.sort(file);
            Arrays.sort(local);
            System.out.println("## Get of a " + (blobBytes >> 10) + " KiB blob in an evicted pack against a local one");
            System.out.println();
            System.out.println(sealed + " sealed packs of " + (packSize >> 20) + " MiB, " + evicted.size() + " evicted; "
                    + measured + " gets of each kind after " + warmUp + " warm-up, each blob read once, alternating");
            System.out.println();
            System.out.println("| get | p50 ms | p99 ms | max ms | p50 / local p50 | p99 / local p99 |");
            System.out.println("|---|---|---|---|---|---|");
            row("evicted, s3: (S3Proxy)", s3, local);
            row("evicted, file:", file, local);
            row("local", local, local);
        }
    }

    private static void row(String what, long[] sorted, long[] local) {
        System.out.printf("| %s | %.3f | %.3f | %.3f | %.1f | %.1f |%n", what, ms(sorted, 0.50), ms(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6, ms(sorted, 0.50) / ms(local, 0.50), ms(sorted, 0.99) / ms(local, 0.99));
    }

    private static void restore(Path dir, LocalS3 server, long packSize, int packs, int warmUp, int rounds) throws Exception {
        Path source = dir.resolve("restore-source");
        URI s3 = server.archive("restore", "");
        Path fileRoot = dir.resolve("restore-archive");
        URI file = fileArchive(fileRoot);
        long bytes = 0;
        try (BlobStore s = BlobStore.builder(source).maxPackSize(packSize).open()) {
            Random random = new Random(3);
            byte[] blob = new byte[1 << 20];
            while (s.sealedPacks().size() < packs) {
                random.nextBytes(blob);
                s.put(blob);
            }
            for (Path p : s.sealedPacks()) {
                bytes += Files.size(p);
            }
        }
        // the same packs in both archives: the ledger of one archive counts for nothing with the other
        for (URI archive : List.of(s3, file)) {
            try (BlobStore s = store(source, packSize, archive).open()) {
                s.archive(Progress.NONE);
            }
        }
        System.out.println("## Full restore of " + packs + " packs of " + (packSize >> 20) + " MiB (" + bytes / 1_000_000
                + " MB) against the same bytes copied without the store");
        System.out.println();
        System.out.println("| round | s3: restore MB/s | s3: provider download MB/s | ratio | file: restore MB/s "
                + "| Files.copy MB/s | ratio | Files.copy + force MB/s | ratio | downloading, s3: / file: |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        List<double[]> measured = new ArrayList<>();
        try (Archive s3Archive = provider().open(s3)) {
            for (int r = 1 - warmUp; r <= rounds; r++) {
                boolean storeFirst = Math.floorMod(r, 2) == 0;
                double[] m = new double[7];
                double[] share = new double[1];
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn == 0) == storeFirst) {
                        m[0] = timeRestore(dir, s3, packSize, bytes, share);
                        m[5] = share[0];
                        m[2] = timeRestore(dir, file, packSize, bytes, share);
                        m[6] = share[0];
                    } else {
                        m[1] = timeDownload(dir, s3Archive, bytes);
                        m[3] = timeCopy(dir, fileRoot, bytes, false);
                        m[4] = timeCopy(dir, fileRoot, bytes, true);
                    }
                }
                System.out.printf("| %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.1f | %.2f | %.0f%% / %.0f%% |%n",
                        r <= 0 ? "warm-up" : (r + (storeFirst ? ", restores first" : ", copies first")),
                        m[0], m[1], m[0] / m[1], m[2], m[3], m[2] / m[3], m[4], m[2] / m[4], 100 * m[5], 100 * m[6]);
                if (r > 0) {
                    measured.add(m);
                }
            }
        }
        System.out.println();
        System.out.printf("medians of %d rounds: s3: restore %.1f MB/s, provider download %.1f MB/s, ratio %.2f; file: restore"
                        + " %.1f MB/s, Files.copy %.1f MB/s, ratio %.2f; Files.copy + force %.1f MB/s, ratio %.2f%n", rounds,
                median(measured, 0), median(measured, 1), median(measured, 0) / median(measured, 1),
                median(measured, 2), median(measured, 3), median(measured, 2) / median(measured, 3),
                median(measured, 4), median(measured, 2) / median(measured, 4));
    }

    /** @return MB/s of the whole restore; {@code downloadShare[0]} the share of its time spent until the last byte was downloaded */
    private static double timeRestore(Path dir, URI archive, long packSize, long bytes, double[] downloadShare) {
        Path target = dir.resolve("restored");
        BenchDirs.delete(target);
        long[] downloaded = {0};
        long t0 = System.nanoTime();
        BlobStore s = store(target, packSize, archive).restore(BlobStoreOptions.Restore.FULL, (done, total) -> {
            if (done == total && downloaded[0] == 0) {
                downloaded[0] = System.nanoTime();
            }
        }).open();
        long t = System.nanoTime() - t0;
        s.close();
        BenchDirs.delete(target);
        downloadShare[0] = (downloaded[0] - t0) / (double) t;
        return mbPerSecond(bytes, t);
    }

    private static double timeDownload(Path dir, Archive archive, long bytes) throws IOException {
        Path target = Files.createDirectories(dir.resolve("downloaded"));
        long t0 = System.nanoTime();
        for (ArchivedObject o : archive.list("packs/")) {
            try (InputStream in = archive.open(o.name())) {
                Files.copy(in, target.resolve(o.name().substring("packs/".length())));
            }
        }
        long t = System.nanoTime() - t0;
        BenchDirs.delete(target);
        return mbPerSecond(bytes, t);
    }

    private static double timeCopy(Path dir, Path root, long bytes, boolean force) throws IOException {
        Path target = Files.createDirectories(dir.resolve("copied"));
        List<Path> objects;
        try (var list = Files.list(root.resolve("packs"))) {
            objects = list.toList();
        }
        long t0 = System.nanoTime();
        for (Path p : objects) {
            Path copy = Files.copy(p, target.resolve(p.getFileName()));
            if (force) {
                try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
        long t = System.nanoTime() - t0;
        BenchDirs.delete(target);
        return mbPerSecond(bytes, t);
    }

    private static ArchiveProvider provider() {
        return ServiceLoader.load(ArchiveProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals("s3")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no s3 archive provider on the class path"));
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
