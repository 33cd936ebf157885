package org.blobsfile.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.CorruptStoreException;
import org.blobsfile.api.Range;
import org.blobsfile.api.StoreStats;
import org.blobsfile.core.PackInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code demo}: a guided tour on a fresh store in a temporary directory. Every step checks what
 * it shows, so the tour doubles as a smoke test: any mismatch ends it with exit code 3.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Run a guided tour on a new temporary store.",
        description = {"A guided tour: creates a store in a new temporary directory (pack size 1 MiB,",
                "codec snappy, unless --pack-size/--codec/--index say otherwise; --dir is not used),",
                "stores generated sample data, reads it all back, lists, shows statistics,",
                "inspects a sealed pack and rebuilds the index. The store is kept for you to explore."})
final class DemoCommand implements Callable<Integer> {
    private static final long DEMO_PACK_SIZE = 1L << 20;
    private static final String[] WORDS = ("the a store blob pack hash index seal parity shard entry header "
            + "append only content addressed bytes disk file rebuild scan codec snappy repair verify "
            + "of to and in is it that for with as on by every each never always once again old new "
            + "reads writes keeps finds damage rot lost found sealed open closed full empty small large")
            .split(" ");

    @ParentCommand
    private BlobsFileCommand cli;

    @Option(names = "--in", paramLabel = "DIR",
            description = "Create the demo store in a new directory under DIR (default: the system temp directory).")
    private Path parent;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the sample data (default: ${DEFAULT-VALUE}).")
    private long seed = 20_240_601L;

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        Path dir = parent == null ? Files.createTempDirectory("blobsfile-demo-")
                : Files.createTempDirectory(Files.createDirectories(parent), "blobsfile-demo-");
        BlobStoreOptions.Builder builder = cli.builder(dir);
        if (cli.codecName() == null) {
            builder.codec("snappy");
        }
        if (cli.packSize() == null) {
            builder.maxPackSize(DEMO_PACK_SIZE);
        }
        BlobStoreOptions options = builder.build();

        say("BlobsFile demo");
        say("==============");
        say("A store is a directory of pack files (blobs-00000, blobs-00001, ...) and an index.");
        say("Blobs are appended to the newest pack and addressed by their BLAKE2b-256 hash.");
        say("");
        step(1, "Create a store");
        say("  directory  " + dir);
        say("  pack size  " + options.maxPackSize().orElse(BlobStoreOptions.DEFAULT_MAX_PACK_SIZE)
                + " bytes, codec " + options.codecName() + ", index " + options.indexName());

        List<Sample> samples = samples(new Random(seed));
        long inputBytes = samples.stream().mapToLong(s -> s.data.length).sum();
        Map<String, Sample> distinct = new LinkedHashMap<>();
        Queue<String> seals = new ConcurrentLinkedQueue<>();
        Map<Sample, BlobRef> refs = new LinkedHashMap<>();

        try (BlobStore store = builder.open()) {
            store.addSealListener((pack, number, count) ->
                    seals.add(pack.getFileName() + " sealed: " + count + " blobs, protected by 2 parity shards"));

            step(2, "Put " + samples.size() + " sample blobs (" + Sizes.human(inputBytes)
                    + "): text, random bytes, a mix, an empty blob, and some duplicates");
            int printed = 0;
            for (Sample s : samples) {
                BlobRef ref = store.put(s.data);
                BlobRef earlier = refs.putIfAbsent(s.original, ref);
                if (earlier != null && !earlier.equals(ref)) {
                    throw new CorruptStoreException("a duplicate of " + s.original.label + " got hash " + ref
                            + ", the original " + earlier);
                }
                distinct.putIfAbsent(ref.hex(), s.original);
                if (printed++ < 6) {
                    say("  " + ref.hex() + "  " + s.label + " (" + Sizes.human(s.data.length) + ")");
                }
            }
            say("  ... " + (samples.size() - 6) + " more. Each line appears once its blob is on disk.");
            say("  " + samples.size() + " puts stored " + distinct.size() + " distinct blobs: a duplicate is a no-op.");

            step(3, "Read every blob back; each read checks the hash before returning bytes");
            for (Map.Entry<Sample, BlobRef> e : refs.entrySet()) {
                byte[] back = store.get(e.getValue());
                if (!Arrays.equals(back, e.getKey().data)) {
                    throw new CorruptStoreException("blob " + e.getValue() + " (" + e.getKey().label
                            + ") read back different bytes");
                }
            }
            say("  all " + refs.size() + " blobs read back identical.");

            step(4, "List blobs in hash order (ls --limit 5): HASH SIZE PACK");
            for (BlobInfo info : store.enumerate(Range.all().limit(5)).collect(Collectors.toList())) {
                say("  " + info.ref().hex() + " " + info.size() + " " + info.pack());
            }
        }
        // closing waits for background seals, so the listener has heard of every one
        step(5, "Close the store; full packs were sealed in the background");
        if (seals.isEmpty()) {
            say("  no pack was sealed.");
        }
        for (String s : seals) {
            say("  " + s);
        }

