package org.blobsfile.archive.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** The MD5 digests S3 checks: Content-MD5 of each request body, and the ETag of the object. */
final class Md5 {
    private Md5() {
    }

    /** @return a new MD5 digest */
    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** @return the MD5 of {@code len} bytes of {@code b} */
    static byte[] of(byte[] b, int len) {
        MessageDigest d = digest();
        d.update(b, 0, len);
        return d.digest();
    }

    /** @return the value of a Content-MD5 header */
    static String contentMd5(byte[] md5) {
        return Base64.getEncoder().encodeToString(md5);
    }

    /** @return the ETag S3 gives an object stored by one PUT: the hex MD5 of its bytes */
    static String singleETag(byte[] md5) {
        return HexFormat.of().formatHex(md5);
    }

    /**
     * @param partMd5s the MD5 of each part, in part order
     * @return the ETag S3 gives an object assembled from parts: the hex MD5 of the parts' MD5s
     *         one after the other, a dash and the number of parts
     */
    static String multipartETag(List<byte[]> partMd5s) {
        MessageDigest d = digest();
        partMd5s.forEach(d::update);
        return HexFormat.of().formatHex(d.digest()) + "-" + partMd5s.size();
    }

    /** @return an ETag without the quotes servers put around it, lowercase */
    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.toLowerCase(java.util.Locale.ROOT);
    }
}
