package org.blobsfile.core.internal.io;

import java.nio.file.FileSystemException;
import org.slf4j.Logger;

/**
 * How work that runs in the background (a seal, a repair a healing read queued) reports a
 * failure no caller will see: one sentence in the log, the stack trace only when the logger is
 * at debug level, since a person reading a tool's output needs what failed and why, and a
 * developer asks for the rest.
 */
public final class Failures {
    private Failures() {
    }

    /**
     * @param e a failure
     * @return its message as one line; the JDK's file exceptions, whose message is only a path,
     *         keep their class name, which says what happened to it
     */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String line = m.strip().replace('\n', ' ');
        return e instanceof FileSystemException && e.getClass() != FileSystemException.class
                ? e.getClass().getSimpleName() + ": " + line : line;
    }

    /**
     * Logs {@code sentence} at error level, with the stack trace of {@code e} only when
     * {@code log} is at debug level.
     *
     * @param log      the logger of the class whose work failed
     * @param sentence what failed and what follows from it, naming the cause
     * @param e        the failure
     */
    public static void error(Logger log, String sentence, Throwable e) {
        if (log.isDebugEnabled()) {
            log.error(sentence, e);
        } else {
            log.error(sentence);
        }
    }
}
