package org.blobsfile.archive.s3;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 without the SHA-256 of the body over plain http. The SDK signs every body it sends
 * over http, a second pass over each part on top of the MD5 the archive computes; the body is
 * already bound to the signature by the signed {@code Content-MD5} header the server checks, so
 * the hash adds no integrity here. The SDK offers no switch for http (it turns payload signing
 * back on), so the request is signed as if it went over https, with
 * {@link AwsV4FamilyHttpSigner#PAYLOAD_SIGNING_ENABLED} off, then sent over http as it was:
 * the scheme is no part of what SigV4 signs. Only for ports other than 80 and 443, where the
 * {@code Host} header the signer writes is the same either way; requests without a body, over
 * https, or on those ports are signed as the SDK would.
 */
final class UnsignedPayloadSigner implements HttpSigner<AwsCredentialsIdentity> {
    private final HttpSigner<AwsCredentialsIdentity> sigv4;

    private UnsignedPayloadSigner(HttpSigner<AwsCredentialsIdentity> sigv4) {
        this.sigv4 = sigv4;
    }

    /** @return the SDK's SigV4 scheme, its signer wrapped in this one */
    static AuthScheme<AwsCredentialsIdentity> scheme() {
        AwsV4AuthScheme sdk = AwsV4AuthScheme.create();
        UnsignedPayloadSigner signer = new UnsignedPayloadSigner(sdk.signer());
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return sdk.schemeId();
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return sdk.identityProvider(providers);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return signer;
            }
        };
    }

    /** @return whether a request may be signed as over https and sent over http unchanged */
    static boolean unsignedOverHttp(SdkHttpRequest request, boolean hasBody) {
        return hasBody && "http".equals(request.protocol()) && request.port() != 80 && request.port() != 443;
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        return signAs(request);
    }

    private <T extends AwsCredentialsIdentity> SignedRequest signAs(SignRequest<T> request) {
        SdkHttpRequest http = request.request();
        if (!unsignedOverHttp(http, request.payload().isPresent())) {
            return sigv4.sign(request);
        }
        SignRequest<T> overTls = request.copy(b -> b
                .request(http.toBuilder().protocol("https").port(http.port()).build())
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        SignedRequest signed = sigv4.sign(overTls);
        return signed.copy(b -> b.request(signed.request().toBuilder().protocol(http.protocol()).port(http.port()).build()));
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        // the archive's client is synchronous
        return sigv4.signAsync(request);
    }
}
