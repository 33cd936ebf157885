package org.blobsfile.cli.fuzz;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Named pipes: made with the system's mkfifo, and opened for writing to release a reader stuck on one. */
final class Fifos {
    private Fifos() {
    }

    /** @return whether {@code path} is now a named pipe */
    static boolean make(Path path) {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Opens every pipe in {@code dir} for writing and closes it, so a reader blocked in open() goes on. */
    static void release(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                    Thread t = new Thread(() -> {
                        try (FileChannel ignored = FileChannel.open(p, StandardOpenOption.WRITE)) {
                            // opening is the point: a reader waiting for a writer wakes up
                        } catch (IOException ignoredToo) {
                            // nothing waited
                        }
                    }, "fifo-release");
                    t.setDaemon(true);
                    t.start();
                }
            }
        } catch (IOException e) {
            // the directory is gone: nobody waits on it
        }
    }
}
