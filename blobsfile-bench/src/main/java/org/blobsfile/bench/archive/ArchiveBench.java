package org.blobsfile.bench.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveProvider;
import org.blobsfile.bench.BenchArgs;
import org.blobsfile.bench.BenchDirs;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The s3: archive against a plain SDK upload, on S3Proxy in this JVM (a directory behind it):
 * one file of {@code sizeMiB} uploaded through the archive provider and by
 * {@link PlainS3Upload} without and with Content-MD5, taking turns, {@code rounds} times after
 * {@code warmUp} rounds, MB/s of each, the ratios in each round and their medians; the MD5 rate of one thread over
 * the file, what the provider pays beyond the plain upload (the server checks the MD5 again);
 * then {@code reads} ranged reads of 4 KiB at random offsets through the provider and as plain
 * GETs, alternating, p50 and p99. Arguments are {@code name=value}: {@code dir}, {@code sizeMiB}
 * (256), {@code partMiB} (16), {@code threads} (4), {@code warmUp} (3), {@code rounds} (7),
 * {@code reads} (2000). Prints Markdown.
 */
public final class ArchiveBench {
    private static final String BUCKET = LocalS3.BUCKET;
    private static final String ACCESS_KEY = LocalS3.ACCESS_KEY;
    private static final String SECRET_KEY = LocalS3.SECRET_KEY;

    private ArchiveBench() {
    }

