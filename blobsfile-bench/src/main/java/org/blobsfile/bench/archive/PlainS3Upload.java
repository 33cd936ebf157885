package org.blobsfile.bench.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The baseline the s3: archive is measured against: a plain multipart upload with the SDK, the
 * same part size and the same number of parts in flight, without the HEAD before or the ETag check
 * after, and with or without Content-MD5 (what the end-to-end check costs the client and the server).
 */
final class PlainS3Upload {
    private PlainS3Upload() {
    }

    static void upload(S3Client client, ExecutorService pool, int threads, String bucket, String key, Path file,
            int partSize, boolean contentMd5) throws IOException, InterruptedException, ExecutionException {
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        Deque<Future<CompletedPart>> sending = new ArrayDeque<>();
        List<CompletedPart> done = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            int count = Math.toIntExact((size + partSize - 1) / partSize);
            for (int number = 1; number <= count; number++) {
                if (sending.size() >= threads) {
                    done.add(sending.removeFirst().get());
                }
                long offset = (long) (number - 1) * partSize;
                byte[] bytes = new byte[(int) Math.min(partSize, size - offset)];
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    in.read(buffer, offset + buffer.position());
                }
                int n = number;
                sending.addLast(pool.submit(() -> {
                    String md5 = contentMd5 ? Base64.getEncoder().encodeToString(
                            MessageDigest.getInstance("MD5").digest(bytes)) : null;
                    String eTag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n)
                            .contentLength((long) bytes.length).contentMD5(md5),
                            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes), bytes.length,
                                    "application/octet-stream")).eTag();
                    return CompletedPart.builder().partNumber(n).eTag(eTag).build();
                }));
            }
            while (!sending.isEmpty()) {
                done.add(sending.removeFirst().get());
            }
        }
        client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done)));
    }
}
