package org.blobsfile.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a child JVM on the test class path until it prints a given line (its {@code READY}, or
 * the start of the work a kill should hit), lets it work a while longer, kills it with SIGKILL
 * and returns every line it printed before dying but {@code READY}. Every child prints a line
 * only once what it reports is done, so the lines are its promises; a line the kill cut short is
 * the caller's to ignore.
 */
final class KilledChild {
    private KilledChild() {
    }

    /**
     * @param main    the child's main class
     * @param store   the store directory the child works on; its standard error goes beside it
     * @param jvmTmp  the child's temporary directory: a killed JVM never deletes the native libraries it unpacked
     * @param trigger the line that starts the clock of the kill, and how many times it must come
     * @param delayMs how long the child works after the trigger
     * @param args    the child's arguments
     * @return the lines printed but {@code READY}, in order
     */
    static List<String> run(Class<?> main, Path store, Path jvmTmp, Trigger trigger, int delayMs, String... args)
            throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.createDirectories(jvmTmp);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + jvmTmp,
                "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr(store).toFile()));
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        AtomicLong ready = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                int seen = 0;
                for (String line; (line = r.readLine()) != null;) {
                    if (line.equals(trigger.line()) && ++seen == trigger.times()) {
                        synchronized (ready) {
                            ready.set(System.nanoTime());
                            ready.notifyAll();
                        }
                    }
                    if (!line.equals("READY")) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                // the pipe breaks when the child dies: what was read is what counts
            }
        });
        reader.start();
        synchronized (ready) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ready.get() == 0 && p.isAlive() && System.nanoTime() < deadline) {
                ready.wait(1000);
            }
        }
        if (ready.get() == 0) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(ready.get()).as("child never printed %s (exit %s); its stderr:%n%s", trigger,
                p.isAlive() ? "-" : p.exitValue(), errors(store)).isPositive();
        if (delayMs > 0) {
            p.waitFor(delayMs, TimeUnit.MILLISECONDS); // the child never exits by itself: this is the kill moment
        }
        boolean alive = p.isAlive();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(30_000);
        assertThat(alive).as("the child died before the kill (exit %d); its stderr:%n%s", p.exitValue(), errors(store))
                .isTrue();
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /**
     * When the kill's clock starts.
     *
     * @param line  a line the child prints
     * @param times the how many-th time it prints it
     */
    record Trigger(String line, int times) {
        /** The child's {@code READY}: it has opened the store and begins its work. */
        static final Trigger READY = new Trigger("READY", 1);
    }

    /** @return the file the children of a store write their standard error to */
    static Path stderr(Path store) {
        return store.resolveSibling(store.getFileName() + ".stderr");
    }

    /** @return what the children of a store wrote to standard error */
    static String errors(Path store) throws IOException {
        Path f = stderr(store);
        return Files.exists(f) ? Files.readString(f) : "(none)";
    }
}
