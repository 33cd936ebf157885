package org.blobsfile.archive.s3;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchivedObject;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An archive in an S3 bucket. Files up to one part are sent by one PUT, larger ones as a
 * multipart upload ({@link MultipartUpload}); each request body carries its Content-MD5, which the
 * server checks, and the object's ETag is compared with the one the MD5s predict, so a returned
 * upload holds the file's bytes. An existing object is never replaced: a HEAD before the upload,
 * and {@code If-None-Match: *} on the PUT or the completion where the server supports it.
 *
 * <p>The archive does not know the hashes of the blobs inside the objects: an object damaged in
 * the bucket after its upload reads back damaged, and the store's hash checks catch it.
 */
final class S3Archive implements Archive {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final S3Settings settings;
    private final S3Client client;
    private final S3Failures failures;
    private final ExecutorService parts;
    /** Cleared at the first 501 a conditional write gets: the HEAD alone guards from then on. */
    private final AtomicBoolean conditionalWrites = new AtomicBoolean(true);

    S3Archive(S3Settings settings, S3Client client) {
        this.settings = settings;
        this.client = client;
        this.failures = new S3Failures(settings);
        int pool = POOLS.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, "s3-archive-" + pool + "-part-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.parts = Executors.newFixedThreadPool(settings.threads(), daemons);
    }

    @Override
    public String location() {
        return settings.location();
    }

    S3Settings settings() {
        return settings;
    }

    S3Client client() {
        return client;
    }

    S3Failures failures() {
        return failures;
    }

    @Override
    public void upload(String name, Path file, Progress progress) throws IOException {
        String key = settings.key(check(name));
        long size = Files.size(file);
        if (exists(name, key)) {
            throw alreadyThere(name);
        }
        if (size <= settings.partSize()) {
            putWhole(name, key, file);
        } else {
            new MultipartUpload(this, name, key, file, size, parts, progress).run();
        }
        progress.sent(size);
    }

