package org.blobsfile.cli.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStore;
import org.blobsfile.api.CompactionOptions;
import org.blobsfile.api.CompactionReport;
import org.blobsfile.api.Progress;
import org.blobsfile.core.PackInspector;

/**
 * A pristine store of one {@link StoreShape}, written once per run and copied for every case, with
 * what the oracle needs to judge a damaged copy: every blob's bytes, every pack's bytes, and where
 * each entry lies. Immutable once built; cases share it across threads.
 */
final class StoreTemplate {
    /** One entry of a pristine pack, as {@link PackInspector} reads it. */
    record Entry(String pack, long offset, String kind, String hash, int storedSize) {
        long end() {
            return offset + Shards.ENTRY_HEADER + storedSize;
        }
    }

    final StoreShape shape;
    final Path dir;
    /** Every blob the store holds, by reference, in put order. */
    final Map<BlobRef, byte[]> blobs;
    /** Every blob deleted, by reference: a compacted store's packs may still hold dead entries of them. */
    final Map<BlobRef, byte[]> deleted;
    /** Every pack's pristine bytes, by file name, in pack order. */
    final Map<String, byte[]> packs;
    /** The entries of each pack, by file name. */
    final Map<String, List<Entry>> entries;
    /** The entry of each blob the store holds: its last one. */
    final Map<BlobRef, Entry> entryOf;
    final List<String> sealed;
    final String active;

    private StoreTemplate(StoreShape shape, Path dir, Map<BlobRef, byte[]> blobs, Map<BlobRef, byte[]> deleted,
                          Map<String, byte[]> packs, Map<String, List<Entry>> entries, Map<BlobRef, Entry> entryOf,
                          List<String> sealed) {
        this.shape = shape;
        this.dir = dir;
        this.blobs = Collections.unmodifiableMap(blobs);
        this.deleted = Collections.unmodifiableMap(deleted);
        this.packs = Collections.unmodifiableMap(packs);
        this.entries = Collections.unmodifiableMap(entries);
        this.entryOf = Collections.unmodifiableMap(entryOf);
        this.sealed = List.copyOf(sealed);
        List<String> names = new ArrayList<>(packs.keySet());
        this.active = names.get(names.size() - 1);
    }

