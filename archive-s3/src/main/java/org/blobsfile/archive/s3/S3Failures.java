package org.blobsfile.archive.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the SDK throws, once its retries are spent, into the archive SPI's exceptions: the
 * archive as a whole unavailable (unreachable, credentials refused, bucket missing, throttled)
 * as {@link ArchiveUnavailableException} with one sentence an operator can act on, a missing
 * object as {@link NoSuchFileException}, anything else as an {@link IOException} about one
 * object.
 */
final class S3Failures {
    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "AccessDenied", "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed");
    private static final Set<String> THROTTLE_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequests", "RequestThrottled");

    private final S3Settings settings;

    S3Failures(S3Settings settings) {
        this.settings = settings;
    }

    /**
     * @param what   what was being done, for the message ("upload of packs/p1")
     * @param name   the object concerned, or null for a listing
     * @param e      the SDK's failure
     * @return the exception to throw
     */
    IOException classify(String what, String name, SdkException e) {
        String at = "archive " + settings.location() + ": ";
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            int status = s.statusCode();
            if ("NoSuchBucket".equals(code)) {
                return new ArchiveUnavailableException(at + "bucket " + settings.bucket() + " does not exist; create it or fix the URI", e);
            }
            if (code != null && CREDENTIAL_CODES.contains(code) || status == 403) {
                return new ArchiveUnavailableException(at + "the server refused the credentials (" + (code == null ? "403" : code)
                        + "); check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile and its rights on bucket "
                        + settings.bucket(), e);
            }
            if (code != null && THROTTLE_CODES.contains(code) || status == 429 || status == 503 || s.isThrottlingException()) {
                return new ArchiveUnavailableException(at + "the server kept throttling (" + (code == null ? status : code)
                        + ") after " + settings.maxAttempts() + " attempts; try again later", e);
            }
            if (name != null && ("NoSuchKey".equals(code) || status == 404 && code == null)) {
                NoSuchFileException missing = new NoSuchFileException(name, null, at + "no object " + name);
                missing.initCause(e);
                return missing;
            }
            return new IOException(at + what + " failed: " + (code == null ? "" : code + " ") + "HTTP " + status
                    + (s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                            ? " (" + s.awsErrorDetails().errorMessage() + ")" : ""), e);
        }
        if (e instanceof AbortedException) {
            InterruptedIOException i = new InterruptedIOException(at + what + " was interrupted");
            i.initCause(e);
            return i;
        }
        if (unreachable(e)) {
            return new ArchiveUnavailableException(at + "cannot reach " + endpoint() + " (" + rootMessage(e)
                    + ") after " + settings.maxAttempts() + " attempts; check the endpoint and the network", e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return new ArchiveUnavailableException(at + "no credentials found; set AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY or configure a profile", e);
        }
        return new IOException(at + what + " failed: " + rootMessage(e), e);
    }

    private String endpoint() {
        return settings.endpoint() == null ? "S3" : settings.endpoint().toString();
    }

    private static boolean unreachable(Throwable e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
