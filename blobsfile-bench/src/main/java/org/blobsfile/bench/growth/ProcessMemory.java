package org.blobsfile.bench.growth;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The memory of this process as Linux counts it: the resident set (native memory such as
 * RocksDB's caches included, which the JVM's own figures leave out) and its peak, from
 * {@code /proc/self/status}; and the JVM heap in use. Elsewhere than on Linux the resident
 * figures are -1.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private ProcessMemory() {
    }

    /** @return the resident set size in bytes ({@code VmRSS}), or -1 if unknown */
    public static long rss() {
        return statusField("VmRSS:");
    }

    /** @return the peak resident set size in bytes ({@code VmHWM}) since start or the last {@link #resetPeak()}, or -1 */
    public static long peakRss() {
        return statusField("VmHWM:");
    }

    /**
     * Starts a new peak from the current resident set, so each phase of a run reports its own
     * peak; Linux does this when "5" is written to {@code clear_refs}. Ignored where that fails.
     */
    public static void resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5", StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // an older kernel or a locked-down /proc: the peak then covers the whole process
        }
    }

    /** @return the bytes of heap in use now, garbage not yet collected included */
    public static long heapUsed() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /**
     * @return the bytes of the JVM's direct buffers, the NIO layer's cached temporary buffers
     *         included: a write of a large heap buffer copies it through a direct one as large,
     *         kept per thread
     */
    public static long directBytes() {
        long total = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                total += pool.getMemoryUsed();
            }
        }
        return total;
    }

    /**
     * @return the bytes this process has caused to be written to storage ({@code write_bytes} of
     *         {@code /proc/self/io}): packs, index files and their rewrites by compactions, or -1
     */
    public static long writtenBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static long statusField(String name) {
        try {
            List<String> lines = Files.readAllLines(STATUS);
            for (String line : lines) {
                if (line.startsWith(name)) {
                    // "VmRSS:\t  123456 kB"
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
