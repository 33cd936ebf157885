package org.blobsfile.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.concurrent.Callable;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.StoreStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code compact [--min-garbage PCT] [--rate MB/s] [--json]}: gives back the space of deleted blobs. */
@Command(name = "compact", mixinStandardHelpOptions = true,
        header = "Give back the space of deleted blobs.",
        description = {"Rewrites each sealed pack whose garbage (deleted blobs, copies of blobs stored elsewhere)",
                "reaches PCT percent of its data area: its live blobs are checked and copied to the newest",
                "pack, then it is replaced by an empty sealed pack, so pack numbers stay dense and every",
                "pack stays v1. Garbage in the newest pack waits until that pack is sealed. Shows progress",
                "on standard error and prints one line per rewritten or skipped pack and a summary.",
                "A crash at any point loses no live blob and brings back no deleted one; run it again.",
                "Exit code 0, or 3 when a pack was skipped because it is damaged (run repair first)."})
final class CompactCommand implements Callable<Integer> {
    /** Bytes in the MB of {@code --rate}: a decimal megabyte, as disk and network rates are given. */
    static final long MEGABYTE = 1_000_000L;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--min-garbage", paramLabel = "PCT",
            description = "Rewrite packs with at least PCT percent garbage, 0 to 100 (default: ${DEFAULT-VALUE}).")
    private String minGarbage = "25";

    @Option(names = "--rate", paramLabel = "MB/s",
            description = "Move at most this many MB (1,000,000 bytes) of live blobs per second; decimals allowed;"
                    + " 0 (the default) for no limit.")
    private String rate = "0";

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        BigDecimal percent = percent(minGarbage);
        long bytesPerSecond = bytesPerSecond(rate);
        CompactionOptions options = new CompactionOptions(percent.doubleValue(), bytesPerSecond);
        CompactionReport report;
        StoreStats after;
        try (BlobStore store = cli.openStore(false)) {
            try (ProgressMeter meter = cli.progress("compact")) {
                report = store.compact(options, meter);
            }
            after = store.stats();
            if (json) {
                cli.println(CompactionReports.json(store.directory(), report, percent, bytesPerSecond, after));
            } else {
                CompactionReports.lines(report, percent, after).forEach(cli::println);
            }
        }
        // the command holds the store alone, so nothing else moves a blob while it runs: a pack
        // it skips is one whose bytes it could not read back verified, which is damage
        return report.skipped().isEmpty() ? BlobsFileCommand.EXIT_OK : BlobsFileCommand.EXIT_DAMAGE;
    }

    /**
     * @param text the value of {@code --min-garbage}, with or without a trailing {@code %}
     * @return it as a number of percent
     * @throws CliException if it is not a number from 0 to 100
     */
    static BigDecimal percent(String text) {
        String t = text.strip();
        BigDecimal p = decimal(t.endsWith("%") ? t.substring(0, t.length() - 1) : t);
        if (p == null || p.signum() < 0 || p.compareTo(HUNDRED) > 0) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "--min-garbage must be a percentage from 0 to 100, not '"
                    + text + "'");
        }
        return p;
    }

    /**
     * @param text the value of {@code --rate}, in MB per second
     * @return it in bytes per second, rounded up so that a rate above zero stays a limit; 0 for none
     * @throws CliException if it is not a number from 0 on
     */
    static long bytesPerSecond(String text) {
        BigDecimal mb = decimal(text.strip());
        if (mb == null || mb.signum() < 0) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "--rate must be a number of MB per second from 0"
                    + " (no limit) on, such as 50 or 2.5, not '" + text + "'");
        }
        BigDecimal bytes = mb.multiply(BigDecimal.valueOf(MEGABYTE)).setScale(0, RoundingMode.CEILING);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new CliException(BlobsFileCommand.EXIT_USAGE, "--rate " + text + " is more bytes per second than"
                    + " can be counted; give 0 for no limit");
        }
        return bytes.longValueExact();
    }

    /** @return the number a plain decimal spells (digits, at most one point, no exponent), or null */
    private static BigDecimal decimal(String t) {
        if (!t.matches("[+]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            return null;
        }
        return new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
    }
}
