package org.blobsfile.cli.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.VerifyReport;

/**
 * Judges one damaged store: opens it, reads every blob, runs the case's operation, reads again,
 * reopens and reads again, and records every invariant the store breaks on the way. The oracle
 * never trusts the store's own account: what is readable is what {@code get} returns with the
 * right bytes, and what a correct tool must still find is read from the files themselves.
 */
final class Oracle {
    /** How much one session may allocate beyond a generous multiple of the store's size. */
    private static final long ALLOCATION_SLACK = 96L << 20;

    /** The most one open-read-operate session allocated in its thread, over the run. */
    static final java.util.concurrent.atomic.AtomicLong LARGEST_SESSION = new java.util.concurrent.atomic.AtomicLong();

    private final FuzzCase c;
    private final StoreTemplate template;
    private final Path dir;
    private final PhysicalState before;
    private final List<Finding> findings = java.util.Collections.synchronizedList(new ArrayList<>());

    Oracle(FuzzCase c, StoreTemplate template, Path dir, PhysicalState before) {
        this.c = c;
        this.template = template;
        this.dir = dir;
        this.before = before;
    }

    /** @return what the case broke, in the order found */
    List<Finding> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    private void found(Column column, String message) {
        findings.add(new Finding(column, message));
    }

    /** Runs the whole case. */
    void run() {
        String exactPack = c.op() == FuzzCase.Op.REPAIR ? before.repairableSealedPack() : null;
        Set<BlobRef> r1;
        Named named = new Named();
        Boolean saidClean = null;
        Set<BlobRef> r2 = null;
        long allocated = allocatedBytes();
        try (BlobStore store = open("first open")) {
            if (store == null) {
                return;
            }
            r1 = readAll(store, "after open");
            if (!c.viaCli()) {
                saidClean = operate(store, named);
                r2 = readAll(store, "after " + opName());
            }
        }
        checkAllocation(allocated, "open, reads and " + opName());
        for (BlobRef ref : template.blobs.keySet()) {
            if (before.intactInPlace(ref) && !r1.contains(ref)) {
                found(Column.HIDDEN, blob(ref) + " is intact in " + template.entryOf.get(ref).pack()
                        + " but unreadable after open");
            }
        }
        if (c.viaCli()) {
            saidClean = command(r1, named);
        }
        Set<BlobRef> r3;
        try (BlobStore store = open("reopen after " + opName())) {
            if (store == null) {
                return;
            }
            r3 = readAll(store, "after reopen");
        }
        Set<BlobRef> after = new HashSet<>(r3);
        if (r2 != null) {
            after.retainAll(r2);
        }
        for (BlobRef ref : r1) {
            if (!after.contains(ref) && evidenced(ref)) {
                found(Column.LOST_BY_TOOL, blob(ref) + " readable after open, unreadable after " + opName()
                        + (r2 != null && r2.contains(ref) ? " and reopen" : ""));
            }
        }
        for (BlobRef ref : template.blobs.keySet()) {
            // a pack renamed or copied keeps its entries at their offsets: an index re-derived from the packs finds them
            if ((c.op() == FuzzCase.Op.REINDEX || c.op() == FuzzCase.Op.REPAIR) && !before.intactInPlace(ref)
                    && before.intactAnywhere(ref) && !r3.contains(ref)) {
                found(Column.HIDDEN, blob(ref) + " is intact at its offset in another pack file but unreadable after "
                        + opName());
            }
        }
        judgeReports(r1, r3, saidClean, named);
        if (exactPack != null) {
            checkExactRepair(exactPack);
        }
    }

    /**
     * @return whether a read of the blob proves its bytes are on disk: any location of the empty
     *     blob reads as its zero bytes, so only its entry proves it is still there
     */
    private boolean evidenced(BlobRef ref) {
        return template.blobs.get(ref).length > 0 || before.intactAnywhere(ref);
    }

