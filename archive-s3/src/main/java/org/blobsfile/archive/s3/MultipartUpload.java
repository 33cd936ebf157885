package org.blobsfile.archive.s3;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.blobsfile.api.spi.Archive;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One file sent as a multipart upload: parts are read in order, each with its MD5 sent as
 * Content-MD5, and handed to a small pool of threads; at most {@code threads} parts are in
 * memory at once. The completed object's ETag must be the one the parts' MD5s predict. A failure
 * aborts the upload, so no part lingers and nothing is listed under the name.
 */
final class MultipartUpload {
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Archive archive;
    private final S3Settings settings;
    private final String name;
    private final String key;
    private final Path file;
    private final long size;
    private final ExecutorService pool;
    private final Archive.Progress progress;

    /** A part the server accepted. */
    private record Part(int number, int length, String eTag, byte[] md5) {
    }

    MultipartUpload(S3Archive archive, String name, String key, Path file, long size, ExecutorService pool,
            Archive.Progress progress) {
        this.archive = archive;
        this.settings = archive.settings();
        this.name = name;
        this.key = key;
        this.file = file;
        this.size = size;
        this.pool = pool;
        this.progress = progress;
    }

    void run() throws IOException {
        String uploadId;
        try {
            uploadId = archive.client().createMultipartUpload(b -> b.bucket(settings.bucket()).key(key)
                    .contentType(CONTENT_TYPE)).uploadId();
        } catch (SdkException e) {
            throw archive.failures().classify("upload of " + name, name, e);
        }
        Deque<Future<Part>> sending = new ArrayDeque<>();
        try {
            List<byte[]> md5s = new ArrayList<>();
            List<CompletedPart> done = sendParts(uploadId, md5s, sending);
            complete(uploadId, done, Md5.multipartETag(md5s));
        } catch (IOException | RuntimeException | Error e) {
            sending.forEach(f -> f.cancel(true));
            abort(uploadId, e);
            throw e;
        }
    }

    private List<CompletedPart> sendParts(String uploadId, List<byte[]> md5s, Deque<Future<Part>> sending)
            throws IOException {
        int partSize = settings.partSize();
        int count = Math.toIntExact((size + partSize - 1) / partSize);
        List<CompletedPart> done = new ArrayList<>(count);
        long sent = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int number = 1; number <= count; number++) {
                if (sending.size() >= settings.threads()) {
                    sent += collect(sending.removeFirst(), done, md5s);
                    progress.sent(sent);
                }
                long offset = (long) (number - 1) * partSize;
                byte[] bytes = new byte[(int) Math.min(partSize, size - offset)];
                readFully(in, bytes, offset);
                int n = number;
                // the digest is computed on the pool's thread, beside the other parts' sending
                sending.addLast(pool.submit(() -> sendPart(uploadId, n, bytes)));
            }
            while (!sending.isEmpty()) {
                sent += collect(sending.removeFirst(), done, md5s);
                progress.sent(sent);
            }
        }
        return done;
    }

    private void readFully(FileChannel in, byte[] bytes, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            if (in.read(b, offset + b.position()) < 0) {
                throw new EOFException(file + " shrank during its upload to archive " + archive.location());
            }
        }
    }

    private Part sendPart(String uploadId, int number, byte[] bytes) throws IOException {
        byte[] md5 = Md5.of(bytes, bytes.length);
        UploadPartResponse response;
        try {
            response = archive.client().uploadPart(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId)
                    .partNumber(number).contentLength((long) bytes.length).contentMD5(Md5.contentMd5(md5)),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes), bytes.length, CONTENT_TYPE));
        } catch (SdkException e) {
            throw archive.failures().classify("upload of part " + number + " of " + name, name, e);
        }
        String expected = Md5.singleETag(md5);
        if (!expected.equals(Md5.unquote(response.eTag()))) {
            throw new IOException("archive " + archive.location() + ": the server's ETag " + response.eTag() + " of part "
                    + number + " of " + name + " is not its MD5 " + expected);
        }
        return new Part(number, bytes.length, response.eTag(), md5);
    }

    /** Waits for the oldest part in flight; parts are collected in order, so their MD5s are too. */
    private static long collect(Future<Part> sending, List<CompletedPart> done, List<byte[]> md5s) throws IOException {
        try {
            Part p = sending.get();
            md5s.add(p.md5());
            done.add(CompletedPart.builder().partNumber(p.number()).eTag(p.eTag()).build());
            return p.length();
        } catch (InterruptedException e) {
            throw S3Archive.interrupted("a part upload", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    private void complete(String uploadId, List<CompletedPart> done, String expected) throws IOException {
        CompleteMultipartUploadResponse response;
        try {
            response = archive.client().completeMultipartUpload(request(uploadId, done, archive.conditionalWrites().get()));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 501 && archive.conditionalWrites().compareAndSet(true, false)) {
                // the server does not implement If-None-Match: the HEAD before the upload is the only guard
                response = completeWithoutCondition(uploadId, done);
            } else {
                throw archive.conditionalFailure(name, "completion of " + name, e);
            }
        } catch (SdkException e) {
            throw archive.failures().classify("completion of " + name, name, e);
        }
        if (!expected.equals(Md5.unquote(response.eTag()))) {
            throw archive.damaged(name, key, "the server's ETag " + response.eTag() + " is not the " + expected
                    + " its parts' MD5s give");
        }
    }

    private CompleteMultipartUploadResponse completeWithoutCondition(String uploadId, List<CompletedPart> done)
            throws IOException {
        try {
            return archive.client().completeMultipartUpload(request(uploadId, done, false));
        } catch (SdkException e) {
            throw archive.failures().classify("completion of " + name, name, e);
        }
    }

    private CompleteMultipartUploadRequest request(String uploadId, List<CompletedPart> done, boolean conditional) {
        CompleteMultipartUploadRequest.Builder b = CompleteMultipartUploadRequest.builder()
                .bucket(settings.bucket()).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(done));
        if (conditional) {
            b.ifNoneMatch("*");
        }
        return b.build();
    }

    private void abort(String uploadId, Throwable failure) {
        try {
            archive.client().abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            // the server may be gone; its lifecycle rules or a later abort clear the parts
            failure.addSuppressed(e);
        }
    }
}
