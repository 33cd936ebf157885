package org.blobsfile.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The {@code blobsfile} command: global options, the subcommands and the mapping of failures to
 * exit codes. One instance serves one invocation; it is not thread-safe.
 *
 * <p>Exit codes are part of the command's contract: {@link #EXIT_OK}, {@link #EXIT_USAGE},
 * {@link #EXIT_NOT_FOUND}, {@link #EXIT_DAMAGE} and {@link #EXIT_INTERVENTION}.
 */
@Command(name = "blobsfile",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An append-only, content-addressed blob store in pack files.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:usage error: bad arguments, unknown codec or index, missing or unusable store directory",
                "2:not found: the blob, the input file or the pack file does not exist (rm: a blob was absent)",
                "3:damage: the store or a pack is corrupt (verify found damage, repair left some, compact"
                        + " skipped a damaged pack, archive left a pack unarchived)",
                "4:needs intervention: the store is locked by another process, a blob needs a codec"
                        + " module that is not installed, the archive is unavailable, restore was given a directory"
                        + " that is not empty, or an I/O error"},
        footerHeading = "%nEnvironment:%n",
        footer = {"  BLOBSFILE_DIR       the store directory when --dir is not given (default: "
                + BlobsFileCommand.DEFAULT_DIR + " in the working directory)",
                "  BLOBSFILE_PROGRESS  bar, plain or none: how import, verify, repair, compact, archive and restore show",
                "                      progress on standard error (default: bar on a terminal, else plain)"})
public final class BlobsFileCommand {
    /**
     * The subcommands, in the order the usage lists them. A run builds the model of the one it
     * names only (picocli reads every option of a command by reflection, which was most of a
     * short command's start), and of all of them when it names none it knows.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(PutCommand.class, GetCommand.class, HasCommand.class,
            LsCommand.class, StatCommand.class, ImportCommand.class, VerifyCommand.class, RepairCommand.class,
            ReindexCommand.class, RmCommand.class, CompactCommand.class, ArchiveCommand.class, EvictCommand.class,
            RestoreCommand.class, InspectCommand.class, PluginsCommand.class, DemoCommand.class);
    /**
     * The options of this command that take a value, which a search for the subcommand's name
     * passes over: read from the fields' annotations, a few reflective calls, not a model.
     */
    private static final Set<String> OPTIONS_WITH_VALUES = optionsWithValues();

    /** Success. */
    public static final int EXIT_OK = 0;
    /** Bad arguments or options, or a store directory that is missing or unusable. */
    public static final int EXIT_USAGE = 1;
    /** The blob, input file or pack file asked for does not exist. */
    public static final int EXIT_NOT_FOUND = 2;
    /** A store or pack is damaged. */
    public static final int EXIT_DAMAGE = 3;
    /** The store is locked, a codec module is missing, or an I/O operation failed. */
    public static final int EXIT_INTERVENTION = 4;
    /** The store directory, relative to the working directory, when neither option nor variable names one. */
    public static final String DEFAULT_DIR = "blobsfile-store";
    /** The global options written with their value as the next argument, for {@link #main}'s first look. */
    private static final java.util.Set<String> GLOBAL_OPTIONS_WITH_VALUE =
            java.util.Set.of("--dir", "--index", "--codec", "--pack-size", "--archive");
    /** The environment variable naming the store directory. */
    public static final String DIR_VARIABLE = "BLOBSFILE_DIR";
    /** The environment variable choosing how progress is shown: {@code bar}, {@code plain} or {@code none}. */
    public static final String PROGRESS_VARIABLE = "BLOBSFILE_PROGRESS";

    @Option(names = "--dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Store directory (default: $" + DIR_VARIABLE + ", else " + DEFAULT_DIR + ").")
    private Path dir;

