package org.blobsfile.core.testing;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a child JVM: tries to lock the file named by its argument exclusively, as another
 * process opening the store would, and prints {@code free} or {@code held}. Given a count after
 * the file, it instead probes the lock that many times as a read-only open does (byte 1, shared,
 * given back at once), printing {@code probing} first.
 */
public final class LockProbe {
    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            System.out.println("probing");
            for (int i = Integer.parseInt(args[1]); i > 0; i--) {
                try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ)) {
                    FileLock l = ch.tryLock(1, 1, true);
                    if (l != null) {
                        l.release();
                    }
                }
            }
            return;
        }
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            System.out.println(l == null ? "held" : "free");
        }
    }

    /** @return what a probe in a new JVM says of {@code lockFile} */
    public static String probe(Path lockFile) throws Exception {
        Process p = start(lockFile.toString());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    /**
     * Starts a child JVM that probes {@code lockFile} {@code times} times as read-only opens do.
     *
     * @return the child, once it has started probing
     */
    public static Process probing(Path lockFile, int times) throws Exception {
        Process p = start(lockFile.toString(), Integer.toString(times));
        p.getOutputStream().close();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"probing".equals(first)) {
            throw new IllegalStateException("the probe did not start: " + first);
        }
        return p;
    }

    private static Process start(String... args) throws Exception {
        String classes = Path.of(LockProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classes, LockProbe.class.getName()));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}
