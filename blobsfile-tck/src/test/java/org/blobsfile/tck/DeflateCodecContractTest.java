package org.blobsfile.tck;

import org.blobsfile.api.spi.Codec;

/** Runs the codec contract on a JDK-only test codec. */
class DeflateCodecContractTest extends CodecContract {
    @Override
    protected Codec codec() {
        return new DeflateCodec();
    }
}
