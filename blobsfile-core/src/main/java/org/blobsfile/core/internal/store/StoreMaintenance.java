package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.EvictionReport;
import org.blobsfile.api.IndexFinding;
import org.blobsfile.api.Progress;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.VerifyOptions;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.index.IndexAudit;
import org.blobsfile.core.internal.io.Failures;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.pack.DeadEntries;
import org.blobsfile.core.internal.pack.LostAndFound;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.pack.VerifyLedger;
import org.blobsfile.core.internal.parity.PackRepairer;
import org.blobsfile.core.internal.parity.PackVerifier;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verify and repair of a whole store. Verify reads every byte of every pack while puts go on.
 * Repair holds puts back, rebuilds damaged sealed packs from their parity, and moves a pack
 * beyond repair to quarantine after copying its intact blobs into the active pack.
 */
final class StoreMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMaintenance.class);
    /** Salvaged payload bytes held before they are appended. */
    private static final long SALVAGE_CHUNK = 16 << 20;

    private final Packs packs;
    private final StoreParts parts;
    private final PackAppender appender;
    private final BlobReader reader;
    private final PackRepairs repairs;
    private final VerifyLedger ledger;

    /** The packs' files as a read-only store opened; null for a store that writes. */
    private final PackIdentities identities;

    StoreMaintenance(Packs packs, StoreParts parts, PackAppender appender, BlobReader reader, PackRepairs repairs,
                     VerifyLedger ledger) {
        this.ledger = ledger;
        this.packs = packs;
        this.parts = parts;
        this.appender = appender;
        this.reader = reader;
        this.repairs = repairs;
        // a read-only store may have a writer beside it, which can replace packs under it
        this.identities = parts.index().isReadOnly() ? PackIdentities.of(packs.readers(), appender.extent().packs()) : null;
    }

    /**
     * Checks the packs as they are now, the active one up to its appended end, in the verify
     * ledger's order (never verified first, then longest ago), records each result there, and
     * compares the index with what the checked packs hold verified. A bounded run stops starting
     * packs when its time is up, after one pack at least.
     */
    VerifyReport verify(VerifyOptions options, Progress progress) throws IOException {
        long startNanos = System.nanoTime();
        parts.sealing().awaitIdle(); // a pack half-way through its seal is not damaged, just busy
        PackAppender.Extent extent = appender.extent();
        long[] lengths = extent.lengths(packs.readers());
        PackVerifier verifier = new PackVerifier(packs.geometry(), packs.codecs());
        IndexAudit audit = audit();
        Map<Integer, List<Damage>> damageByPack = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        long read = 0;
        long blobs = 0;
        List<Integer> order = verifyOrder(lengths.length, options, warnings);
        long[] selected = new long[order.size()];
        for (int i = 0; i < selected.length; i++) {
            selected[i] = lengths[order.get(i)];
        }
        LongConsumer tick = paced(ticker(progress, selected), new RateLimit(options.bytesPerSecond()));
        ArchiveTier archive = parts.archive();
        Random sample = new Random();
        Recorder recorder = new Recorder();
        int checked = 0;
        for (int n : order) {
            if (checked > 0 && options.maxDuration() != null
                    && Duration.ofNanos(System.nanoTime() - startNanos).compareTo(options.maxDuration()) >= 0) {
                break; // at least one pack per run, so that bounded runs always move on
            }
            List<Damage> damage = damageByPack.computeIfAbsent(n, k -> new ArrayList<>());
            if (archive != null && archive.isEvicted(n)) {
                // its copy in the archive is what serves it: checked there, its entries from its manifest
                try {
                    for (String problem : archive.checkEvicted(n, options.readArchiveWhole(), sample)) {
                        damage.add(new Damage(packs.readers().path(n), 0, -1, null, problem));
                    }
                    recorder.record(n, 0, damage.isEmpty());
                } catch (ArchiveUnavailableException e) {
                    warnings.add(packs.readers().path(n).getFileName() + " is evicted and its archived copy was not"
                            + " checked: " + e.getMessage());
                    audit.pack(n, lengths[n], true);
                    continue; // not checked, so not counted: the run goes on to a pack it can check
                }
                audit.pack(n, lengths[n], true);
                checked++;
                continue;
            }
            long length = lengths[n];
            long unclosedEnd = n != extent.active() ? parts.sealing().unclosedEnd(n) : -1;
            if (unclosedEnd >= 0) {
                // a read-only store only, or one whose entries did not all verify: the process writing
                // the store may be closing it, so what follows the entries is not looked at
                length = Math.min(length, unclosedEnd);
                warnings.add(packs.readers().path(n).getFileName() + ": closed short of the pack size without its EOF"
                        + " entry (as earlier versions left such a pack); the next open for writing closes and seals"
                        + " it once every entry verifies; its blobs were checked");
            }
            boolean sealUnfinished = n != extent.active() && parts.sealing().isSealUnfinished(n);
            if (sealUnfinished) {
                // a read-only store only: a store that writes finishes such seals before verify gets here
                length = Math.min(length, packs.geometry().dataAreaEnd());
                warnings.add(packs.readers().path(n).getFileName() + ": its seal has not finished (under way in the"
                        + " process writing the store, or stopped: the next open for writing finishes it); its blobs"
                        + " were checked, its parity was not");
            }
            PackVerifier.PackCheck c;
            try {
                c = verifier.check(packs.readers().path(n), n, length, tick);
            } catch (IOException e) {
                // damage of its own kind: recorded as such, so the next bounded run starts with the others
                damage.add(new Damage(packs.readers().path(n), 0, -1, null, "cannot be read: " + Failures.describe(e)));
                recorder.record(n, 0, false);
                audit.pack(n, length, false);
                checked++;
                continue;
            }
            damage.addAll(c.damage());
            if (c.isClean() && parts.sealing().isUnprotected(n)) {
                // a full pack without EOF entry is valid v1, not damage
                warnings.add(packs.readers().path(n).getFileName() + ": closed without EOF entry (filled to the last"
                        + " byte by another v1 writer): no parity, unprotected");
            }
            // a result goes in the ledger only for a whole check of the file this store opened
            if (!sealUnfinished && (identities == null || !identities.replaced(packs.readers(), n))) {
                recorder.record(n, c.bytesRead(), c.isClean());
            }
            audit.pack(n, length, c.isClean());
            read += c.bytesRead();
            blobs += c.blobs();
            checked++;
        }
        if (checked < lengths.length) {
            audit.onlyWalkedPacks(); // the packs left for a later run are compared with the index then
        }
        List<IndexFinding> index = audit.finish();
        int listed = index.size();
        SortedSet<Integer> replaced = identities == null ? new TreeSet<>()
                : identities.replaced(packs.readers());
        for (int n : replaced) {
            // what this store's view says of it no longer applies: neither damage nor a stale index
            damageByPack.remove(n);
            Path p = packs.readers().path(n);
            index = index.stream().filter(f -> !f.pack().getFileName().equals(p.getFileName())).toList();
            warnings.add(p.getFileName() + " was replaced since this read-only store opened (by the process writing"
                    + " the store: a compaction, repair or quarantine): not compared; reopen to check it");
        }
        List<Damage> damage = new ArrayList<>();
        damageByPack.values().forEach(damage::addAll);
        damage.addAll(vanishedNotes());
        if (audit.differences() > listed) {
            warnings.add((audit.differences() - listed) + " more differences between the index and the packs"
                    + " are not listed" + (replaced.isEmpty() ? "" : ", perhaps in the replaced packs"));
        }
        if (!damage.isEmpty()) {
            LOG.warn("verify of {} found {} problems; the first: {}", packs.dir(), damage.size(), damage.get(0));
        }
        if (!index.isEmpty()) {
            LOG.warn("verify of {}: the index differs from the packs in {} blobs; the first: {}", packs.dir(),
                    audit.differences(), index.get(0));
        }
        for (String w : warnings) {
            LOG.warn("verify of {}: {}", packs.dir(), w);
        }
        return new VerifyReport(checked, read, blobs, damage, index, warnings, recorder.notRecorded);
    }

    /**
     * @return the packs to check, in the ledger's order, without those verified within
     *         {@code olderThan}; in number order when the ledger cannot be read (said in a warning)
     */
    private List<Integer> verifyOrder(int count, VerifyOptions options, List<String> warnings) {
        List<Integer> all = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            all.add(n);
        }
        Map<Integer, VerifyLedger.Verification> latest;
        try {
            latest = ledger.latest();
        } catch (IOException e) {
            warnings.add("the verify ledger " + ledger.file().getFileName() + " could not be read (" + e
                    + "): packs checked in number order");
            latest = Map.of();
        }
        // a span longer than the epoch's milliseconds leaves every pack out, as any span beyond their age would
        long olderThan = options.olderThan() == null ? 0
                : options.olderThan().compareTo(Duration.ofMillis(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE
                : options.olderThan().toMillis();
        return VerifyLedger.order(all, latest, System.currentTimeMillis(), olderThan);
    }

    /**
     * Appends verify's results to the ledger until an append fails: a read-only directory or a
     * full disk ends the recording, never the verify.
     */
    private final class Recorder {
        String notRecorded = "";

        void record(int pack, long bytes, boolean clean) {
            if (!notRecorded.isEmpty()) {
                return;
            }
            try {
                ledger.append(pack, System.currentTimeMillis(), bytes, clean);
            } catch (IOException | UnsupportedOperationException e) {
                notRecorded = "the results were not recorded: " + ledger.file() + " cannot be written ("
                        + whyNotWritable(e) + ")";
                LOG.warn("{}", notRecorded);
            }
        }
    }

    /** @return why the ledger could not be written: a read-only directory said so, else the failure */
    static String whyNotWritable(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.ReadOnlyFileSystemException) {
            return "the directory is read-only";
        }
        return Failures.describe(e);
    }

    /** @return the progress tick, each chunk then waiting for the rate */
    static LongConsumer paced(LongConsumer tick, RateLimit limit) {
        return chunk -> {
            tick.accept(chunk);
            limit.acquire(chunk);
        };
    }

    /** Checks every pack with puts held back, and repairs or quarantines each damaged one. */
    RepairReport repair(Progress progress) throws IOException {
        return appender.exclusively(() -> { // puts wait: quarantine copies blobs into the active pack
            parts.sealing().awaitIdle();
            PackAppender.Extent extent = appender.extent();
            long[] lengths = extent.lengths(packs.readers());
            List<Path> repaired = new ArrayList<>();
            List<Path> quarantined = new ArrayList<>();
            List<BlobRef> lostNow = new ArrayList<>();
            List<Damage> found = new ArrayList<>();
            List<Damage> remaining = new ArrayList<>();
            LongConsumer tick = ticker(progress, lengths);
            PackVerifier verifier = new PackVerifier(packs.geometry(), packs.codecs());
            // packs whose bytes this repair has checked whole (clean, or repaired and verified):
            // the index audit below need not hash them again
            boolean[] verified = new boolean[lengths.length];
            ArchiveTier archive = parts.archive();
            for (int n = 0; n < lengths.length; n++) {
                Path p = packs.readers().path(n);
                if (archive != null && archive.isEvicted(n)) {
                    verified[n] = true; // nothing local to repair: verify checks its archived copy
                    continue;
                }
                PackVerifier.PackCheck check = verifier.check(packs.readers().path(n), n, lengths[n], tick);
                if (check.isClean()) {
                    verified[n] = true;
                    continue;
                }
                found.addAll(check.damage());
                if (!java.nio.file.Files.exists(p, LinkOption.NOFOLLOW_LINKS) && n != extent.active()
                        && repairs.fromArchive(n)) {
                    parts.meters().repairs.increment();
                    repaired.add(p); // a missing pack: its archived copy is put in place
                    verified[n] = true;
                    continue;
                }
                if (PackFormat.notRegular(p) != null) {
                    remaining.addAll(check.damage()); // never followed, repaired nor moved: the user decides
                    lostNow.addAll(unreadableIn(n, check));
                    continue;
                }
                if (n == extent.active()) {
                    remaining.addAll(check.damage()); // no parity yet: a damaged blob here is lost, the rest serve
                    lostNow.addAll(unreadableIn(n, check));
                    continue;
                }
                PackRepairer.Outcome o = check.sealed()
                        ? repairs.repair(n, check)
                        : new PackRepairer.Outcome(PackRepairer.Status.UNRECOVERABLE, List.of(),
                                "the pack is damaged and has no parity", damagedBlobs(check));
                if (o.status() == PackRepairer.Status.REPAIRED) {
                    repaired.add(p);
                    verified[n] = true;
                } else if (o.status() == PackRepairer.Status.UNRECOVERABLE && repairs.fromArchive(n)) {
                    parts.meters().repairs.increment();
                    repaired.add(p);
                } else if (o.status() == PackRepairer.Status.UNRECOVERABLE) {
                    lostNow.addAll(salvageAndQuarantine(n, o.reason()));
                    quarantined.add(parts.quarantine().packPath(n));
                }
            }
            // the index follows the packs: where it differs from them, it is rebuilt, and what it
            // held that no pack holds is named
            PackAppender.Extent now = appender.extent();
            long[] nowLengths = now.lengths(packs.readers());
            IndexAudit audit = audit();
            for (int n = 0; n < nowLengths.length; n++) {
                // a pack salvage appended to has grown past what was checked
                audit.pack(n, nowLengths[n], n < verified.length && verified[n] && nowLengths[n] == lengths[n]);
            }
            if (!audit.finish().isEmpty()) {
                LOG.warn("repair of {}: the index differs from the packs in {} blobs: rebuilding it", packs.dir(),
                        audit.differences());
                for (BlobRef r : appender.rebuildIndex(reader::readsAt)) {
                    if (!lostNow.contains(r)) {
                        lostNow.add(r);
                    }
                }
            }
            for (Damage d : vanishedNotes()) {
                found.add(d);
                remaining.add(d);
            }
            return new RepairReport(repaired, quarantined, lostNow, found, remaining);
        });
    }

    /**
     * Evicts the local file of every sealed pack the archive holds as it is, but the newest
     * {@code keepLocal} and the last pack, with puts held back for each (a compaction or a repair
     * never meets a pack half evicted).
     */
    EvictionReport evict(int keepLocal) throws IOException {
        ArchiveTier archive = parts.archive();
        List<Integer> sealed = parts.sealing().sealedPacks();
        int last = appender.packCount() - 1;
        List<Path> evicted = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        long freed = 0;
        Random rnd = new Random();
        for (int i = 0; i < sealed.size() - keepLocal; i++) {
            int n = sealed.get(i);
            if (n >= last) {
                continue;
            }
            Path p = packs.readers().path(n);
            try {
                long f = appender.exclusively(() -> {
                    long bytes = archive.evict(n, rnd);
                    packs.readers().forget(n);
                    parts.sealing().forget(n);
                    return bytes;
                });
                freed += f;
                evicted.add(p);
            } catch (ArchiveUnavailableException e) {
                throw e;
            } catch (IOException e) {
                kept.add(p.getFileName() + ": " + e.getMessage());
            }
        }
        return new EvictionReport(evicted, freed, kept);
    }

    private IndexAudit audit() throws IOException {
        return new IndexAudit(parts.index(), packs.readers(), packs.codecs(), packs.geometry(),
                hash -> appender.storedTicket(hash) != PackAppender.NOT_STORED, () -> DeadEntries.read(parts.deletions()));
    }

    /**
     * @return a finding for each note naming blobs the index held that no pack holds any more:
     *         they stay damage until the packs are restored or the note is removed
     */
    private List<Damage> vanishedNotes() throws IOException {
        List<Damage> out = new ArrayList<>();
        for (Path note : new LostAndFound(packs.dir()).vanishedNotes()) {
            out.add(new Damage(note, 0, -1, null, "blobs the index held are in no pack any more; they are named in "
                    + LostAndFound.DIR + "/" + note.getFileName() + ": restore their packs and run reindex, or remove"
                    + " the note to accept the loss"));
        }
        return out;
    }

    /** Reports the bytes checked so far against the packs' total length, chunk by chunk. */
    static LongConsumer ticker(Progress progress, long[] lengths) {
        long total = Arrays.stream(lengths).sum();
        long[] done = {0};
        return chunk -> {
            done[0] += chunk;
            progress.update(done[0], total);
        };
    }

    private static List<BlobRef> damagedBlobs(PackVerifier.PackCheck check) {
        List<BlobRef> out = new ArrayList<>();
        for (Damage d : check.damage()) {
            if (d.blob() != null && !out.contains(d.blob())) {
                out.add(d.blob());
            }
        }
        return out;
    }

    /**
     * Copies every intact blob of pack {@code n} into the active pack, unless the index has it in
     * another pack, then moves the pack to quarantine. A blob is taken from wherever the walk
     * finds its entry verified, not only where the index puts it: an index that lost the blob, or
     * that places it at a stale offset, must not cost it. The walk resynchronises after damage, so
     * a damaged header hides neither the entries after it nor its own blob when the payload still
     * verifies. Runs inside {@link PackAppender#exclusively}.
     *
     * @return the blobs that were lost: indexed in this pack and not found intact there
     */
    private List<BlobRef> salvageAndQuarantine(int n, String reason) throws IOException {
        Path p = packs.readers().path(n);
        List<Prepared> intact = new ArrayList<>();
        Set<BlobRef> salvaged = new LinkedHashSet<>();
        Set<BlobRef> damaged = new LinkedHashSet<>();
        long[] held = {0};
        DeadEntries dead = DeadEntries.read(parts.deletions());
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            PackScanner scanner = new PackScanner(p, ch, ch.size(), packs.geometry());
            EntryCheck check = new EntryCheck(packs.codecs(), scanner.source(), packs.maxBlob());
            PackScanner.Result scanned = scanner.scan(PackFormat.HEADER_SIZE, check, (e, s) -> {
                if (dead.covers(e.hash(), n, e.offset())) {
                    return; // deleted: copying it would bring it back
                }
                BlobRef ref = BlobRef.of(e.hash());
                Location where = parts.index().get(e.hash());
                if (where != null && where.pack() != n && readsBack(ref) || salvaged.contains(ref)) {
                    return; // another copy lives on: nothing of it lives only here
                }
                EntryCheck.Verified v = check.verified(e);
                if (v == null) {
                    damaged.add(ref); // named as lost below, unless an intact copy turns up later in the pack
                    return;
                }
                Prepared copy = Prepared.copyOf(v, e.offset(), s, where);
                intact.add(copy);
                salvaged.add(ref);
                held[0] += copy.payload().length;
                if (held[0] > SALVAGE_CHUNK) {
                    appender.appendMoved(intact);
                    intact.clear();
                    held[0] = 0;
                }
            });
            // an entry whose bytes nothing recovers is still named by its header, when that is whole
            for (PackScanner.Unreadable u : scanned.unreadable()) {
                for (byte[] hash : LostAndFound.namedIn(ch, u.from(), u.to())) {
                    damaged.add(BlobRef.of(hash));
                }
            }
        }
        // a blob whose header is damaged beyond recovery may still lie intact where the index
        // trusts it is, or heal from the parity there even when the pack as a whole cannot
        for (BlobRef ref : allIndexedIn(n)) {
            if (salvaged.contains(ref)) {
                continue;
            }
            byte[] blob;
            try {
                blob = reader.get(ref);
            } catch (CorruptPackException | UnsupportedCodecException | StorageIOException unreadable) {
                continue; // lost: named below
            }
            intact.add(new Prepared(ref.bytes(), blob, PackFormat.FLAG_BLOB, PackFormat.CODEC_NONE, blob.length));
            salvaged.add(ref);
            held[0] += blob.length;
            if (held[0] > SALVAGE_CHUNK) {
                appender.appendMoved(intact);
                intact.clear();
                held[0] = 0;
            }
        }
        appender.appendMoved(intact);
        // blobs indexed in this pack or found damaged in it, and found intact nowhere, are lost
        Set<BlobRef> lostHere = new LinkedHashSet<>(allIndexedIn(n));
        for (BlobRef r : damaged) {
            Location elsewhere = parts.index().get(r.bytes());
            if (elsewhere == null || elsewhere.pack() == n) {
                lostHere.add(r);
            }
        }
        lostHere.removeAll(salvaged);
        appender.forgetLost(lostHere);
        packs.readers().replacing().lock();
        try {
            parts.quarantine().quarantine(n, reason, lostHere);
        } finally {
            packs.readers().replacing().unlock();
        }
        packs.readers().forget(n);
        reader.lost(lostHere, n);
        LOG.error("{}: beyond repair ({}); moved to {} after copying its {} intact blobs; {} blobs lost", p, reason,
                parts.quarantine().packPath(n), salvaged.size(), lostHere.size());
        return new ArrayList<>(lostHere);
    }

    /** @return whether the blob reads back where the index puts it: a copy elsewhere that lives on */
    private boolean readsBack(BlobRef ref) {
        try {
            reader.get(ref);
            return true;
        } catch (BlobStoreException unreadable) {
            return false; // a stale place (a pack swapped or replaced): this copy is the one to keep
        }
    }

    /**
     * Names what a damaged pack that stays as it is costs: the blobs the index finds in it that
     * no longer read back, and those whose entries the check found damaged and no other pack holds.
     */
    private List<BlobRef> unreadableIn(int n, PackVerifier.PackCheck check) throws IOException {
        Set<BlobRef> out = new LinkedHashSet<>();
        for (BlobRef r : allIndexedIn(n)) {
            try {
                reader.get(r);
            } catch (RuntimeException unreadable) {
                out.add(r);
            }
        }
        for (BlobRef r : damagedBlobs(check)) {
            if (!reader.exists(r)) {
                out.add(r);
            }
        }
        return new ArrayList<>(out);
    }

    /** @return the blobs the index still finds in pack {@code n} */
    private List<BlobRef> allIndexedIn(int n) throws IOException {
        List<BlobRef> out = new ArrayList<>();
        parts.index().forEach((key, location) -> {
            if (location.pack() == n) {
                out.add(BlobRef.of(key));
            }
        });
        return out;
    }
}
