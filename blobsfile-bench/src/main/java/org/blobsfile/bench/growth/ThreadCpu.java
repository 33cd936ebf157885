package org.blobsfile.bench.growth;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this process's threads whose name starts with a prefix, from
 * {@code /proc/self/task/*}{@code /stat}: it sees native threads the JVM does not know, such as
 * RocksDB's flush and compaction threads ({@code rocksdb:low}, {@code rocksdb:high}). A thread
 * that has ended no longer counts. Elsewhere than on Linux, 0.
 */
final class ThreadCpu {
    /** Linux reports thread times in clock ticks of this many per second on every common build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ThreadCpu() {
    }

    /** @return the CPU seconds, user and system, of the live threads named {@code prefix*} */
    static double seconds(String prefix) {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                ticks += ticks(task.resolve("stat"), prefix);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
        return ticks / TICKS_PER_SECOND;
    }

    private static long ticks(Path stat, String prefix) {
        try {
            String s = Files.readString(stat);
            int open = s.indexOf('(');
            int close = s.lastIndexOf(')');
            if (open < 0 || close < open || !s.substring(open + 1, close).startsWith(prefix)) {
                return 0;
            }
            // after the name: state is field 3, utime field 14 and stime field 15
            String[] f = s.substring(close + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended while being read
        }
    }
}
