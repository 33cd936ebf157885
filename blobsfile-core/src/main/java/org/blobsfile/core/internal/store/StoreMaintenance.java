package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.Damage;
import org.blobsfile.api.Progress;
import org.blobsfile.api.RepairReport;
import org.blobsfile.api.UnsupportedCodecException;
import org.blobsfile.api.VerifyReport;
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

    /** Checks every pack as it is now, the active one up to its appended end. */
    VerifyReport verify(Progress progress) throws IOException {
        parts.sealing().awaitIdle(); // a pack half-way through its seal is not damaged, just busy
        long[] lengths = appender.extent().lengths(packs.readers());
        PackVerifier verifier = new PackVerifier(packs.geometry(), packs.codecs());
        List<Damage> damage = new ArrayList<>();
        long read = 0;
        long blobs = 0;
        int unprotected = 0;
        LongConsumer tick = ticker(progress, lengths);
        for (int n = 0; n < lengths.length; n++) {
            PackVerifier.PackCheck c = verifier.check(packs.readers().path(n), n, lengths[n], tick);
            damage.addAll(c.damage());
            if (c.isClean() && parts.sealing().isUnprotected(n)) {
                // VerifyReport has no place for notes: a full pack without EOF entry is valid v1, not damage
                unprotected++;
                LOG.warn("{}: closed without EOF entry (filled to the last byte by another v1 writer): no parity,"
                        + " unprotected", packs.readers().path(n));
            }
            read += c.bytesRead();
            blobs += c.blobs();
        }
        if (!damage.isEmpty()) {
            LOG.warn("verify of {} found {} problems; the first: {}", packs.dir(), damage.size(), damage.get(0));
        }
        if (unprotected > 0) {
            LOG.warn("verify of {}: {} closed packs have no parity (unprotected, not damaged)", packs.dir(), unprotected);
        }
        return new VerifyReport(lengths.length, read, blobs, damage);
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
     * Copies every intact blob of pack {@code n} that the index finds there into the active pack,
     * then moves the pack to quarantine. Runs inside {@link PackAppender#exclusively}.
     *
     * @return the blobs that were lost: indexed in this pack and failing their hash
     */
    private List<BlobRef> salvageAndQuarantine(int n, String reason) throws IOException {
        Path p = packs.readers().path(n);
        List<Prepared> intact = new ArrayList<>();
        Set<BlobRef> lostHere = new LinkedHashSet<>();
        long[] held = {0};
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            new PackScanner(p, ch, ch.size(), packs.geometry()).scan(PackFormat.HEADER_SIZE, (e, s) -> {
                BlobRef ref = BlobRef.of(e.hash());
                Location where = parts.index().get(e.hash());
                if (where == null || where.pack() != n || where.offset() != e.offset()) {
                    return; // indexed elsewhere: nothing of it lives only here
                }
                byte[] payload = s.payload(e);
                try {
                    byte[] blob = reader.decodeChecked(ref, where, payload);
                    intact.add(new Prepared(e.hash(), payload, e.flag(), e.codecId(), blob.length));
                    held[0] += payload.length;
                } catch (CorruptPackException bad) {
                    lostHere.add(ref);
                } catch (UnsupportedCodecException missing) {
                    intact.add(new Prepared(e.hash(), payload, e.flag(), e.codecId(), where.size()));
                    held[0] += payload.length;
                }
                if (held[0] > SALVAGE_CHUNK) {
                    appender.appendMoved(intact);
                    intact.clear();
                    held[0] = 0;
                }
            });
        }
        appender.appendMoved(intact);
        // blobs indexed in this pack that the scan never reached (beyond a structural break) are lost too
        lostHere.addAll(allIndexedIn(n));
        appender.forgetLost(lostHere);
        parts.quarantine().quarantine(n, reason, lostHere);
        packs.readers().forget(n);
        reader.lost(lostHere, n);
        LOG.error("{}: beyond repair ({}); moved to {} after copying its intact blobs; {} blobs lost", p, reason,
                parts.quarantine().packPath(n), lostHere.size());
        return new ArrayList<>(lostHere);
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
