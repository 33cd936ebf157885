package org.blobsfile.codec.lz4;

import org.blobsfile.tck.StreamingStoreContract;

/** The streaming contract for this codec, on the core's store. */
class Lz4StreamingStoreTest extends StreamingStoreContract {
    @Override
    protected String codecName() {
        return "lz4";
    }

    @Override
    protected int codecId() {
        return Lz4Codec.ID;
    }
}