    /**
     * Writes a store of {@code shape} into {@code dir}: blobs of 0 to 4 KiB, random and
     * compressible, until about four packs are full, so three or more are sealed. A compacted
     * shape then has about a third of its blobs deleted, the packs with {@value #COMPACT_PERCENT}%
     * garbage or more compacted (into empty sealed packs, their live blobs copied on) and a few
     * blobs put after that.
     *
     * @param shape the store's codec, index and pack size
     * @param dir   an absent directory
     * @param seed  the blobs' seed
     * @return the template
     */
    static StoreTemplate build(StoreShape shape, Path dir, long seed) {
        Random rnd = new Random(seed);
        Map<BlobRef, byte[]> blobs = new LinkedHashMap<>();
        Map<BlobRef, byte[]> deleted = new LinkedHashMap<>();
        try (BlobStore store = BlobStore.builder(dir).codec(shape.codec()).index(shape.index())
                .maxPackSize(shape.packSize()).open()) {
            // compressible blobs shrink: fill until the fifth pack is begun, so at least four are closed
            while (packCount(dir) < 5 && blobs.size() < 400) {
                byte[] b = blob(rnd, blobs.isEmpty());
                blobs.putIfAbsent(store.put(b), b);
            }
            if (shape.compacted()) {
                deleteAndCompact(store, rnd, blobs, deleted);
            }
        }
        try {
            Map<String, byte[]> packs = new LinkedHashMap<>();
            Map<String, List<Entry>> entries = new LinkedHashMap<>();
            Map<BlobRef, Entry> entryOf = new LinkedHashMap<>();
            List<String> sealed = new ArrayList<>();
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().startsWith("blobs-")).sorted().toList();
            }
            for (Path p : files) {
                String name = p.getFileName().toString();
                packs.put(name, Files.readAllBytes(p));
                List<Entry> list = new ArrayList<>();
                for (PackInspector.Entry e : PackInspector.inspect(p).entries()) {
                    Entry entry = new Entry(name, e.offset(), e.kind(), e.hash(), (int) e.storedSize());
                    list.add(entry);
                    if (e.kind().equals("blob")) {
                        entryOf.put(BlobRef.parse(e.hash()), entry);
                    }
                    if (e.kind().equals("parity") && !sealed.contains(name)) {
                        sealed.add(name);
                    }
                }
                entries.put(name, List.copyOf(list));
            }
            entryOf.keySet().retainAll(blobs.keySet()); // the dead entries of deleted blobs are no blob's entry
            if (sealed.size() < 3 || !entryOf.keySet().equals(blobs.keySet())) {
                throw new IllegalStateException("template " + shape + " has " + sealed.size() + " sealed packs and "
                        + entryOf.size() + " of " + blobs.size() + " blob entries");
            }
            if (shape.compacted() && (!Files.isRegularFile(dir.resolve("deletions.log"))
                    || sealed.stream().noneMatch(n -> entries.get(n).stream().noneMatch(e -> e.kind().equals("blob"))))) {
                throw new IllegalStateException("template " + shape + " has no deletion log or no empty sealed pack");
            }
            return new StoreTemplate(shape, dir, blobs, deleted, packs, entries, entryOf, sealed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The system property that sets the fewest deletions worth pruning the deletion log for. */
    private static final String PRUNE_AT = "blobsfile.deletions.pruneAt";

    /** The garbage threshold of a compacted template: some packs reach it, others keep their dead entries. */
    static final int COMPACT_PERCENT = 25;

    /**
     * Deletes about two blobs in five and compacts, deleting a fifth more of those left until a
     * pack is compacted, then puts a few new ones.
     */
    private static void deleteAndCompact(BlobStore store, Random rnd, Map<BlobRef, byte[]> blobs,
                                         Map<BlobRef, byte[]> deleted) {
        // the deletion log is pruned of the deletions of the packs emptied, as a larger store's would be
        String pruneAt = System.setProperty(PRUNE_AT, "1");
        try {
            int share = 2;
            CompactionReport report;
            do {
                // small blobs of a seed may leave every pack below the threshold: then more go
                int fifths = share;
                List<BlobRef> doomed = blobs.keySet().stream().filter(r -> rnd.nextInt(5) < fifths).toList();
                for (BlobRef r : store.deleteAll(doomed)) {
                    deleted.put(r, blobs.remove(r));
                }
                store.verify(); // returns once every closed pack is sealed: compaction takes sealed packs only
                report = store.compact(CompactionOptions.defaults().withMinGarbagePercent(COMPACT_PERCENT),
                        Progress.NONE);
                share = 1;
            } while (report.rewritten().isEmpty() && !blobs.isEmpty());
        } finally {
            if (pruneAt == null) {
                System.clearProperty(PRUNE_AT);
            } else {
                System.setProperty(PRUNE_AT, pruneAt);
            }
        }
        for (int i = 0; i < 6; i++) {
            // random and long enough never to be one of the deleted blobs, which a put would bring back
            byte[] b = new byte[64 + rnd.nextInt(2000)];
            rnd.nextBytes(b);
            blobs.put(store.put(b), b);
        }
    }

    private static long packCount(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("blobs-")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the empty blob first, then random, compressible text or a run of one byte */
    private static byte[] blob(Random rnd, boolean first) {
        if (first) {
            return new byte[0];
        }
        int size = rnd.nextInt(8) == 0 ? rnd.nextInt(40) : rnd.nextInt(4097);
        byte[] b = new byte[size];
        switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextBytes(b);
            case 1 -> {
                byte[] words = ("blob " + rnd.nextInt(1_000_000) + " compresses well; ").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < size; i++) {
                    b[i] = words[i % words.length];
                }
            }
            default -> java.util.Arrays.fill(b, (byte) rnd.nextInt(256));
        }
        return b;
    }

    /** @return the pack names, in order */
    List<String> packNames() {
        return new ArrayList<>(packs.keySet());
    }

    /** @return the total size of the packs */
    long bytes() {
        return packs.values().stream().mapToLong(b -> b.length).sum();
    }

    /**
     * Copies the store into {@code target}, with or without its index.
     *
     * @param target    an absent directory
     * @param withIndex whether the index comes along
     */
    void copyTo(Path target, boolean withIndex) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path rel = dir.relativize(p);
                if (rel.toString().isEmpty() || rel.toString().equals("LOCK")
                        || (!withIndex && rel.getName(0).toString().startsWith("index-"))) {
                    continue;
                }
                Path to = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }
}
