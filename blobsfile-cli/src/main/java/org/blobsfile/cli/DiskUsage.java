package org.blobsfile.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How much disk files take. A compacted pack keeps its length but is mostly a hole, so only the
 * blocks the file system allocated show the space compaction gave back; the JDK reports no block
 * count, so they are asked of {@code du -k} (POSIX), and a system without it gets file sizes.
 * Stateless and thread-safe.
 */
final class DiskUsage {
    private DiskUsage() {
    }

    /**
     * @param bytes     the total
     * @param allocated true when it counts allocated blocks, false when file sizes
     */
    record Measure(long bytes, boolean allocated) {
        /** @return how the total was measured, for people */
        String how() {
            return allocated ? "allocated blocks, as du counts them" : "file sizes (du is not available), which count"
                    + " the holes of empty packs as if they were written";
        }
    }

    /**
     * @param files regular files
     * @return their allocated blocks in bytes, or their sizes when {@code du} cannot tell
     * @throws UncheckedIOException if a file's size cannot be read
     */
    static Measure of(List<Path> files) {
        if (files.isEmpty()) {
            return new Measure(0, true);
        }
        Long blocks = allocated(files);
        if (blocks != null) {
            return new Measure(blocks, true);
        }
        long total = 0;
        try {
            for (Path f : files) {
                total += Files.size(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Measure(total, false);
    }

    /** @return the KiB {@code du -k} reports for the files, in bytes; null when it cannot be run or fails */
    private static Long allocated(List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of("du", "-k", "--"));
        files.forEach(f -> cmd.add(f.toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), Charset.defaultCharset());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() != 0) {
                return null;
            }
            long kib = 0;
            int lines = 0;
            for (String line : out.join().split("\n")) {
                if (!line.isBlank()) {
                    kib += Long.parseLong(line.split("\\s+", 2)[0]);
                    lines++;
                }
            }
            return lines == files.size() ? kib * 1024 : null;
        } catch (IOException | java.util.concurrent.CompletionException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
