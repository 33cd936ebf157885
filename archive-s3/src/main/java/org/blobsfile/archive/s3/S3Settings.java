package org.blobsfile.archive.s3;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an {@code s3:} URI says: {@code s3://BUCKET/PREFIX?endpoint=URL&region=R&pathStyle=true},
 * and the tuning parameters {@code partSizeMiB} (16, at most 1024; AWS wants at least 5), {@code threads}
 * (parts sent at once per upload, 4), {@code maxAttempts} (per request, retries included, 8) and
 * {@code timeoutSeconds} (to connect and between bytes read, 30).
 *
 * @param location       the URI, for messages
 * @param bucket         the bucket
 * @param prefix         the key prefix of every object, empty or ending in {@code /}
 * @param endpoint       the server, or null for AWS itself
 * @param region         the signing region, or null for the SDK's default chain
 * @param pathStyle      whether the bucket goes in the path rather than the host name
 * @param partSize       the size of a multipart upload's parts, and the largest single PUT
 * @param threads        how many parts of one upload are sent at once
 * @param maxAttempts    how many times a request is tried before its failure is reported
 * @param timeout        the connect and read timeout of each request
 */
record S3Settings(String location, String bucket, String prefix, URI endpoint, String region, boolean pathStyle,
        int partSize, int threads, int maxAttempts, Duration timeout) {
    private static final int MIB = 1 << 20;
    private static final Set<String> PARAMETERS =
            Set.of("endpoint", "region", "pathStyle", "partSizeMiB", "threads", "maxAttempts", "timeoutSeconds");

    /**
     * @param uri an {@code s3:} URI
     * @return its settings
     * @throws IOException naming what is wrong with it, in one sentence
     */
    static S3Settings parse(URI uri) throws IOException {
        String location = uri.toString();
        if (!"s3".equalsIgnoreCase(uri.getScheme()) || uri.isOpaque()) {
            throw new IOException("archive " + location + ": not an s3://BUCKET/PREFIX URI");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IOException("archive " + location + ": credentials do not belong in the URI; "
                    + "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or use a profile");
        }
        String bucket = uri.getHost();
        if (bucket == null || bucket.isEmpty()) {
            throw new IOException("archive " + location + ": no bucket; the form is s3://BUCKET/PREFIX");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String prefix = path.replaceAll("^/+", "").replaceAll("/+$", "");
        Map<String, String> q = query(uri, location);
        URI endpoint = null;
        if (q.containsKey("endpoint")) {
            endpoint = URI.create(q.get("endpoint"));
            if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                throw new IOException("archive " + location + ": endpoint " + q.get("endpoint") + " is not an http(s) URL");
            }
        }
        String region = q.getOrDefault("region", endpoint != null ? "us-east-1" : null);
        return new S3Settings(location, bucket, prefix.isEmpty() ? "" : prefix + "/", endpoint,
                region, Boolean.parseBoolean(q.getOrDefault("pathStyle", "false")),
                Math.min(positive(q, "partSizeMiB", 16, location), 1024) * MIB, positive(q, "threads", 4, location),
                positive(q, "maxAttempts", 8, location),
                Duration.ofSeconds(positive(q, "timeoutSeconds", 30, location)));
    }

    private static Map<String, String> query(URI uri, String location) throws IOException {
        Map<String, String> q = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return q;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (!PARAMETERS.contains(key)) {
                throw new IOException("archive " + location + ": unknown parameter '" + key + "'; known: " + PARAMETERS);
            }
            q.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static int positive(Map<String, String> q, String key, int otherwise, String location) throws IOException {
        if (!q.containsKey(key)) {
            return otherwise;
        }
        try {
            int v = Integer.parseInt(q.get(key));
            if (v > 0 && v <= 4096) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("archive " + location + ": " + key + "=" + q.get(key) + " is not a number from 1 to 4096");
    }

    /** @return the key of an object name */
    String key(String name) {
        return prefix + name;
    }

    /** @return a copy with another part size, for tests and benchmarks */
    S3Settings withPartSize(int bytes) {
        return new S3Settings(location, bucket, prefix, endpoint, region, pathStyle, bytes, threads, maxAttempts, timeout);
    }
}
