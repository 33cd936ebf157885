package org.blobsfile.cli;

/**
 * A failure the command line detects itself (a missing input file, a directory that is not a
 * store), carrying the exit code it ends the program with. Its message is one sentence for the
 * user.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * @param exitCode one of the {@code EXIT_*} codes of {@link BlobsFileCommand}
     * @param message  one sentence saying what is wrong
     */
    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** @return the exit code the program ends with */
    int exitCode() {
        return exitCode;
    }
}
