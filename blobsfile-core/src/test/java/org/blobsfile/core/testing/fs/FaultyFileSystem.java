package org.blobsfile.core.testing.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The default file system with faults on call: once {@link #failAt armed}, the n-th changing call
 * (a write, force, truncation, rename, new file or new directory) fails with an I/O error or a
 * full disk instead of running; or {@link #limitSpace space} runs out after a number of new bytes
 * and comes back when the test says so. Forces that do not fail are not passed on to the disk:
 * the file system is about how the store meets failures, and real forces only cost time.
 * Thread-safe.
 */
public final class FaultyFileSystem extends LayeredFileSystem {
    /** The calls a fault can hit. */
    public enum Op {
        /** Bytes written to a file. */
        WRITE,
        /** A file forced, or a directory's entries. */
        FORCE,
        /** A file cut shorter, or truncated as it is opened. */
        TRUNCATE,
        /** A file or directory renamed. */
        RENAME,
        /** A new file created as it is opened. */
        CREATE_FILE,
        /** A new directory. */
        CREATE_DIRECTORY
    }

    /** What a failed call throws, as the JDK reports the two errors on Linux. */
    public enum Fault {
        /** EIO: the device failed. */
        EIO,
        /** ENOSPC: the disk is full. */
        ENOSPC;

        /**
         * @param file the file the call was about
         * @return the exception the failed call throws
         */
        public IOException exception(Path file) {
            return this == EIO ? new IOException("Input/output error")
                    : new FileSystemException(file.toString(), null, "No space left on device");
        }
    }

    /** A call that failed: which, on what file, at which step. */
    public record Fired(int step, Op op, Fault fault, Path file) {
    }

    private final Plan plan;

    private FaultyFileSystem(Plan plan) {
        super(plan);
        this.plan = plan;
    }

    /** @return a file system that fails nothing until armed */
    public static FaultyFileSystem create() {
        return new FaultyFileSystem(new Plan());
    }

    /**
     * Starts counting the calls of {@code ops} from 0; the {@code step}-th one (from 1) fails
     * with {@code fault}, once.
     *
     * @param step  which call fails
     * @param fault what it throws
     * @param ops   the calls counted
     */
    public void failAt(int step, Fault fault, Set<Op> ops) {
        plan.arm(step, fault, EnumSet.copyOf(ops));
    }

    /** Fails nothing more and gives back all the space: later calls run as they come. */
    public void disarm() {
        plan.disarm();
    }

    /**
     * Lets files grow by {@code bytes} more in all; a write beyond that fails with ENOSPC.
     *
     * @param bytes the space left
     */
    public void limitSpace(long bytes) {
        plan.limitSpace(bytes);
    }

    /** Gives back the space {@link #limitSpace} took away. */
    public void restoreSpace() {
        plan.limitSpace(Long.MAX_VALUE);
    }

    /** @return how many counted calls ran or failed since the plan was armed */
    public int steps() {
        return plan.steps();
    }

    /** @return the calls that failed since the file system was made */
    public List<Fired> fired() {
        return plan.fired();
    }

    /** The plan, as the layer around every changing call. */
    private static final class Plan implements FileLayer {
        private int failStep = -1;
        private Fault fault;
        private Set<Op> counted = EnumSet.noneOf(Op.class);
        private int steps;
        private long space = Long.MAX_VALUE;
        private final List<Fired> fired = new ArrayList<>();

        synchronized void arm(int step, Fault f, Set<Op> ops) {
            failStep = step;
            fault = f;
            counted = ops;
            steps = 0;
        }

        synchronized void disarm() {
            failStep = -1;
            counted = EnumSet.noneOf(Op.class);
            space = Long.MAX_VALUE;
        }

        synchronized void limitSpace(long bytes) {
            space = bytes;
        }

        synchronized int steps() {
            return steps;
        }

        synchronized List<Fired> fired() {
            return List.copyOf(fired);
        }

        /** Counts a call, and throws if it is the one to fail. */
        private synchronized void step(Op op, Path file) throws IOException {
            if (!counted.contains(op)) {
                return;
            }
            steps++;
            if (steps == failStep) {
                fired.add(new Fired(steps, op, fault, file));
                throw fault.exception(file);
            }
        }

        private synchronized void grow(Path file, long growth) throws IOException {
            if (growth <= 0 || space == Long.MAX_VALUE) {
                return;
            }
            if (growth > space) {
                fired.add(new Fired(steps, Op.WRITE, Fault.ENOSPC, file));
                throw Fault.ENOSPC.exception(file);
            }
            space -= growth;
        }

        @Override
        public FileChannel open(Path file, Set<? extends OpenOption> options, Call<FileChannel> open) throws IOException {
            boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            if (!exists && (options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW))) {
                step(Op.CREATE_FILE, file);
            }
            if (exists && options.contains(StandardOpenOption.TRUNCATE_EXISTING) && options.contains(StandardOpenOption.WRITE)
                    && Files.size(file) > 0) {
                step(Op.TRUNCATE, file);
            }
            return open.run();
        }

        @Override
        public long write(Path file, FileChannel raw, long position, long length, Call<Long> write) throws IOException {
            step(Op.WRITE, file);
            grow(file, position + length - raw.size());
            return write.run();
        }

        @Override
        public void force(Path file, FileChannel raw, Call<Void> force) throws IOException {
            step(Op.FORCE, file);
            // what this file system tests is how the store meets failures, not what reaches the
            // disk: the real force would only cost time
        }

        @Override
        public void truncate(Path file, FileChannel raw, long size, Call<Void> truncate) throws IOException {
            step(Op.TRUNCATE, file);
            truncate.run();
        }

        @Override
        public void move(Path source, Path target, CopyOption[] options, Call<Void> move) throws IOException {
            step(Op.RENAME, target);
            move.run();
        }

        @Override
        public void createDirectory(Path dir, Call<Void> create) throws IOException {
            step(Op.CREATE_DIRECTORY, dir);
            create.run();
        }
    }
}