    @Option(names = "--index", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Index backend (default: " + BlobStoreOptions.DEFAULT_INDEX + ").")
    private String index;

    @Option(names = "--codec", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Codec for new blobs: none, snappy, ... (default: none).")
    private String codec;

    @Option(names = "--pack-size", paramLabel = "BYTES", scope = ScopeType.INHERIT,
            description = "Pack size of a new store (default: 268435456); an existing store keeps its own.")
    private Long packSize;

    @Option(names = "--archive", paramLabel = "URI", scope = ScopeType.INHERIT,
            description = "Archive sealed packs to URI (file:/path or s3://bucket/prefix): uploaded after each seal"
                    + " by every command that opens the store for writing, and by 'archive'.")
    private String archive;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces with errors and log at debug level.")
    private boolean debug;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private boolean terminal;

    /**
     * @param in  standard input, for {@code put -}
     * @param out standard output: command output only
     * @param err standard error: diagnostics
     * @param env the environment, for {@value #DIR_VARIABLE}
     */
    public BlobsFileCommand(InputStream in, OutputStream out, OutputStream err, Map<String, String> env) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = out instanceof PrintStream p ? p : new PrintStream(out, false, StandardCharsets.UTF_8);
        this.err = err instanceof PrintStream p ? p : new PrintStream(err, true, StandardCharsets.UTF_8);
        this.env = Map.copyOf(env);
    }

    /**
     * Runs the program and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // log levels must be set before the first logger exists, which is before picocli parses
        boolean debug = false;
        String command = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            debug |= a.equals("--debug");
            if (GLOBAL_OPTIONS_WITH_VALUE.contains(a)) {
                i++; // its value, which is no command
            } else if (command == null && !a.startsWith("-")) {
                command = a;
            }
        }
        if (debug) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        } else if ("demo".equals(command)) {
            // the demo damages a store on purpose and explains each finding itself
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        } else if ("archive".equals(command)) {
            // the background uploader meets the same packs and the same unavailable archive as the
            // command, which reports both itself: its log would say each thing twice
            System.setProperty("org.slf4j.simpleLogger.log.org.blobsfile.core.internal.archive.ArchiveUploader", "off");
        }
        PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        // a console means a person watches: progress is then a bar redrawn in place
        int code = run(args, System.in, stdout, System.err, System.getenv(), System.console() != null);
        stdout.flush();
        System.exit(code);
    }

    /**
     * Runs one invocation in this JVM, with the given streams; used by {@link #main} and by tests.
     *
     * @param args the command line
     * @param in   standard input
     * @param out  standard output
     * @param err  standard error
     * @param env  the environment
     * @return the exit code
     */
    public static int run(String[] args, InputStream in, OutputStream out, OutputStream err, Map<String, String> env) {
        return run(args, in, out, err, env, false);
    }

    /**
     * As {@link #run(String[], InputStream, OutputStream, OutputStream, Map)}, saying whether
     * standard error is a terminal, where progress is drawn as a bar.
     *
     * @param args     the command line
     * @param in       standard input
     * @param out      standard output
     * @param err      standard error
     * @param env      the environment
     * @param terminal whether a person watches standard error on a terminal
     * @return the exit code
     */
    public static int run(String[] args, InputStream in, OutputStream out, OutputStream err, Map<String, String> env,
                          boolean terminal) {
        BlobsFileCommand command = new BlobsFileCommand(in, out, err, env);
        command.terminal = terminal;
        CommandLine cl = command.commandLine(args);
        try {
            return cl.execute(args);
        } finally {
            command.out.flush();
            command.err.flush();
        }
    }

    /** @return a command line for this instance, with every subcommand and the project's error handling */
    public CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * @param args the command line it is for
     * @return a command line for this instance with the project's error handling installed, and
     *         the subcommand {@code args} names, or all of them when it names none
     */
    CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(this);
        Class<?> named = named(args);
        for (Class<?> c : SUBCOMMANDS) {
            if (named == null || c == named) {
                cl.addSubcommand(c);
            }
        }
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        setUsageExitCode(cl);
        cl.setParameterExceptionHandler(this::onParameterError);
        cl.setExecutionExceptionHandler((ex, failed, parsed) -> onFailure(ex, failed));
        return cl;
    }