    private void putWhole(String name, String key, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] md5 = Md5.of(bytes, bytes.length);
        PutObjectResponse response;
        try {
            response = put(key, bytes, md5, conditionalWrites.get());
        } catch (AwsServiceException e) {
            if (e.statusCode() == 501 && conditionalWrites.compareAndSet(true, false)) {
                // the server does not implement If-None-Match: the HEAD above is the only guard
                response = putWithoutCondition(name, key, bytes, md5);
            } else {
                throw conditionalFailure(name, "upload of " + name, e);
            }
        } catch (SdkException e) {
            throw failures.classify("upload of " + name, name, e);
        }
        String expected = Md5.singleETag(md5);
        if (!expected.equals(Md5.unquote(response.eTag()))) {
            throw damaged(name, key, "the server's ETag " + response.eTag() + " is not the MD5 " + expected
                    + " of the file sent");
        }
    }

    /**
     * The exception for an object whose ETag is not the one its bytes predict, after removing the
     * object if the credentials allow, so that the next upload of the name starts afresh. (A
     * bucket that encrypts with SSE-KMS gives ETags that are no MD5: every upload fails so.)
     */
    IOException damaged(String name, String key, String why) {
        String outcome;
        try {
            client.deleteObject(b -> b.bucket(settings.bucket()).key(key));
            outcome = "it was removed";
        } catch (SdkException e) {
            outcome = "it could not be removed (" + e.getMessage() + ") and must not be trusted";
        }
        return new IOException("archive " + location() + ": upload of " + name + " failed its end-to-end check: " + why
                + "; " + outcome);
    }

    private PutObjectResponse putWithoutCondition(String name, String key, byte[] bytes, byte[] md5) throws IOException {
        try {
            return put(key, bytes, md5, false);
        } catch (SdkException e) {
            throw failures.classify("upload of " + name, name, e);
        }
    }

    private PutObjectResponse put(String key, byte[] bytes, byte[] md5, boolean conditional) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(settings.bucket()).key(key)
                .contentLength((long) bytes.length)
                .contentType(CONTENT_TYPE)
                .contentMD5(Md5.contentMd5(md5));
        if (conditional) {
            request.ifNoneMatch("*");
        }
        return client.putObject(request.build(),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes), bytes.length, CONTENT_TYPE));
    }

    /** Whether the server supports {@code If-None-Match: *} as far as this archive knows. */
    AtomicBoolean conditionalWrites() {
        return conditionalWrites;
    }

    /** @return the exception for a failed conditional write: 412 means someone else wrote the name first */
    IOException conditionalFailure(String name, String what, AwsServiceException e) {
        if (e.statusCode() == 412) {
            FileAlreadyExistsException exists = alreadyThere(name);
            exists.initCause(e);
            return exists;
        }
        return failures.classify(what, name, e);
    }

    FileAlreadyExistsException alreadyThere(String name) {
        return new FileAlreadyExistsException(name, null, "archive " + location() + " already holds " + name);
    }

    private boolean exists(String name, String key) throws IOException {
        try {
            head(name, key);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private HeadObjectResponse head(String name, String key) throws IOException {
        try {
            return client.headObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (SdkException e) {
            throw failures.classify("HEAD of " + name, name, e);
        }
    }

    @Override
    public List<ArchivedObject> list(String prefix) throws IOException {
        List<ArchivedObject> objects = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(settings.bucket()).prefix(settings.key(prefix)).build();
        try {
            for (S3Object o : client.listObjectsV2Paginator(request).contents()) {
                String name = o.key().substring(settings.prefix().length());
                if (NAME.matcher(name).matches()) {
                    objects.add(new ArchivedObject(name, o.size()));
                }
            }
        } catch (SdkException e) {
            throw failures.classify("listing of '" + prefix + "'", null, e);
        }
        // S3 lists in UTF-8 byte order, which is String order for the names the SPI allows
        objects.sort(Comparator.comparing(ArchivedObject::name));
        return objects;
    }

    @Override
    public byte[] read(String name, long offset, int length) throws IOException {
        String key = settings.key(check(name));
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("range " + offset + "+" + length);
        }
        if (length == 0) {
            // no Range header names zero bytes: a HEAD says whether the object and the offset exist
            long size = head(name, key).contentLength();
            if (offset > size) {
                throw beyondEnd(name, offset, length, size);
            }
            return new byte[0];
        }
        GetObjectRequest request = GetObjectRequest.builder().bucket(settings.bucket()).key(key)
                .range("bytes=" + offset + "-" + (offset + length - 1)).build();
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
            GetObjectResponse response = in.response();
            if (response.contentRange() == null && (offset > 0 || response.contentLength() > length)) {
                throw new IOException("archive " + location() + ": the server ignored the Range header of a read of " + name);
            }
            byte[] b = in.readNBytes(length);
            if (b.length < length) {
                throw beyondEnd(name, offset, length, offset + b.length);
            }
            return b;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 416) {
                EOFException eof = new EOFException("archive " + location() + ": " + name + " ends before " + (offset + length));
                eof.initCause(e);
                throw eof;
            }
            throw failures.classify("read of " + name, name, e);
        } catch (SdkException e) {
            throw failures.classify("read of " + name, name, e);
        }
    }

    private EOFException beyondEnd(String name, long offset, int length, long size) {
        return new EOFException("archive " + location() + ": " + name + " has " + size + " bytes, fewer than "
                + (offset + length));
    }

    @Override
    public InputStream open(String name) throws IOException {
        String key = settings.key(check(name));
        try {
            return client.getObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (SdkException e) {
            throw failures.classify("read of " + name, name, e);
        }
    }

    private static String check(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not an archive object name: '" + name + "'");
        }
        return name;
    }

    @Override
    public void close() {
        parts.shutdownNow();
        client.close();
    }

    @Override
    public String toString() {
        return location();
    }

    /** @return an interrupted upload's exception, with the thread's flag set again */
    static InterruptedIOException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException i = new InterruptedIOException(what + " was interrupted");
        i.initCause(e);
        return i;
    }
}
