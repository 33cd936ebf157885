package org.blobsfile.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.blobsfile.core.internal.pack.VerifyLedger;

/**
 * Every file and directory under a directory, with the size and SHA-256 of each file: two
 * snapshots are equal when nothing was created, removed, renamed or written in between. The
 * verify ledger is left out: it is the one file a read-only store's {@code verify} appends to,
 * and the tests of the ledger look at it themselves.
 */
public final class DirectorySnapshot {
    private DirectorySnapshot() {
    }

    /**
     * @param dir a directory
     * @return relative path to "dir", or to "size sha256" for a file, in path order
     */
    public static Map<String, String> of(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !p.equals(dir.resolve(VerifyLedger.FILE_NAME))).forEach(p -> {
                String name = dir.relativize(p).toString();
                try {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        out.put(name, "dir");
                    } else if (Files.isSymbolicLink(p)) {
                        out.put(name, "link " + Files.readSymbolicLink(p));
                    } else {
                        out.put(name, Files.size(p) + " " + sha256(Files.readAllBytes(p)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
