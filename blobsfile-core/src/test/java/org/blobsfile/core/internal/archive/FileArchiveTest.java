package org.blobsfile.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ServiceLoader;
import org.blobsfile.api.spi.Archive;
import org.blobsfile.api.spi.ArchiveProvider;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.api.spi.ArchivedObject;
import org.blobsfile.tck.ArchiveContract;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FileArchiveTest extends ArchiveContract {
    @Override
    protected Archive emptyArchive() throws IOException {
        Path root = Files.createDirectories(temporaryDirectory().resolve("archive"));
        return new FileArchiveProvider().open(root.toUri());
    }

    @Test
    void theProviderIsFoundByItsScheme() {
        assertThat(ServiceLoader.load(ArchiveProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals("file")).findFirst())
                .hasValueSatisfying(p -> assertThat(p).isInstanceOf(FileArchiveProvider.class));
    }

    @Test
    void objectsAreFilesUnderTheRoot() throws IOException {
        upload("a/b/c", new byte[] {1, 2, 3});

        assertThat(temporaryDirectory().resolve("archive/a/b/c")).hasBinaryContent(new byte[] {1, 2, 3});
    }

    @Test
    void aMissingRootIsUnavailableInOneSentence() throws IOException {
        Path missing = temporaryDirectory().resolve("not-mounted");
        try (Archive a = new FileArchiveProvider().open(missing.toUri())) {
            assertThatThrownBy(() -> a.list(""))
                    .isInstanceOf(ArchiveUnavailableException.class)
                    .hasMessageContaining("directory " + missing + " does not exist");
            assertThatThrownBy(() -> a.upload("x", file(new byte[1]), Archive.Progress.NONE))
                    .isInstanceOf(ArchiveUnavailableException.class);
            assertThatThrownBy(() -> a.read("x", 0, 1)).isInstanceOf(ArchiveUnavailableException.class);
        }
    }

    @Test
    void aReadOnlyRootIsUnavailableOnUpload() throws IOException {
        Path root = Files.createDirectories(temporaryDirectory().resolve("read-only"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(root), "the superuser writes anywhere");
            try (Archive a = new FileArchiveProvider().open(root.toUri())) {
                assertThatThrownBy(() -> a.upload("x", file(new byte[1]), Archive.Progress.NONE))
                        .isInstanceOf(ArchiveUnavailableException.class)
                        .hasMessageContaining("not writable");
                assertThat(a.list("")).isEmpty();
            }
        } finally {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void temporaryFilesAreNeverListed() throws IOException {
        upload("packs/p1", new byte[10]);
        // what a crash in the middle of an upload leaves behind
        Files.write(temporaryDirectory().resolve("archive/packs/p2~0123abcd.upload"), new byte[5]);

        assertThat(archive().list("")).containsExactly(new ArchivedObject("packs/p1", 10));
        upload("packs/p2", new byte[7]);
        assertThat(archive().list("packs/")).containsExactly(new ArchivedObject("packs/p1", 10), new ArchivedObject("packs/p2", 7));
    }

    @Test
    void anUploadLeavesNoTemporaryFile() throws IOException {
        upload("d/x", new byte[100]);
        Path second = file(new byte[3]);
        assertThatThrownBy(() -> archive().upload("d/x", second, Archive.Progress.NONE)).isInstanceOf(IOException.class);

        try (var files = Files.list(temporaryDirectory().resolve("archive/d"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("x");
        }
    }

    @Test
    void namesThatLeaveTheRootAreRefused() {
        assertThatThrownBy(() -> upload("../escape", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> upload("/abs", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> archive().read("a/../../b", 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uriWithoutAnAbsolutePathIsRefused() {
        assertThatThrownBy(() -> new FileArchiveProvider().open(URI.create("file://host/x")))
                .isInstanceOf(IOException.class).hasMessageContaining("absolute directory path");
    }
}
