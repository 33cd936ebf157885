package org.blobsfile.codec.zstd;

import org.blobsfile.tck.StreamingStoreContract;

/** The streaming contract for this codec, on the core's store. */
class ZstdStreamingStoreTest extends StreamingStoreContract {
    @Override
    protected String codecName() {
        return "zstd";
    }

    @Override
    protected int codecId() {
        return ZstdCodec.ID;
    }
}
