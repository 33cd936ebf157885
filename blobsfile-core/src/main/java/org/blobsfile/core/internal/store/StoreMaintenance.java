package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.IndexFinding;
import org.blobsfile.api.Progress;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.VerifyReport;
import org.blobsfile.core.internal.index.IndexAudit;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackScanner;
import org.blobsfile.core.internal.parity.PackRepairer;
import org.blobsfile.core.internal.parity.PackVerifier;
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

    StoreMaintenance(Packs packs, StoreParts parts, PackAppender appender, BlobReader reader, PackRepairs repairs) {
        this.packs = packs;
        this.parts = parts;
        this.appender = appender;
        this.reader = reader;
        this.repairs = repairs;
    }

    /**
     * Checks every pack as it is now, the active one up to its appended end, and compares the
     * index with what the packs hold verified.
     */
    VerifyReport verify(Progress progress) throws IOException {
        parts.sealing().awaitIdle(); // a pack half-way through its seal is not damaged, just busy
        long[] lengths = appender.extent().lengths(packs.readers());
        PackVerifier verifier = new PackVerifier(packs.geometry(), packs.codecs());
        IndexAudit audit = new IndexAudit(parts.index(), packs.readers(), packs.codecs(), packs.geometry(),
                hash -> appender.storedTicket(hash) != PackAppender.NOT_STORED);
        List<Damage> damage = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long read = 0;
        long blobs = 0;
        LongConsumer tick = ticker(progress, lengths);
        for (int n = 0; n < lengths.length; n++) {
            PackVerifier.PackCheck c = verifier.check(packs.readers().path(n), n, lengths[n], tick);
            damage.addAll(c.damage());
            if (c.isClean() && parts.sealing().isUnprotected(n)) {
                // a full pack without EOF entry is valid v1, not damage
                warnings.add(packs.readers().path(n).getFileName() + ": closed without EOF entry (filled to the last"
                        + " byte by another v1 writer): no parity, unprotected");
            }
            audit.pack(n, lengths[n], c.isClean());
            read += c.bytesRead();
            blobs += c.blobs();
        }
        List<IndexFinding> index = audit.finish();
        if (audit.differences() > index.size()) {
            warnings.add((audit.differences() - index.size()) + " more differences between the index and the packs"
                    + " are not listed");
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
        return new VerifyReport(lengths.length, read, blobs, damage, index, warnings);
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
            for (int n = 0; n < lengths.length; n++) {
                Path p = packs.readers().path(n);
                PackVerifier.PackCheck check = verifier.check(p, n, lengths[n], tick);
                if (check.isClean()) {
                    continue;
                }
                found.addAll(check.damage());
                if (PackFormat.notRegular(p) != null) {
                    remaining.addAll(check.damage()); // never followed, repaired nor moved: the user decides
                    continue;
                }
                if (n == extent.active()) {
                    remaining.addAll(check.damage()); // no parity yet: a damaged blob here is lost, the rest serve
                    continue;
                }
                PackRepairer.Outcome o = check.sealed()
                        ? repairs.repair(n, check)
                        : new PackRepairer.Outcome(PackRepairer.Status.UNRECOVERABLE, List.of(),
                                "the pack is damaged and has no parity", damagedBlobs(check));
                if (o.status() == PackRepairer.Status.REPAIRED) {
                    repaired.add(p);
                } else if (o.status() == PackRepairer.Status.UNRECOVERABLE) {
                    lostNow.addAll(salvageAndQuarantine(n, o.reason()));
                    quarantined.add(parts.quarantine().packPath(n));
                }
            }
            return new RepairReport(repaired, quarantined, lostNow, found, remaining);
        });
    }

    /** Reports the bytes checked so far against the packs' total length, chunk by chunk. */
    private static LongConsumer ticker(Progress progress, long[] lengths) {
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
     * that places it at a stale offset, must not cost it. Runs inside {@link PackAppender#exclusively}.
     *
     * @return the blobs that were lost: indexed in this pack and failing their hash
     */
    private List<BlobRef> salvageAndQuarantine(int n, String reason) throws IOException {
        Path p = packs.readers().path(n);
        List<Prepared> intact = new ArrayList<>();
        Set<BlobRef> lostHere = new LinkedHashSet<>();
        Set<BlobRef> salvaged = new HashSet<>();
        long[] held = {0};
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            new PackScanner(p, ch, ch.size(), packs.geometry()).scan(PackFormat.HEADER_SIZE, (e, s) -> {
                BlobRef ref = BlobRef.of(e.hash());
                Location where = parts.index().get(e.hash());
                if (where != null && where.pack() != n || salvaged.contains(ref)) {
                    return; // indexed in another pack, or copied already: nothing of it lives only here
                }
                Location here = new Location(n, e.offset(), e.storedSize(), where != null ? where.size() : -1,
                        e.codecId());
                byte[] payload = s.payload(e);
                try {
                    Prepared copy = checkedCopy(ref, here, where, payload);
                    if (copy == null) {
                        if (where != null) {
                            lostHere.add(ref);
                        }
                        return;
                    }
                    intact.add(copy);
                } catch (UnsupportedCodecException missing) {
                    intact.add(new Prepared(e.hash(), payload, e.flag(), e.codecId(), here.size()));
                }
                salvaged.add(ref);
                lostHere.remove(ref); // a second copy in the pack verified
                held[0] += payload.length;
                if (held[0] > SALVAGE_CHUNK) {
                    appender.appendMoved(intact);
                    intact.clear();
                    held[0] = 0;
                }
            });
        }
        appender.appendMoved(intact);
        intact.clear();
        held[0] = 0;
        // blobs indexed in this pack that the scan never reached (beyond a structural break): the
        // index's location is an offset it trusts, so a blob whose bytes verify there is copied too
        for (BlobRef ref : allIndexedIn(n)) {
            Prepared copy = lostHere.contains(ref) ? null : copyAtIndexedPlace(ref);
            if (copy == null) {
                lostHere.add(ref);
                continue;
            }
            intact.add(copy);
            held[0] += copy.payload().length;
            if (held[0] > SALVAGE_CHUNK) {
                appender.appendMoved(intact);
                intact.clear();
                held[0] = 0;
            }
        }
        appender.appendMoved(intact);
        appender.forgetLost(lostHere);
        parts.quarantine().quarantine(n, reason, lostHere);
        packs.readers().forget(n);
        reader.lost(lostHere, n);
        LOG.error("{}: beyond repair ({}); moved to {} after copying its intact blobs; {} blobs lost", p, reason,
                parts.quarantine().packPath(n), lostHere.size());
        return new ArrayList<>(lostHere);
    }

    /**
     * @param here    the entry as the pack's header states it
     * @param indexed where the index puts the blob, or null
     * @return the entry to append for a payload that decodes to its blob: with the header's codec,
     *         or, when the header's codec byte is damaged, with the one the index recorded; null
     *         when neither decodes it
     */
    private Prepared checkedCopy(BlobRef ref, Location here, Location indexed, byte[] payload) {
        try {
            byte[] blob = reader.decodeChecked(ref, here, payload);
            return new Prepared(ref.bytes(), payload, flagOf(here.codecId()), here.codecId(), blob.length);
        } catch (CorruptPackException bad) {
            if (indexed == null || indexed.codecId() == here.codecId()) {
                return null;
            }
        }
        Location recorded = new Location(here.pack(), here.offset(), here.storedSize(), indexed.size(), indexed.codecId());
        try {
            byte[] blob = reader.decodeChecked(ref, recorded, payload);
            return new Prepared(ref.bytes(), payload, flagOf(indexed.codecId()), indexed.codecId(), blob.length);
        } catch (CorruptPackException | UnsupportedCodecException stillBad) {
            return null;
        }
    }

    /**
     * @return the blob's entry as found where the index puts it, when its payload there decodes to
     *         the blob (or cannot be checked for lack of its codec); null when it does not, or
     *         cannot be read
     */
    private Prepared copyAtIndexedPlace(BlobRef ref) {
        Location where = parts.index().get(ref.bytes());
        if (where == null || where.payloadOffset() + where.storedSize() > regularSize(where.pack())) {
            return null;
        }
        byte[] payload = new byte[Math.toIntExact(where.storedSize())];
        try {
            packs.readers().readFully(where.pack(), where.payloadOffset(), payload, 0, payload.length);
            return checkedCopy(ref, where, null, payload);
        } catch (IOException | RuntimeException unreadable) {
            if (unreadable instanceof UnsupportedCodecException) {
                return new Prepared(ref.bytes(), payload, flagOf(where.codecId()), where.codecId(), where.size());
            }
            return null;
        }
    }

    private long regularSize(int pack) {
        try {
            return PackFormat.regularFileSize(packs.readers().path(pack));
        } catch (IOException e) {
            return 0;
        }
    }

    /** @return the flag of an entry written with codec {@code codecId}, as the appender writes one */
    private static int flagOf(int codecId) {
        return codecId == PackFormat.CODEC_NONE ? PackFormat.FLAG_BLOB : PackFormat.FLAG_COMPRESSED;
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
