package org.blobsfile.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * A rough single-thread throughput print for {@link ReedSolomon#encodeParity} against
 * {@link NaiveReedSolomon}, to see at a glance that the inner loop is in the right range. Not a
 * test and not a benchmark (the JMH ones live in blobsfile-bench). Run with
 * {@code java -cp target/classes:target/test-classes org.blobsfile.core.RsThroughputMain [shardKiB]}.
 */
public final class RsThroughputMain {

    private RsThroughputMain() {
    }

    public static void main(String[] args) {
        int shard = (args.length > 0 ? Integer.parseInt(args[0]) : 1024) * 1024;
        int k = 10;
        int m = 2;
        byte[][] shards = new byte[k + m][shard];
        Random rnd = new Random(1);
        for (int i = 0; i < k; i++) {
            rnd.nextBytes(shards[i]);
        }
        ReedSolomon fast = new ReedSolomon(k, m);
        NaiveReedSolomon naive = new NaiveReedSolomon(k, m);
        for (int round = 0; round < 3; round++) {
            double f = measure(() -> fast.encodeParity(shards, 0, shard), (long) k * shard, 1.0);
            double n = measure(() -> naive.encodeParity(shards, 0, shard), (long) k * shard, 1.0);
            double v = measure(() -> fast.isParityCorrect(shards, 0, shard), (long) k * shard, 1.0);
            System.out.printf("(10,2) shard %d KiB: encodeParity %.2f GB/s, naive %.3f GB/s (x%.0f), isParityCorrect %.2f GB/s%n",
                    shard / 1024, f, n, f / n, v);
        }
    }

    /**
     * Runs {@code op} for about {@code seconds} of this thread's CPU time and returns data bytes per
     * CPU nanosecond (= GB/s). CPU time rather than wall time, because the machines this runs on
     * are shared and a descheduled thread says nothing about the loop.
     */
    private static double measure(Runnable op, long bytesPerOp, double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long start = mx.getCurrentThreadCpuTime();
        long deadline = start + (long) (seconds * 1e9);
        long ops = 0;
        long now;
        do {
            op.run();
            ops++;
            now = mx.getCurrentThreadCpuTime();
        } while (now < deadline);
        return (double) bytesPerOp * ops / (now - start);
    }
}