        try (BlobStore store = builder.open()) {
            step(6, "Reopen and show statistics (stat)");
            StoreStats stats = store.stats();
            for (String line : StatCommand.text(dir.toAbsolutePath().toString(), stats).split("\n", -1)) {
                say("  " + line);
            }
            if (stats.blobs() != distinct.size()) {
                throw new CorruptStoreException("the store counts " + stats.blobs() + " blobs, "
                        + distinct.size() + " were put");
            }

            List<Path> sealed = store.sealedPacks();
            Path pack = sealed.isEmpty() ? dir.resolve("blobs-00000") : sealed.get(0);
            step(7, "Inspect " + pack.getFileName() + " (inspect): the raw entries, no store needed");
            PackInspector.Report report = PackInspector.inspect(pack);
            InspectCommand.print(cli, report, 5, "  ");
            if (!report.problems().isEmpty()) {
                throw new CorruptStoreException(pack + " has problems: " + report.problems().get(0));
            }

            step(8, "Rebuild the index from the packs (reindex)");
            long before = store.enumerate().count();
            store.rebuildIndex();
            long after = store.enumerate().count();
            say("  blobs before: " + before + ", after: " + after
                    + (before == after ? "  (unchanged: the packs alone describe the store)" : ""));
            if (before != after) {
                throw new CorruptStoreException("the rebuilt index lists " + after + " blobs instead of " + before);
            }
            for (Map.Entry<Sample, BlobRef> e : refs.entrySet()) {
                if (!Arrays.equals(store.get(e.getValue()), e.getKey().data)) {
                    throw new CorruptStoreException("blob " + e.getValue() + " differs after the rebuild");
                }
            }
            say("  every blob still reads back identical.");
        }

        long millis = (System.nanoTime() - started) / 1_000_000;
        say("");
        say("Done in " + millis + " ms. The store is kept at:");
        say("  " + dir);
        say("Explore it:");
        say("  bin/blobsfile --dir " + dir + " ls --limit 5");
        say("  bin/blobsfile --dir " + dir + " stat");
        say("  bin/blobsfile inspect " + dir.resolve("blobs-00000"));
        return BlobsFileCommand.EXIT_OK;
    }

    private void step(int n, String title) {
        say("");
        say(n + ". " + title);
    }

    private void say(String line) {
        cli.println(line);
    }

    /** One input of the tour; a duplicate points at the sample it repeats. */
    private static final class Sample {
        final String label;
        final byte[] data;
        final Sample original;

        Sample(String label, byte[] data, Sample original) {
            this.label = label;
            this.data = data;
            this.original = original == null ? this : original;
        }
    }

    /** @return sample blobs in a shuffled order, some of them repeated */
    static List<Sample> samples(Random rnd) {
        List<Sample> out = new ArrayList<>();
        out.add(new Sample("empty", new byte[0], null));
        out.add(new Sample("one-byte", new byte[] {42}, null));
        for (int i = 0; i < 18; i++) {
            out.add(new Sample(String.format("text-%02d", i), text(rnd, 100 + rnd.nextInt(180_000)), null));
        }
        for (int i = 0; i < 14; i++) {
            // sizes that are not round numbers exercise unaligned entries
            byte[] b = new byte[37 + rnd.nextInt(250_000)];
            rnd.nextBytes(b);
            out.add(new Sample(String.format("random-%02d", i), b, null));
        }
        for (int i = 0; i < 8; i++) {
            byte[] t = text(rnd, 5_000 + rnd.nextInt(60_000));
            byte[] b = new byte[t.length * 2];
            System.arraycopy(t, 0, b, 0, t.length);
            byte[] r = new byte[t.length];
            rnd.nextBytes(r);
            System.arraycopy(r, 0, b, t.length, r.length);
            out.add(new Sample(String.format("mixed-%02d", i), b, null));
        }
        for (int i = 0; i < 4; i++) {
            byte[] b = new byte[1_000 + rnd.nextInt(100_000)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) ("0123456789abcdef".charAt(j % (3 + i)));
            }
            out.add(new Sample(String.format("pattern-%d", i), b, null));
        }
        List<Sample> originals = new ArrayList<>(out);
        for (int i = 0; i < 6; i++) {
            Sample o = originals.get(rnd.nextInt(originals.size()));
            out.add(new Sample(o.label + " again", o.data, o));
        }
        Collections.shuffle(out, rnd);
        return out;
    }

    private static byte[] text(Random rnd, int length) {
        StringBuilder sb = new StringBuilder(length + 16);
        int sentence = 0;
        while (sb.length() < length) {
            String w = WORDS[rnd.nextInt(WORDS.length)];
            sb.append(sentence == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            sentence++;
            if (sentence > 6 + rnd.nextInt(10)) {
                sb.append(rnd.nextInt(5) == 0 ? ".\n" : ". ");
                sentence = 0;
            } else {
                sb.append(' ');
            }
        }
        sb.setLength(length);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
