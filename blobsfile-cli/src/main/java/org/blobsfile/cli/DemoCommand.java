package org.blobsfile.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.blobsfile.api.ArchiveReport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.BlobStoreOptions;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.CorruptStoreException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.Range;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.StoreStats;
import org.blobsfile.api.VerifyReport;
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
                "imports sample files it generates, reads them back, seals packs, verifies the store,",
                "damages a copy of it, shows verify finding the damage, a read healing itself and",
                "repair fixing the copy, and prints statistics. Then it deletes the random files from the",
                "store, compacts it and shows the disk space of its packs before and after (allocated",
                "blocks, as 'du -k' counts them). Last it archives the sealed packs to a file: archive in the",
                "demo directory, restores a new store from it and reads the blobs back from that store.",
                "The store is kept for you to explore.",
                "Every step checks what it shows: a mismatch ends the tour with exit code 3."})
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
            description = "Create the demo directory under DIR (default: the system temp directory).")
    private Path parent;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the sample data (default: ${DEFAULT-VALUE}).")
    private long seed = 20_240_601L;

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        Path root = parent == null ? Files.createTempDirectory("blobsfile-demo-")
                : Files.createTempDirectory(Files.createDirectories(parent), "blobsfile-demo-");
        Path dir = root.resolve("store");
        Path sampleDir = root.resolve("samples");
        Path copy = root.resolve("damaged-copy");
        Path archive = root.resolve("archive");
        Path restored = root.resolve("restored");
        BlobStoreOptions.Builder builder = cli.builderWithoutArchive(dir);
        if (cli.codecName() == null) {
            builder.codec("snappy");
        }
        if (cli.packSize() == null) {
            builder.maxPackSize(DEMO_PACK_SIZE);
        }
        BlobStoreOptions options = builder.build();
        BlobStoreOptions.Builder copyBuilder = cli.builderWithoutArchive(copy);
        if (cli.codecName() == null) {
            copyBuilder.codec("snappy");
        }
        if (cli.packSize() == null) {
            copyBuilder.maxPackSize(DEMO_PACK_SIZE);
        }

        say("BlobsFile demo");
        say("==============");
        say("A store is a directory of pack files (blobs-00000, blobs-00001, ...) and an index.");
        say("Blobs are appended to the newest pack and addressed by their BLAKE2b-256 hash.");
        say("Full packs are sealed with Reed-Solomon parity, so damage can be found and repaired.");
        step(1, "Create a store");
        say("  directory  " + dir);
        say("  pack size  " + options.maxPackSize().orElse(BlobStoreOptions.DEFAULT_MAX_PACK_SIZE)
                + " bytes, codec " + options.codecName() + ", index " + options.indexName());

        List<Sample> samples = samples(new Random(seed));
        long inputBytes = samples.stream().mapToLong(x -> x.data.length).sum();
        step(2, "Generate " + samples.size() + " sample files (" + Sizes.human(inputBytes) + ") in " + sampleDir);
        for (Sample x : samples) {
            Path f = sampleDir.resolve(x.file);
            Files.createDirectories(f.getParent());
            Files.write(f, x.data);
        }
        long copies = samples.stream().filter(x -> x.original != x).count();
        say("  text, random bytes, a mix of both, repeating patterns, an empty file, and " + copies
                + " copies of other files (copies/).");

        Queue<String> seals = new ConcurrentLinkedQueue<>();
        Map<String, BlobRef> refs = new LinkedHashMap<>();
        Map<String, Sample> byName = new LinkedHashMap<>();
        samples.forEach(x -> byName.put(x.file, x));
        long distinct;
        try (BlobStore store = builder.open()) {
            store.addSealListener((pack, number, count) ->
                    seals.add(pack.getFileName() + " sealed: " + count + " blobs, protected by 2 parity shards"));

            step(3, "Import them (import " + sampleDir.getFileName() + "): every file becomes one blob");
            List<Importer.Input> inputs = Importer.list(sampleDir, null);
            Importer.Summary summary;
            try (ProgressMeter meter = cli.progress("import")) {
                summary = Importer.run(store, inputs, meter, (in, ref) -> refs.put(in.name(), ref));
            }
            int printed = 0;
            for (Map.Entry<String, BlobRef> e : refs.entrySet()) {
                if (printed++ < 6) {
                    say("  " + e.getValue().hex() + "  " + e.getKey());
                }
            }
            say("  ... " + (refs.size() - 6) + " more.");
            say("  " + ImportCommand.text(sampleDir, summary));
            distinct = samples.stream().map(x -> x.original).distinct().count();
            expect(summary.files() == samples.size(), "the import read " + summary.files() + " files, not " + samples.size());
            expect(summary.newBlobs() == distinct, "the import stored " + summary.newBlobs() + " new blobs, not " + distinct);
            expect(summary.deduped() == copies, "the import counted " + summary.deduped() + " duplicates, not " + copies);
            say("  " + samples.size() + " files, " + distinct + " distinct blobs: storing a copy is a no-op.");

            step(4, "Read every blob back; each read checks the hash before returning bytes");
            for (Map.Entry<String, BlobRef> e : refs.entrySet()) {
                expect(Arrays.equals(store.get(e.getValue()), byName.get(e.getKey()).data),
                        "blob " + e.getValue() + " (" + e.getKey() + ") read back different bytes");
            }
            say("  all " + refs.size() + " files read back identical.");

            step(5, "List blobs in hash order (ls --limit 5): HASH SIZE PACK");
            for (BlobInfo info : store.enumerate(Range.all().limit(5)).collect(Collectors.toList())) {
                say("  " + info.ref().hex() + " " + info.size() + " " + info.pack());
            }
        }
        // closing waits for background seals, so the listener has heard of every one
        step(6, "Close the store; full packs were sealed in the background");
        if (seals.isEmpty()) {
            say("  no pack was sealed.");
        }
        for (String x : seals) {
            say("  " + x);
        }

        List<Path> sealed;
        try (BlobStore store = builder.open()) {
            step(7, "Verify every byte of every pack (verify)");
            VerifyReport clean;
            try (ProgressMeter meter = cli.progress("verify")) {
                clean = store.verify(meter);
            }
            say("  " + Reports.summary(clean));
            expect(clean.isClean(), "the new store has damage: " + (clean.isClean() ? "" : Reports.lines(clean).get(0)));

            sealed = store.sealedPacks();
            Path pack = sealed.isEmpty() ? dir.resolve("blobs-00000") : sealed.get(0);
            step(8, "Inspect " + pack.getFileName() + " (inspect): the raw entries, no store needed");
            PackInspector.Report report = PackInspector.inspect(pack);
            InspectCommand.print(cli, report, 5, "  ");
            expect(report.problems().isEmpty(), pack + " has problems: "
                    + (report.problems().isEmpty() ? "" : report.problems().get(0)));

            step(9, "Rebuild the index from the packs (reindex)");
            long before = store.enumerate().count();
            store.rebuildIndex();
            long after = store.enumerate().count();
            say("  blobs before: " + before + ", after: " + after
                    + (before == after ? "  (unchanged: the packs alone describe the store)" : ""));
            expect(before == after, "the rebuilt index lists " + after + " blobs instead of " + before);
            for (Map.Entry<String, BlobRef> e : refs.entrySet()) {
                expect(Arrays.equals(store.get(e.getValue()), byName.get(e.getKey()).data),
                        "blob " + e.getValue() + " differs after the rebuild");
            }
            say("  every blob still reads back identical.");

            step(10, "Statistics (stat)");
            StoreStats stats = store.stats();
            for (String line : StatCommand.text(dir.toAbsolutePath().toString(), stats).split("\n", -1)) {
                say("  " + line);
            }
            expect(stats.blobs() == distinct, "the store counts " + stats.blobs() + " blobs, " + distinct + " were put");
        }

        if (sealed.isEmpty()) {
            say("");
            say("No pack was sealed, so there is no parity to show repair with and no pack to compact;"
                    + " a smaller --pack-size would.");
        } else {
            damageAndRepair(dir, copy, copyBuilder, sealed, refs, byName);
            deleteAndCompact(dir, builder, refs, byName);
            BlobStoreOptions.Builder restoredBuilder = cli.builderWithoutArchive(restored);
            if (cli.codecName() == null) {
                restoredBuilder.codec("snappy");
            }
            archiveAndRestore(builder, archive, restoredBuilder, restored, refs, byName);
        }

        long millis = (System.nanoTime() - started) / 1_000_000;
        say("");
        say("Done in " + millis + " ms. The store is kept at:");
        say("  " + dir);
        say("with the sample files in " + sampleDir + (sealed.isEmpty() ? "" : ", the repaired copy in " + copy
                + ", the archive in " + archive + " and the store restored from it in " + restored) + ".");
        say("Explore it:");
        say("  bin/blobsfile --dir " + dir + " ls --limit 5");
        say("  bin/blobsfile --dir " + dir + " stat");
        say("  bin/blobsfile --dir " + dir + " verify");
        say("  bin/blobsfile inspect " + dir.resolve("blobs-00000"));
        return BlobsFileCommand.EXIT_OK;
    }

    /** A byte the tour flips: inside one blob's payload in a sealed pack. */
    private record Flip(Path pack, long offset, BlobRef blob, String file) {
    }

    /** Steps 11 to 16: damage a copy of the closed store, find the damage, heal a read, repair, check. */
    private void damageAndRepair(Path dir, Path copy, BlobStoreOptions.Builder copyBuilder, List<Path> sealed,
                                 Map<String, BlobRef> refs, Map<String, Sample> byName) throws IOException {
        step(11, "Damage a copy of the store: flip one byte inside a blob in each of " + Math.min(2, sealed.size())
                + " sealed packs");
        copyTree(dir, copy);
        say("  copied " + dir.getFileName() + " to " + copy);
        Map<BlobRef, String> names = new LinkedHashMap<>();
        refs.forEach((name, ref) -> names.putIfAbsent(ref, name));
        List<Flip> flips = new ArrayList<>();
        for (Path original : sealed.subList(0, Math.min(2, sealed.size()))) {
            Path pack = copy.resolve(original.getFileName());
            PackInspector.Entry victim = PackInspector.inspect(pack).entries().stream()
                    .filter(e -> e.kind().equals("blob"))
                    .max(Comparator.comparingLong(PackInspector.Entry::storedSize))
                    .orElseThrow(() -> new CorruptStoreException(pack + " holds no blob"));
            // the middle of the payload: inside the blob, far from the entry's header
            long offset = victim.offset() + ENTRY_HEADER + victim.storedSize() / 2;
            flipByte(pack, offset);
            BlobRef blob = BlobRef.parse(victim.hash());
            flips.add(new Flip(pack, offset, blob, names.get(blob)));
            say("  " + pack.getFileName() + ": flipped the byte at offset " + offset + ", inside blob "
                    + blob.hex().substring(0, 16) + "... (" + names.get(blob) + ")");
        }

        try (BlobStore store = copyBuilder.open()) {
            step(12, "Verify the copy (verify): the damage is found");
            VerifyReport found;
            try (ProgressMeter meter = cli.progress("verify")) {
                found = store.verify(meter);
            }
            for (Damage d : found.damage()) {
                say("  " + Reports.line(d));
            }
            say("  " + Reports.summary(found));
            say("  (the verify command exits with code 3 here)");
            for (Flip f : flips) {
                expect(found.damage().stream().anyMatch(d -> d.pack().getFileName().equals(f.pack().getFileName())
                        && f.blob().equals(d.blob())), "verify did not report the damaged blob " + f.blob()
                        + " in " + f.pack().getFileName());
            }

            Flip first = flips.get(0);
            step(13, "Read the damaged blob (get " + first.blob().hex().substring(0, 16) + "...)");
            byte[] back = store.get(first.blob());
            expect(Arrays.equals(back, byName.get(first.file()).data), "the healed read of " + first.blob()
                    + " returned different bytes");
            expect(store.stats().healedReads() >= 1, "the read of a damaged blob was not counted as healed");
            say("  " + back.length + " bytes, identical to " + first.file() + ": the read found the damage, rebuilt the");
            say("  blob from the pack's parity in memory, and queued a repair of " + first.pack().getFileName()
                    + " in the background.");

            step(14, "Repair the copy (repair)");
            RepairReport repair;
            try (ProgressMeter meter = cli.progress("repair")) {
                repair = store.repair(meter);
            }
            for (String line : Reports.lines(repair)) {
                say("  " + line);
            }
            boolean healedEarlier = repair.repaired().stream()
                    .noneMatch(p -> p.getFileName().equals(first.pack().getFileName()));
            if (healedEarlier) {
                say("  (" + first.pack().getFileName() + " had been repaired in the background after the healed read)");
            }
            expect(repair.isComplete(), "repair left damage: " + repair.quarantined() + " " + repair.remaining());

            step(15, "Verify the copy again");
            VerifyReport after;
            try (ProgressMeter meter = cli.progress("verify")) {
                after = store.verify(meter);
            }
            say("  " + Reports.summary(after));
            expect(after.isClean(), "the repaired copy still has damage: "
                    + (after.isClean() ? "" : Reports.lines(after).get(0)));
            for (Map.Entry<String, BlobRef> e : refs.entrySet()) {
                expect(Arrays.equals(store.get(e.getValue()), byName.get(e.getKey()).data),
                        "blob " + e.getValue() + " differs after the repair");
            }
            say("  every blob of the copy reads back identical.");

            step(16, "Statistics of the copy (stat)");
            StoreStats stats = store.stats();
            for (String line : StatCommand.text(copy.toAbsolutePath().toString(), stats).split("\n", -1)) {
                say("  " + line);
            }
            expect(stats.repairs() == flips.size(), "the copy counts " + stats.repairs() + " repaired packs, not "
                    + flips.size());
        }
    }

    /**
     * Steps 17 to 19: delete the random files from the closed store, compact it, and compare the
     * disk space of its packs before and after, each measured with the store closed (closing cuts
     * the zeros a pack is written ahead with, which would blur the comparison).
     */
    private void deleteAndCompact(Path dir, BlobStoreOptions.Builder builder, Map<String, BlobRef> refs,
                                  Map<String, Sample> byName) throws IOException {
        // the random files are the largest and do not compress, and sorted by name they are
        // imported side by side: they fill whole packs, which compaction then empties
        Map<BlobRef, byte[]> gone = new LinkedHashMap<>();
        Map<BlobRef, byte[]> kept = new LinkedHashMap<>();
        refs.forEach((name, ref) -> (name.startsWith("random/") ? gone : kept).putIfAbsent(ref, byName.get(name).data));
        kept.keySet().removeAll(gone.keySet());
        long goneBytes = gone.values().stream().mapToLong(b -> b.length).sum();
        DiskUsage.Measure before = DiskUsage.of(packFiles(dir));

        step(17, "Delete the " + gone.size() + " random files (rm), " + Sizes.human(goneBytes));
        try (BlobStore store = builder.open()) {
            List<BlobRef> deleted = store.deleteAll(gone.keySet());
            expect(deleted.size() == gone.size(), "rm deleted " + deleted.size() + " blobs, not " + gone.size());
            for (BlobRef ref : deleted.subList(0, Math.min(3, deleted.size()))) {
                say("  " + ref.hex() + " deleted");
            }
            say("  ... " + Math.max(0, deleted.size() - 3) + " more. A deleted blob is absent at once; its bytes stay in its");
            say("  pack, counted as garbage, until compaction rewrites the pack (stat shows them):");
            StoreStats stats = store.stats();
            expect(stats.deletedBlobs() == gone.size(), "stat counts " + stats.deletedBlobs() + " deleted blobs, not "
                    + gone.size());
            List<String> sealedNames = store.sealedPacks().stream().map(p -> p.getFileName().toString()).toList();
            long area = stats.maxPackSize() - PACK_HEADER;
            for (Map.Entry<Integer, Long> g : stats.garbageByPack().entrySet()) {
                String name = CompactionReports.packName(g.getKey());
                say(String.format(java.util.Locale.ROOT, "    %s  %9s garbage, %3d%% of the pack%s", name,
                        Sizes.human(g.getValue()), Math.round(100.0 * g.getValue() / area),
                        sealedNames.contains(name) ? "" : "  (the newest pack: compacted once it is sealed)"));
            }
            for (BlobRef ref : gone.keySet()) {
                expect(!store.exists(ref), "the deleted blob " + ref + " is still there");
            }

            step(18, "Compact (compact): rewrite each sealed pack with 25% garbage or more");
            CompactionReport report;
            try (ProgressMeter meter = cli.progress("compact")) {
                report = store.compact(CompactionOptions.defaults(), meter);
            }
            for (String line : CompactionReports.lines(report,
                    java.math.BigDecimal.valueOf(CompactionOptions.DEFAULT_MIN_GARBAGE_PERCENT), store.stats())) {
                say("  " + line);
            }
            expect(!report.rewritten().isEmpty(), "compaction rewrote no pack");
            expect(report.skipped().isEmpty(), "compaction skipped " + report.skipped());
            say("  Live blobs were copied to the newest pack first; each rewritten pack is now an empty");
            say("  sealed pack, so pack numbers stay dense and every v1 tool still reads the directory.");
            for (Map.Entry<BlobRef, byte[]> e : kept.entrySet()) {
                expect(Arrays.equals(store.get(e.getKey()), e.getValue()), "blob " + e.getKey() + " differs after compaction");
            }
            for (BlobRef ref : gone.keySet()) {
                expect(!store.exists(ref), "the deleted blob " + ref + " is back after compaction");
            }
            say("  all " + kept.size() + " kept blobs read back identical; the " + gone.size() + " deleted ones stay absent.");
            VerifyReport verified;
            try (ProgressMeter meter = cli.progress("verify")) {
                verified = store.verify(meter);
            }
            say("  " + Reports.summary(verified));
            expect(verified.isClean(), "the compacted store has damage: "
                    + (verified.isClean() ? "" : Reports.lines(verified).get(0)));
        }

        DiskUsage.Measure after = DiskUsage.of(packFiles(dir));
        step(19, "Disk space of the packs before rm and after compact");
        say("  measured as " + after.how() + ":");
        say(String.format(java.util.Locale.ROOT, "  before  %10s  (%d bytes)", Sizes.human(before.bytes()), before.bytes()));
        say(String.format(java.util.Locale.ROOT, "  after   %10s  (%d bytes; %d given back)", Sizes.human(after.bytes()),
                after.bytes(), before.bytes() - after.bytes()));
        say("  A rewritten pack keeps its length (" + Sizes.human(Files.size(dir.resolve("blobs-00000")))
                + "), but its padding and most of its parity are holes.");
        if (after.allocated()) {
            expect(after.bytes() < before.bytes(), "the packs take " + after.bytes() + " bytes after compaction, "
                    + before.bytes() + " before");
        }
    }

    /**
     * Steps 20 and 21: archive the sealed packs to a {@code file:} archive inside the demo's
     * directory, restore a new store from it, and read the blobs back from the restored store.
     */
    private void archiveAndRestore(BlobStoreOptions.Builder builder, Path archive, BlobStoreOptions.Builder restoredBuilder,
                                   Path restored, Map<String, BlobRef> refs, Map<String, Sample> byName)
            throws IOException {
        // the file: archive wants its directory to exist, as a mounted NAS would
        Files.createDirectories(archive);
        java.net.URI uri;
        try {
            // file:/abs/path, the form a user types, rather than toUri()'s file:///abs/path/
            uri = new java.net.URI("file", null, archive.toAbsolutePath().toString(), null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(archive + " makes no URI", e);
        }
        Map<BlobRef, byte[]> inSealed = new LinkedHashMap<>();
        Map<BlobRef, byte[]> inActive = new LinkedHashMap<>();
        step(20, "Archive the sealed packs (--archive " + uri + " archive)");
        try (BlobStore store = builder.archive(uri).open()) {
            ArchiveReport report;
            try (ProgressMeter meter = cli.progress("archive")) {
                report = store.archive(meter);
            }
            StoreStats stats = store.stats();
            for (String line : ArchiveReports.lines(report, stats)) {
                say("  " + line);
            }
            say("  (a store opened with an archive also uploads each pack in the background once it is sealed)");
            int sealedCount = store.sealedPacks().size();
            expect(report.problems().isEmpty(), "archive left packs unarchived: " + report.problems());
            expect(report.uploaded() + report.alreadyArchived() == sealedCount, "archive uploaded "
                    + report.uploaded() + " packs and found " + report.alreadyArchived() + ", not the " + sealedCount
                    + " sealed ones");
            java.util.Set<Integer> sealedNumbers = new java.util.HashSet<>();
            store.sealedPacks().forEach(p -> sealedNumbers.add(Integer.parseInt(p.getFileName().toString().substring(6))));
            Map<BlobRef, String> names = new LinkedHashMap<>();
            refs.forEach((name, ref) -> names.putIfAbsent(ref, name));
            try (Stream<BlobInfo> all = store.enumerate(Range.all())) {
                all.forEach(i -> (sealedNumbers.contains(i.pack()) ? inSealed : inActive)
                        .put(i.ref(), byName.get(names.get(i.ref())).data));
            }
        }
        try (Stream<Path> objects = Files.walk(archive)) {
            List<String> names = objects.filter(Files::isRegularFile).map(p -> archive.relativize(p).toString())
                    .sorted().toList();
            say("  the archive holds " + names.size() + " objects, never replaced once written:");
            for (String name : names.subList(0, Math.min(4, names.size()))) {
                say("    " + name);
            }
            if (names.size() > 4) {
                say("    ... " + (names.size() - 4) + " more (packs/ byte-identical, manifests/ listing their entries).");
            }
        }

        step(21, "Restore a new store from the archive (--dir " + restored.getFileName() + " restore --from " + uri + ")");
        try (ProgressMeter meter = cli.progress("restore");
             BlobStore store = restoredBuilder.archive(uri).restore(BlobStoreOptions.Restore.FULL, meter).open()) {
            meter.close();
            StoreStats stats = store.stats();
            say("  " + ArchiveReports.restored(uri.toString(), stats));
            expect(stats.blobs() == inSealed.size(), "the restored store holds " + stats.blobs() + " blobs, not the "
                    + inSealed.size() + " of the sealed packs");
            for (Map.Entry<BlobRef, byte[]> e : inSealed.entrySet()) {
                expect(Arrays.equals(store.get(e.getKey()), e.getValue()), "blob " + e.getKey()
                        + " reads back different bytes from the restored store");
            }
            BlobRef first = inSealed.keySet().iterator().next();
            say("  get " + first.hex().substring(0, 16) + "... from the restored store: " + inSealed.get(first).length
                    + " bytes, identical; so are all " + inSealed.size() + " blobs of the sealed packs.");
            for (BlobRef ref : inActive.keySet()) {
                expect(!store.exists(ref), "blob " + ref + " of the unsealed pack came back from the archive");
            }
            say("  The " + inActive.size() + " blobs of the newest pack, not sealed yet, are not in the archive: a pack is");
            say("  archived once it is sealed, so a restore brings back what was sealed. Deleted blobs stay deleted.");
        }
    }

    /** @return the store's pack files */
    private static List<Path> packFiles(Path dir) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.getFileName().toString().matches("blobs-\\d{5}")).sorted().toList();
        }
    }

    private static final int PACK_HEADER = 64;
    private static final int ENTRY_HEADER = 38;

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            if (ch.read(b, offset) != 1) {
                throw new CorruptStoreException(file + " ends before offset " + offset);
            }
            b.put(0, (byte) (b.get(0) ^ 0xFF));
            b.rewind();
            ch.write(b, offset);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Every step checks what it shows, so the tour doubles as a smoke test. */
    private static void expect(boolean ok, String otherwise) {
        if (!ok) {
            throw new CorruptStoreException(otherwise);
        }
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
        final String file;
        final byte[] data;
        final Sample original;

        Sample(String file, byte[] data, Sample original) {
            this.file = file;
            this.data = data;
            this.original = original == null ? this : original;
        }
    }

    /** @return sample files, some of them repeated under another name */
    static List<Sample> samples(Random rnd) {
        List<Sample> out = new ArrayList<>();
        out.add(new Sample("empty", new byte[0], null));
        out.add(new Sample("one-byte.bin", new byte[] {42}, null));
        for (int i = 0; i < 18; i++) {
            out.add(new Sample(String.format("text/text-%02d.txt", i), text(rnd, 100 + rnd.nextInt(180_000)), null));
        }
        for (int i = 0; i < 14; i++) {
            // sizes that are not round numbers exercise unaligned entries
            byte[] b = new byte[37 + rnd.nextInt(250_000)];
            rnd.nextBytes(b);
            out.add(new Sample(String.format("random/random-%02d.bin", i), b, null));
        }
        for (int i = 0; i < 8; i++) {
            byte[] t = text(rnd, 5_000 + rnd.nextInt(60_000));
            byte[] b = new byte[t.length * 2];
            System.arraycopy(t, 0, b, 0, t.length);
            byte[] r = new byte[t.length];
            rnd.nextBytes(r);
            System.arraycopy(r, 0, b, t.length, r.length);
            out.add(new Sample(String.format("mixed/mixed-%02d.bin", i), b, null));
        }
        for (int i = 0; i < 4; i++) {
            byte[] b = new byte[1_000 + rnd.nextInt(100_000)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) ("0123456789abcdef".charAt(j % (3 + i)));
            }
            out.add(new Sample(String.format("pattern/pattern-%d.txt", i), b, null));
        }
        List<Sample> originals = new ArrayList<>(out);
        for (int i = 0; i < 6; i++) {
            Sample o = originals.get(rnd.nextInt(originals.size()));
            // numbered, because two copies may repeat the same file
            out.add(new Sample(String.format("copies/copy-%d-of-%s", i, o.file.replace('/', '-')), o.data, o));
        }
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
