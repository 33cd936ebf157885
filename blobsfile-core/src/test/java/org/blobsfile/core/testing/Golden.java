package org.blobsfile.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.EntryHeader;
import org.blobsfile.core.internal.pack.PackFormat;

/**
 * The golden v1 corpus as shipped in the test resources: cases, their manifests and packs, the
 * put sequences, and the damaged packs derived from {@code sealed}.
 */
public final class Golden {
    /** Cases that have a store of their own. */
    public static final List<String> STORE_CASES = List.of("plain", "snappy", "sealed", "sealed-odd", "sealed-snappy", "zstd-legacy");
    /** Cases whose packs a writer with no compression must reproduce byte for byte. */
    public static final List<String> BYTE_EXACT_CASES = List.of("plain", "sealed", "sealed-odd");

    private Golden() {
    }

    /** One manifest row. */
    public record Row(String hash, long size, int pack, long offset, long storedSize, int flag, int codecId) {
    }

    /** One damage.tsv row. */
    public record Damage(int pack, long offset, int length, String region, String blob, byte[] newBytes) {
    }

    public static Path root() {
        URL u = Golden.class.getResource("/golden/v1/README.md");
        if (u == null) {
            throw new IllegalStateException("golden corpus missing from the test resources");
        }
        try {
            return Path.of(u.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path caseDir(String name) {
        return root().resolve(name);
    }

    /** @return the shared corpus beside the project, when this machine has it */
    public static Optional<Path> shared() {
        String p = System.getProperty("blobsfile.golden.shared");
        if (p == null) {
            return Optional.empty();
        }
        Path d = Path.of(p);
        return Files.isDirectory(d) ? Optional.of(d) : Optional.empty();
    }

    public static Properties props(String name) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(caseDir(name).resolve("case.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static long maxPackSize(String name) {
        return Long.parseLong(props(name).getProperty("max_pack_size"));
    }

    public static List<Row> manifest(String name) {
        List<Row> rows = new ArrayList<>();
        for (String[] f : tsv(caseDir(name).resolve("manifest.tsv"))) {
            rows.add(new Row(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6])));
        }
        return rows;
    }

    public static List<Damage> damage(String name) {
        List<Damage> out = new ArrayList<>();
        for (String[] f : tsv(caseDir(name).resolve("damage.tsv"))) {
            out.add(new Damage(Integer.parseInt(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3], f[4],
                    HexFormat.of().parseHex(f[6])));
        }
        return out;
    }

    /** @return file name to sha256 hex, from a {@code sha256sum}-style file of the case */
    public static Map<String, String> sums(String name, String file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(caseDir(name).resolve(file))) {
                if (!line.isBlank()) {
                    String[] f = line.trim().split("\\s+");
                    out.put(Path.of(f[1].replace("*", "")).getFileName().toString(), f[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** @return the hashes of the case's puts, in order, duplicates included */
    public static List<String> puts(String name) {
        try {
            return Files.readAllLines(caseDir(name).resolve("puts.txt")).stream().filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the bytes of every blob of the case, read straight from its packs by the manifest */
    public static Map<String, byte[]> blobsByHash(String name) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Row r : manifest(name)) {
            if (r.flag() != PackFormat.FLAG_BLOB) {
                throw new IllegalArgumentException(name + " is compressed; read its blobs through a store");
            }
            try (FileChannel ch = FileChannel.open(caseDir(name).resolve("store").resolve(PackFormat.fileName(r.pack())),
                    StandardOpenOption.READ)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) r.storedSize());
                while (b.hasRemaining()) {
                    ch.read(b, r.offset() + EntryHeader.LENGTH + b.position());
                }
                out.put(r.hash(), b.array());
            }
        }
        return out;
    }

    /** Copies the case's packs into {@code dir} (writable), the damaged cases derived from {@code sealed}. */
    public static Path copyStore(String name, Path dir) throws IOException {
        Files.createDirectories(dir);
        boolean corrupt = name.startsWith("corrupt-");
        Path src = caseDir(corrupt ? "sealed" : name).resolve("store");
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.sorted().toList()) {
                Path t = dir.resolve(p.getFileName().toString());
                Files.copy(p, t);
                t.toFile().setWritable(true);
            }
        }
        if (corrupt) {
            for (Damage d : damage(name)) {
                try (FileChannel ch = FileChannel.open(dir.resolve(PackFormat.fileName(d.pack())), StandardOpenOption.WRITE)) {
                    PositionalIo.writeFully(ch, d.offset(), java.nio.ByteBuffer.wrap(d.newBytes()));
                }
            }
        }
        return dir;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    /** @return the sha256 of the first {@code length} bytes of {@code file} */
    public static String sha256Prefix(Path file, long length) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return sha256(java.util.Arrays.copyOf(all, (int) Math.min(all.length, length)));
    }

    public static List<String[]> tsv(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            List<String[]> out = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) {
                if (!l.isBlank()) {
                    out.add(l.split("\t", -1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
