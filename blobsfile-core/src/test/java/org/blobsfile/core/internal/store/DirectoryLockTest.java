package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreLockedException;
import org.blobsfile.core.testing.LockProbe;
import org.blobsfile.core.testing.StoreTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operating system drops a process's lock on a file when the process closes any channel on
 * it: a second open of a store in the same JVM, refused, must not unlock the store for other
 * processes (which could then write to it beside this one).
 */
class DirectoryLockTest {
    @TempDir
    Path tmp;

    @Test
    void aRefusedSecondOpenInThisJvmLeavesTheStoreLockedForOtherProcesses() throws Exception {
        Path dir = tmp.resolve("store");
        try (BlobStore writer = StoreTestSupport.small(dir).open()) {
            writer.put(new byte[] {1});
            assertThatThrownBy(() -> StoreTestSupport.small(dir).open()).isInstanceOf(StoreLockedException.class);
            assertThatThrownBy(() -> BlobStore.builder(dir).readOnly().open()).isInstanceOf(StoreLockedException.class);

            assertThat(LockProbe.probe(dir.resolve(DirectoryLock.FILE_NAME))).isEqualTo("held");
        }
        try (BlobStore reader = BlobStore.builder(dir).readOnly().open()) {
            assertThatThrownBy(() -> StoreTestSupport.small(dir).open()).isInstanceOf(StoreLockedException.class);

            assertThat(LockProbe.probe(dir.resolve(DirectoryLock.FILE_NAME))).isEqualTo("held");
        }
        assertThat(LockProbe.probe(dir.resolve(DirectoryLock.FILE_NAME))).isEqualTo("free");
    }
}
