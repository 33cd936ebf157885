package org.blobsfile.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Kill cycles run in two lanes side by side, one store each, to use both cores. */
final class Lanes {
    private Lanes() {
    }

    /** The cycles of one lane. */
    interface Lane {
        /**
         * @param lane   0 or 1
         * @param seed   the lane's seed
         * @param cycles how many cycles it runs
         * @throws Exception what a cycle's check threw
         */
        void run(int lane, long seed, int cycles) throws Exception;
    }

    /**
     * Splits {@code cycles} over two lanes, lane {@code l} seeded with {@code seed + l}, and
     * waits for both.
     *
     * @throws Exception the first lane's failure, as an {@link java.util.concurrent.ExecutionException}
     */
    static void run(long seed, int cycles, Lane lane) throws Exception {
        ExecutorService lanes = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int l = 0; l < 2; l++) {
                int n = l;
                fs.add(lanes.submit(() -> {
                    lane.run(n, seed + n, (cycles + 1 - n) / 2);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            lanes.shutdownNow();
        }
    }
}