    private static Set<String> optionsWithValues() {
        Set<String> names = new HashSet<>();
        for (Field f : BlobsFileCommand.class.getDeclaredFields()) {
            Option o = f.getAnnotation(Option.class);
            if (o != null && f.getType() != boolean.class) {
                names.addAll(List.of(o.names()));
            }
        }
        return Set.copyOf(names);
    }

    /** @return the subcommand the first argument that is no option (nor an option's value) names, or null */
    private static Class<?> named(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (OPTIONS_WITH_VALUES.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                for (Class<?> c : SUBCOMMANDS) {
                    if (c.getAnnotation(Command.class).name().equals(a)) {
                        return c;
                    }
                }
                return null;
            }
        }
        return null;
    }

    private static void setUsageExitCode(CommandLine cl) {
        cl.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
        cl.getCommandSpec().exitCodeOnExecutionException(EXIT_INTERVENTION);
        for (CommandLine sub : cl.getSubcommands().values()) {
            setUsageExitCode(sub);
        }
    }

    private int onParameterError(CommandLine.ParameterException ex, String[] args) {
        CommandLine failed = ex.getCommandLine();
        if (debug) {
            ex.printStackTrace(err);
        }
        err.println("blobsfile: " + ex.getMessage() + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
        return EXIT_USAGE;
    }

    private int onFailure(Exception ex, CommandLine failed) {
        Failure f = Failure.of(ex);
        if (debug) {
            ex.printStackTrace(err);
        }
        if (!f.message().isEmpty()) {
            err.println("blobsfile " + failed.getCommandName() + ": " + f.message());
        }
        return f.exitCode();
    }

    /** @return standard output */
    PrintStream out() {
        return out;
    }

    /** @return standard error */
    PrintStream err() {
        return err;
    }

    /** @return standard input */
    InputStream in() {
        return in;
    }

    /** @return the store directory: the option, else the environment variable, else the default */
    Path storeDirectory() {
        if (dir != null) {
            return dir;
        }
        String fromEnv = env.get(DIR_VARIABLE);
        return Paths.get(fromEnv != null && !fromEnv.isBlank() ? fromEnv : DEFAULT_DIR);
    }

    /**
     * @return how progress is shown: {@value #PROGRESS_VARIABLE} when set, else a bar on a
     *         terminal and plain lines elsewhere
     */
    ProgressMeter.Mode progressMode() {
        String v = env.get(PROGRESS_VARIABLE);
        if (v != null && !v.isBlank()) {
            return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "bar" -> ProgressMeter.Mode.BAR;
                case "plain" -> ProgressMeter.Mode.PLAIN;
                case "none" -> ProgressMeter.Mode.NONE;
                default -> throw new CliException(EXIT_USAGE, PROGRESS_VARIABLE + " is '" + v
                        + "'; it must be bar, plain or none");
            };
        }
        return terminal ? ProgressMeter.Mode.BAR : ProgressMeter.Mode.PLAIN;
    }

    /**
     * @param label what is in progress, shown first on every line
     * @return a meter drawing on standard error; close it before printing the command's output
     */
    ProgressMeter progress(String label) {
        return new ProgressMeter(err, label, progressMode(), System::nanoTime);
    }

    /** @return the codec chosen with {@code --codec}, or {@code null} */
    String codecName() {
        return codec;
    }

    /** @return the index chosen with {@code --index}, or {@code null} */
    String indexName() {
        return index;
    }

    /**
     * @return the archive named with {@code --archive}, or {@code null}
     * @throws CliException if it is not a URI
     */
    java.net.URI archiveUri() {
        return archive == null ? null : uri("--archive", archive);
    }

    /**
     * @param option the option that gave the text, for the message
     * @param text   an archive's URI as the user typed it
     * @return it parsed
     * @throws CliException if it is not a URI with a scheme
     */
    static java.net.URI uri(String option, String text) {
        java.net.URI u;
        try {
            u = new java.net.URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw new CliException(EXIT_USAGE, option + " '" + text + "' is not a URI: " + e.getReason()
                    + " (give file:/path or s3://bucket/prefix)");
        }
        if (u.getScheme() == null) {
            throw new CliException(EXIT_USAGE, option + " '" + text + "' has no scheme: give file:" + (text.startsWith("/")
                    ? text : "/absolute/path") + " or s3://bucket/prefix");
        }
        return u;
    }

    /** @return the pack size chosen with {@code --pack-size}, or {@code null} */
    Long packSize() {
        return packSize;
    }

    /**
     * Opens the store the global options describe.
     *
     * @param create whether a missing directory becomes a new store; commands that only read
     *               refuse a missing directory rather than leave an empty store behind
     * @return the open store
     * @throws CliException if the directory is missing (and not to be created) or unusable
     */
    BlobStore openStore(boolean create) {
        Path d = storeDirectory();
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new CliException(EXIT_USAGE, "store directory " + d + " is not a directory");
        }
        if (!Files.exists(d)) {
            if (!create) {
                throw new CliException(EXIT_USAGE, "no store at " + d
                        + ": the directory does not exist (give --dir or set " + DIR_VARIABLE + ")");
            }
            try {
                Files.createDirectories(d);
            } catch (IOException e) {
                throw new CliException(EXIT_USAGE, "cannot create store directory " + d + ": " + Failure.describe(e));
            }
        }
        if (!Files.isReadable(d) || !Files.isWritable(d)) {
            throw new CliException(EXIT_USAGE, "store directory " + d + " is not readable and writable");
        }
        return builder(d).open();
    }

    /**
     * Opens the store the global options describe for reading only, as the commands that only
     * read do: nothing in the directory is created or written, so they work in a directory the
     * user cannot write and on a full disk. See {@link BlobStoreOptions.Builder#readOnly()}.
     *
     * @return the open store
     * @throws CliException if the directory is missing or cannot be read
     */
    BlobStore openStoreReadOnly() {
        Path d = storeDirectory();
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new CliException(EXIT_USAGE, "store directory " + d + " is not a directory");
        }
        if (!Files.exists(d)) {
            throw new CliException(EXIT_USAGE, "no store at " + d
                    + ": the directory does not exist (give --dir or set " + DIR_VARIABLE + ")");
        }
        if (!Files.isReadable(d) || !Files.isExecutable(d)) {
            throw new CliException(EXIT_USAGE, "store directory " + d + " is not readable");
        }
        return builder(d).readOnly().open();
    }

    /**
     * @param d a store directory
     * @return a builder for it carrying the global options
     */
    BlobStoreOptions.Builder builder(Path d) {
        BlobStoreOptions.Builder b = builderWithoutArchive(d);
        // a store opened read-only never uploads, so the core leaves the archive closed then
        java.net.URI a = archiveUri();
        if (a != null) {
            b.archive(a);
        }
        return b;
    }

    /**
     * @param d a store directory
     * @return a builder for it carrying the global options but {@code --archive}, for the demo,
     *         which keeps everything it writes in its own directory
     */
    BlobStoreOptions.Builder builderWithoutArchive(Path d) {
        BlobStoreOptions.Builder b = BlobStore.builder(d);
        if (index != null) {
            b.index(index);
        }
        if (codec != null) {
            b.codec(codec);
        }
        if (packSize != null) {
            try {
                b.maxPackSize(packSize);
            } catch (IllegalArgumentException e) {
                throw new CliException(EXIT_USAGE, "--pack-size: " + e.getMessage());
            }
        }
        return b;
    }

    /**
     * Writes text to standard output followed by a newline, and flushes, so that a line is
     * visible to a reading process as soon as the fact it states is true.
     *
     * @param line the text
     */
    void println(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }
}
