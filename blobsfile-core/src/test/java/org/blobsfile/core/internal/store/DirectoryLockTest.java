package org.blobsfile.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.StoreLockedException;
import org.blobsfile.core.testing.LockProbe;
import org.blobsfile.core.testing.StoreTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operating system drops a process's lock on a file when the process closes any channel on
 * it: a second open of a store in the same JVM, refused, and a read-only store opened beside a
 * writer, must not unlock the store for other processes (which could then write to it beside
 * this one). A read-only store takes no lock, so it keeps no writer out.
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
            BlobRef second = writer.put(new byte[] {2});
            try (BlobStore reader = BlobStore.builder(dir).readOnly().open()) {
                assertThat(reader.get(second)).containsExactly(2);
            }

            assertThat(DirectoryLock.heldForWriting(dir)).isTrue();
            assertThat(LockProbe.probe(dir.resolve(DirectoryLock.FILE_NAME))).isEqualTo("held");
        }
        try (BlobStore reader = BlobStore.builder(dir).readOnly().open()) {
            assertThat(LockProbe.probe(dir.resolve(DirectoryLock.FILE_NAME))).isEqualTo("free");
            assertThat(DirectoryLock.heldForWriting(dir)).isFalse();
            try (BlobStore writer = StoreTestSupport.small(dir).open()) {
                assertThat(LockProbe.probe(dir.resolve(DirectoryLock.FILE_NAME))).isEqualTo("held");
            }
        }
        assertThat(LockProbe.probe(dir.resolve(DirectoryLock.FILE_NAME))).isEqualTo("free");
    }
}
