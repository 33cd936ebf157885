/**
 * The {@code s3:} archive tier: sealed packs kept in an S3 bucket, on the AWS SDK for Java v2.
 */
module org.blobsfile.archive.s3 {
    requires org.blobsfile.api;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.http.auth.spi;
    requires software.amazon.awssdk.http.auth.aws;

    provides org.blobsfile.api.spi.ArchiveProvider with org.blobsfile.archive.s3.S3ArchiveProvider;
}
