package org.blobsfile.cli.fuzz;

import java.util.List;
import java.util.Random;

/**
 * Everything one case is, derived from the run's seed and the case number alone: replaying a
 * seed and a case number damages the same store the same way and runs the same operation.
 *
 * @param number    the case number in the run
 * @param seed      the case's own seed
 * @param shape     the store damaged
 * @param kind      the damage
 * @param withIndex whether the index is left in place (otherwise open rebuilds it from the packs)
 * @param sealed    whether the damage targets a sealed pack (otherwise the active one)
 * @param op        the operation judged
 * @param viaCli    whether the operation runs as a command, judged by its exit code too
 */
record FuzzCase(int number, long seed, StoreShape shape, DamageKind kind, boolean withIndex, boolean sealed, Op op,
                boolean viaCli) {
    /** The operations judged after the damage. */
    enum Op {
        /** open, read every blob, close, open again. */
        OPEN,
        /** {@code verify}. */
        VERIFY,
        /** {@code repair}: rebuilds from parity, quarantines what is beyond it. */
        REPAIR,
        /** {@code reindex}: rebuilds the index from the packs. */
        REINDEX
    }

    /**
     * @param runSeed the run's seed
     * @param number  the case number
     * @return the case
     */
    static FuzzCase of(long runSeed, int number, List<StoreShape> shapes) {
        long seed = mix(runSeed + 0x9E37_79B9_7F4A_7C15L * (number + 1));
        Random rnd = new Random(seed);
        StoreShape shape = shapes.get(rnd.nextInt(shapes.size()));
        DamageKind[] kinds = DamageKind.values();
        DamageKind kind = kinds[rnd.nextInt(kinds.length)];
        if (kind.needsDeletionLog() && !shape.compacted()) {
            // chosen without the case's random source, so that the draws below stay what they were
            List<StoreShape> compacted = shapes.stream().filter(StoreShape::compacted).toList();
            if (compacted.isEmpty()) {
                kind = DamageKind.BIT_FLIPS; // no store with a deletion log among these shapes
            } else {
                shape = compacted.get(Math.floorMod(seed, compacted.size()));
            }
        }
        boolean withIndex = rnd.nextBoolean();
        boolean sealed = kind.wantsSealed() || rnd.nextBoolean();
        Op op = kind == DamageKind.BEYOND_PARITY && rnd.nextInt(4) != 0 ? Op.REPAIR : Op.values()[rnd.nextInt(4)];
        boolean viaCli = rnd.nextInt(4) == 0;
        return new FuzzCase(number, seed, shape, kind, withIndex, sealed, op, viaCli);
    }

    /** @return a random source for the damage, separate from the draws above */
    Random damageRandom() {
        return new Random(mix(seed));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "case " + number + " " + kind.label() + " on " + (sealed ? "a sealed" : "the active") + " pack, "
                + shape + ", " + (withIndex ? "with" : "without") + " index, " + op.name().toLowerCase(java.util.Locale.ROOT)
                + (viaCli ? " via the command line" : "");
    }
}