    private String opName() {
        return c.op().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String blob(BlobRef ref) {
        return "blob " + ref.hex().substring(0, 12);
    }

    private BlobStore open(String when) {
        try {
            return BlobStore.builder(dir).codec(c.shape().codec()).index(c.shape().index()).open();
        } catch (BlobStoreException e) {
            found(Column.UNOPENABLE, when + " failed: " + oneLine(e));
        } catch (OutOfMemoryError e) {
            found(Column.ALLOCATION, when + ": " + oneLine(e));
        } catch (RuntimeException e) {
            found(Column.CRASH, when + " threw " + oneLine(e));
        }
        return null;
    }

    /** @return the blobs whose bytes came back right; wrong bytes and odd exceptions are findings */
    private Set<BlobRef> readAll(BlobStore store, String when) {
        Set<BlobRef> ok = new LinkedHashSet<>();
        for (Map.Entry<BlobRef, byte[]> e : template.blobs.entrySet()) {
            try {
                byte[] got = store.get(e.getKey());
                if (Arrays.equals(got, e.getValue())) {
                    ok.add(e.getKey());
                } else {
                    found(Column.WRONG_BYTES, when + ": get " + blob(e.getKey()) + " returned " + got.length
                            + " wrong bytes (expected " + e.getValue().length + ")");
                }
            } catch (BlobStoreException expected) {
                // unreadable, said so: the oracle decides whether it should have been readable
            } catch (OutOfMemoryError oom) {
                found(Column.ALLOCATION, when + ": get " + blob(e.getKey()) + ": " + oneLine(oom));
            } catch (RuntimeException odd) {
                found(Column.CRASH, when + ": get " + blob(e.getKey()) + " threw " + oneLine(odd));
            }
        }
        lookForDeleted(store, when);
        return ok;
    }

    /**
     * A deleted blob must stay absent through every damage to the packs and every operation:
     * dead entries of it may still lie in packs that were not compacted, and no walk of the packs
     * may take them back. Damage to the deletion log itself may lose deletions, so it is not held
     * to this; nor is a blob whose dead entry a copied or swapped pack put after its deletion.
     */
    private void lookForDeleted(BlobStore store, String when) {
        if (c.kind().needsDeletionLog()) {
            return;
        }
        for (BlobRef ref : template.deleted.keySet()) {
            if (before.deadEntryMovedLater(ref)) {
                continue;
            }
            try {
                if (store.exists(ref)) {
                    found(Column.RESURRECTED, when + ": deleted " + blob(ref) + " is back");
                }
            } catch (RuntimeException odd) {
                found(Column.CRASH, when + ": exists " + blob(ref) + " threw " + oneLine(odd));
            }
        }
    }

    /** Runs the operation in process; @return whether it called the store clean or complete, null if it says nothing */
    private Boolean operate(BlobStore store, Named named) {
        try {
            switch (c.op()) {
                case VERIFY -> {
                    VerifyReport r = store.verify();
                    return r.isClean();
                }
                case REPAIR -> {
                    RepairReport r = store.repair();
                    named.add(r);
                    return r.isComplete();
                }
                case REINDEX -> store.rebuildIndex();
                case OPEN -> {
                    // the open and the reads are the operation
                }
            }
        } catch (OutOfMemoryError e) {
            found(Column.ALLOCATION, opName() + ": " + oneLine(e));
        } catch (RuntimeException e) {
            found(Column.CRASH, opName() + " threw " + oneLine(e));
        }
        return null;
    }

    /** Runs the operation as a command and judges its exit code; @return whether it called the store clean or complete */
    private Boolean command(Set<BlobRef> readable, Named named) {
        switch (c.op()) {
            case VERIFY -> {
                FuzzCli.Result r = exit(FuzzCli.run(dir, c.shape(), "verify"), "verify", 0, 3);
                return r.code() == 0 ? Boolean.TRUE : r.code() == 3 ? Boolean.FALSE : null;
            }
            case REPAIR -> {
                FuzzCli.Result r = exit(FuzzCli.run(dir, c.shape(), "repair"), "repair", 0, 3);
                named.text.append(r.out());
                return r.code() == 0 ? Boolean.TRUE : r.code() == 3 ? Boolean.FALSE : null;
            }
            case REINDEX -> exit(FuzzCli.run(dir, c.shape(), "reindex"), "reindex", 0, 3);
            case OPEN -> {
                List<BlobRef> sample = new ArrayList<>(template.blobs.keySet());
                java.util.Collections.shuffle(sample, c.damageRandom());
                for (BlobRef ref : sample.subList(0, Math.min(3, sample.size()))) {
                    FuzzCli.Result r = exit(FuzzCli.run(dir, c.shape(), "get", ref.hex()), "get", 0, 2, 3);
                    if (r.code() == 0 && !Arrays.equals(r.stdout(), template.blobs.get(ref))) {
                        found(Column.WRONG_BYTES, "get " + blob(ref) + " printed " + r.stdout().length + " wrong bytes");
                    }
                    if (r.code() != 0 && readable.contains(ref) && evidenced(ref)) {
                        found(Column.LOST_BY_TOOL, blob(ref) + " readable after open, 'get' exits " + r.code()
                                + ": " + r.stderr().strip());
                    }
                }
            }
        }
        return null;
    }

    private FuzzCli.Result exit(FuzzCli.Result r, String command, int... allowed) {
        if (Arrays.stream(allowed).noneMatch(a -> a == r.code())) {
            found(Column.EXIT_CODE, "'" + command + "' exits " + r.code() + ": " + firstLine(r.stderr()));
        }
        if (r.traceOnStderr()) {
            found(Column.EXIT_CODE, "'" + command + "' prints an exception on stderr: " + firstLine(r.stderr()));
        }
        return r;
    }

    /** verify's "clean", repair's "complete" and repair's naming of what it could not keep. */
    private void judgeReports(Set<BlobRef> r1, Set<BlobRef> r3, Boolean saidClean, Named named) {
        if (c.op() == FuzzCase.Op.VERIFY && Boolean.TRUE.equals(saidClean) && c.withIndex()) {
            template.blobs.keySet().stream().filter(ref -> !r1.contains(ref)).findFirst().ifPresent(ref ->
                    found(Column.BLIND, "verify says clean, but " + blob(ref) + " is unreadable"));
        }
        if (c.op() != FuzzCase.Op.REPAIR) {
            return;
        }
        named.readNotes(dir);
        for (BlobRef ref : template.blobs.keySet()) {
            if (r3.contains(ref) || !(c.withIndex() || before.reachable(ref))) {
                continue;
            }
            if (Boolean.TRUE.equals(saidClean) && c.withIndex()) {
                found(Column.BLIND, "repair says complete, but " + blob(ref) + " is unreadable");
            }
            // a blob intact elsewhere is not lost but hidden, counted above
            if (!before.intactAnywhere(ref) && !named.names(ref)) {
                found(Column.UNNAMED, blob(ref) + " is unreadable after repair and named in no report or note");
            }
        }
    }

    private void checkExactRepair(String pack) {
        try {
            byte[] now = Files.readAllBytes(dir.resolve(pack));
            if (!Arrays.equals(now, template.packs.get(pack))) {
                found(Column.INEXACT_REPAIR, pack + " had at most 2 damaged shards, and after repair it is "
                        + now.length + " bytes, not the original " + template.packs.get(pack).length
                        + (now.length == template.packs.get(pack).length ? " (content differs)" : ""));
            }
        } catch (IOException e) {
            found(Column.INEXACT_REPAIR, pack + " had at most 2 damaged shards, and after repair cannot be read: " + e);
        }
    }

    private void checkAllocation(long start, String what) {
        long used = allocatedBytes() - start;
        LARGEST_SESSION.accumulateAndGet(used, Math::max);
        long limit = ALLOCATION_SLACK + 64 * template.bytes();
        if (start >= 0 && used > limit) {
            found(Column.ALLOCATION, what + " allocated " + (used >> 20) + " MiB for a store of "
                    + (template.bytes() >> 10) + " KiB");
        }
    }

    /** @return the bytes this thread allocated so far, or -1 where the JVM does not say */
    static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    static String oneLine(Throwable t) {
        return t.getClass().getSimpleName() + ": " + firstLine(String.valueOf(t.getMessage()));
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    /** Where repair may name a blob it could not keep: its report, its output, its notes. */
    private static final class Named {
        final Set<BlobRef> refs = new HashSet<>();
        final StringBuilder text = new StringBuilder();

        void add(RepairReport r) {
            refs.addAll(r.lost());
            // damage left in the active pack names its blob; damage found before a repair does not say it was lost
            r.remaining().stream().map(Damage::blob).filter(java.util.Objects::nonNull).forEach(refs::add);
        }

        void readNotes(Path dir) {
            for (String sub : List.of("quarantine", "lost+found")) {
                Path d = dir.resolve(sub);
                if (!Files.isDirectory(d)) {
                    continue;
                }
                try (Stream<Path> s = Files.walk(d)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String n = p.getFileName().toString();
                        if (Files.isRegularFile(p) && !n.matches("blobs-\\d{5}.*") || n.endsWith(".txt")) {
                            text.append(Files.readString(p, StandardCharsets.ISO_8859_1));
                        }
                    }
                } catch (IOException e) {
                    // a note that cannot be read names nothing
                }
            }
        }

        boolean names(BlobRef ref) {
            return refs.contains(ref) || text.indexOf(ref.hex()) >= 0;
        }
    }
}
