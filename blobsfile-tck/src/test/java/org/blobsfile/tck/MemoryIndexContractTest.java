package org.blobsfile.tck;

import org.blobsfile.api.spi.IndexProvider;

/** Runs the index contract on the in-memory reference index, with its opt-outs declared. */
class MemoryIndexContractTest extends BlobIndexContract {
    @Override
    protected IndexProvider provider() {
        return new MemoryIndexProvider();
    }

    @Override
    protected boolean hasBehavior(IndexBehavior behavior) {
        return switch (behavior) {
            case PERSISTENT, EXCLUSIVE_OPEN, DETECTS_DAMAGED_FILES, READ_ONLY_OPEN -> false;
            case CONCURRENT_WRITES -> true;
        };
    }
}