    /**
     * @param args {@code name=value} pairs
     * @throws Exception when the server or an upload fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        Path dir = Path.of(a.getOrDefault("dir", System.getProperty("java.io.tmpdir") + "/blobsfile-archive-bench"));
        int sizeMiB = Integer.parseInt(a.getOrDefault("sizeMiB", "256"));
        int partMiB = Integer.parseInt(a.getOrDefault("partMiB", "16"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "4"));
        int warmUp = Integer.parseInt(a.getOrDefault("warmUp", "3"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "7"));
        int reads = Integer.parseInt(a.getOrDefault("reads", "2000"));

        BenchDirs.delete(dir);
        Path serverDir = Files.createDirectories(dir.resolve("server"));
        Path source = writeSource(dir.resolve("source"), (long) sizeMiB << 20);

        LocalS3 server = new LocalS3(serverDir);
        String endpoint = server.endpoint();
        URI uri = server.archive("provider", "&partSizeMiB=" + partMiB + "&threads=" + threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Archive archive = provider().open(uri); S3Client plain = plainClient(endpoint)) {
            System.out.println("## Upload of one " + sizeMiB + " MiB file, " + partMiB + " MiB parts, " + threads
                    + " in flight");
            System.out.println();
            System.out.println("| round | first | provider MB/s | plain SDK MB/s | plain SDK + Content-MD5 MB/s "
                    + "| provider / plain | provider / plain + MD5 |");
            System.out.println("|---|---|---|---|---|---|---|");
            String[] variants = {"provider", "plain", "plain + MD5"};
            List<Double> viaProvider = new ArrayList<>();
            List<Double> viaPlain = new ArrayList<>();
            List<Double> viaPlainMd5 = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> md5Ratios = new ArrayList<>();
            long size = Files.size(source);
            for (int r = 1 - warmUp; r <= rounds; r++) {
                String round = "round-" + (r + warmUp);
                // the three take turns going first, so none always follows the same one
                int first = Math.floorMod(r, 3);
                double[] rate = new double[3];
                for (int turn = 0; turn < 3; turn++) {
                    int v = (first + turn) % 3;
                    long t0 = System.nanoTime();
                    if (v == 0) {
                        archive.upload(round, source, Archive.Progress.NONE);
                    } else {
                        PlainS3Upload.upload(plain, pool, threads, BUCKET, (v == 1 ? "plain/" : "plain-md5/") + round, source,
                                partMiB << 20, v == 2);
                    }
                    rate[v] = mbPerSecond(size, System.nanoTime() - t0);
                }
                // each round's objects are deleted once measured, so the disk holds three at most
                for (String p : new String[] {"provider/", "plain/", "plain-md5/"}) {
                    plain.deleteObject(b -> b.bucket(BUCKET).key(p + round));
                }
                System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f |%n", r <= 0 ? "warm-up" : Integer.toString(r),
                        variants[first], rate[0], rate[1], rate[2], rate[0] / rate[1], rate[0] / rate[2]);
                if (r > 0) {
                    viaProvider.add(rate[0]);
                    viaPlain.add(rate[1]);
                    viaPlainMd5.add(rate[2]);
                    ratios.add(rate[0] / rate[1]);
                    md5Ratios.add(rate[0] / rate[2]);
                }
            }
            System.out.println();
            System.out.printf("medians of the %d measured rounds: provider %.1f MB/s, plain SDK %.1f MB/s, plain SDK + "
                    + "Content-MD5 %.1f MB/s; median ratio provider / plain %.2f (target >= 0.90), provider / plain + MD5 "
                    + "%.2f%n", rounds, median(viaProvider), median(viaPlain), median(viaPlainMd5), median(ratios),
                    median(md5Ratios));
            System.out.println();
            System.out.printf("MD5 of the file on one thread, for scale: %.0f MB/s%n", md5Rate(source));
            System.out.println();
            rangedReads(archive, plain, reads, source);
        } finally {
            pool.shutdownNow();
            server.close();
            BenchDirs.delete(dir);
        }
    }

    private static ArchiveProvider provider() {
        return java.util.ServiceLoader.load(ArchiveProvider.class).stream().map(java.util.ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals("s3")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no s3 archive provider on the class path"));
    }

    /** The same client the provider builds: the JDK's HTTP stack, checksums only when required. */
    private static S3Client plainClient(String endpoint) {
        return S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    private static Path writeSource(Path file, long size) throws IOException {
        Random random = new Random(7);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
        return file;
    }

    private static double md5Rate(Path file) throws Exception {
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        byte[] buffer = new byte[1 << 20];
        double best = 0;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (java.io.InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    md5.update(buffer, 0, n);
                }
            }
            md5.digest();
            best = Math.max(best, mbPerSecond(Files.size(file), System.nanoTime() - t0));
        }
        return best;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** 4 KiB ranges at random offsets, through the provider and as plain ranged GETs, alternating. */
    private static void rangedReads(Archive archive, S3Client plain, int reads, Path source) throws IOException {
        archive.upload("read-target", source, Archive.Progress.NONE);
        long size = Files.size(source);
        int length = 4096;
        Random random = new Random(11);
        long[] viaProvider = new long[reads];
        long[] viaPlain = new long[reads];
        int warmUp = Math.max(100, reads / 10);
        for (int i = -warmUp; i < reads; i++) {
            long offset = (long) (random.nextDouble() * (size - length));
            long t0 = System.nanoTime();
            byte[] b = archive.read("read-target", offset, length);
            long t1 = System.nanoTime();
            byte[] c = plain.getObjectAsBytes(r -> r.bucket(BUCKET).key("provider/read-target")
                    .range("bytes=" + offset + "-" + (offset + length - 1))).asByteArray();
            long t2 = System.nanoTime();
            if (!Arrays.equals(b, c)) {
                throw new IllegalStateException("the two reads at " + offset + " differ");
            }
            if (i >= 0) {
                viaProvider[i] = t1 - t0;
                viaPlain[i] = t2 - t1;
            }
        }
        Arrays.sort(viaProvider);
        Arrays.sort(viaPlain);
        System.out.println("## Ranged read of 4 KiB at a random offset of the " + (size >> 20) + " MiB object, "
                + reads + " reads after " + warmUp + " warm-up");
        System.out.println();
        System.out.println("| | p50 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|");
        System.out.printf("| provider read() | %.2f | %.2f | %.2f |%n", ms(viaProvider, 0.50), ms(viaProvider, 0.99),
                viaProvider[reads - 1] / 1e6);
        System.out.printf("| plain SDK GetObject | %.2f | %.2f | %.2f |%n", ms(viaPlain, 0.50), ms(viaPlain, 0.99),
                viaPlain[reads - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
