package org.blobsfile.core.internal.store;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.blobsfile.api.ArchiveException;
import org.blobsfile.api.BlobNotFoundException;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.BlobStoreException;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.api.StorageIOException;
import org.blobsfile.api.StoreClosedException;
import org.blobsfile.api.spi.ArchiveUnavailableException;
import org.blobsfile.core.internal.archive.ArchiveTier;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.index.Location;
import org.blobsfile.core.internal.io.PositionalIo;
import org.blobsfile.core.internal.pack.PackFormat;
import org.blobsfile.core.internal.pack.PackWalker;
import org.blobsfile.core.internal.pack.PayloadInput;
import org.blobsfile.core.internal.parity.BlobHealer;
import org.blobsfile.core.internal.plugin.Payloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the store: finds a blob, reads its payload with one positional read, decodes
 * it and checks its hash. A read that finds damage in a sealed pack rebuilds the blob from the
 * pack's parity instead of failing, and queues a repair of the pack in the background.
 */
final class BlobReader {
    private static final Logger LOG = LoggerFactory.getLogger(BlobReader.class);

    /** Blobs (and payloads) up to this many bytes are read whole, and healed when damaged, by {@link #open}. */
    static final int HEAL_UP_TO = 1 << 20;

    private final Packs packs;
    private final StoreParts parts;
    private final PackAppender appender;
    private final PackRepairs repairs;
    /** Blobs lost with a quarantined pack, so that a get can say where they went. */
    private final Map<BlobRef, Integer> lost;

    /**
     * @param appender where blobs forced but not yet indexed are found
     * @param repairs  where a pack a read had to heal is queued for repair
     */
    BlobReader(Packs packs, StoreParts parts, PackAppender appender, PackRepairs repairs) {
        this.packs = packs;
        this.parts = parts;
        this.appender = appender;
        this.repairs = repairs;
        try {
            this.lost = new ConcurrentHashMap<>(parts.quarantine().lostBlobs());
        } catch (IOException e) {
            throw new StorageIOException("reading the quarantine notes of " + packs.dir(), e);
        }
    }

    /** @return the blob, checked against its hash */
    byte[] get(BlobRef ref) {
        return get(ref, locate(ref));
    }

    /** As {@link #get(BlobRef)}, for a blob already located. */
    private byte[] get(BlobRef ref, Location loc) {
        parts.meters().gets.increment();
        try {
            return read(ref, loc);
        } catch (CorruptPackException | StorageIOException e) {
            // a compaction may have moved the blob and replaced its pack between the lookup and the read
            Location now = place(ref);
            if (now == null) {
                throw new BlobNotFoundException(ref); // deleted meanwhile: absent, whatever the read met
            }
            if (now.equals(loc)) {
                throw e;
            }
            return read(ref, now);
        }
    }

    /**
     * Opens a blob to read in pieces, its hash checked by the end (see {@link CheckedBlobStream}).
     * A payload small enough to hold is read whole by {@link #get}, which heals damage from
     * parity; so is a blob of a pack evicted to the archive, whose copy is read with one ranged
     * read. A larger one is streamed from its pack and, damaged, fails at the end: bytes already
     * delivered cannot be healed, and {@code repair} rebuilds the pack.
     *
     * @param closed whether the store was closed: a stream of a closed store fails its next read
     * @return the blob's bytes
     */
    InputStream open(BlobRef ref, BooleanSupplier closed) {
        Location loc = locate(ref);
        ArchiveTier archive = parts.archive();
        // the blob's length counts, not the payload's: a compressed blob can be far larger than its payload
        boolean small = loc.storedSize() <= HEAL_UP_TO && loc.size() >= 0 && loc.size() <= HEAL_UP_TO;
        if (small || archive != null && archive.isEvicted(loc.pack())) {
            return new ByteArrayInputStream(get(ref, loc));
        }
        parts.meters().gets.increment();
        // a channel of its own: maintenance that replaces the pack meanwhile (compaction renames a
        // new file over it) closes the shared ones, while this one keeps reading the file it opened
        FileChannel ch;
        try {
            ch = FileChannel.open(packs.readers().path(loc.pack()), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new StorageIOException("reading blob " + ref + " from " + packs.readers().path(loc.pack()), e);
        }
        PackWalker.Source pack = (pos, dst, off, len) -> {
            if (closed.getAsBoolean()) {
                throw new CheckedBlobStream.PackReadFailed(new IOException(new StoreClosedException(packs.dir()).getMessage()));
            }
            try {
                PositionalIo.readFully(ch, pos, dst, off, len);
            } catch (IOException e) {
                throw new CheckedBlobStream.PackReadFailed(e);
            }
            parts.meters().bytesRead.add(len);
        };
        InputStream payload = new PayloadInput(pack, loc.payloadOffset(), loc.storedSize());
        int flag = loc.codecId() == PackFormat.CODEC_NONE ? PackFormat.FLAG_BLOB : PackFormat.FLAG_COMPRESSED;
        CheckedBlobStream.Damage damage = reason -> new CorruptPackException(packs.readers().path(loc.pack()), loc.offset(),
                reason);
        InputStream blob;
        try {
            blob = Payloads.decoding(packs.codecs(), flag, loc.codecId(), payload, loc.storedSize(), packs.geometry().maxPayload());
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, e);
            throw decodingFailure(ref, loc, damage, e);
        }
        return new CheckedBlobStream(ref, loc, blob, ch, damage, read -> !read.equals(place(ref)));
    }

    private static void closeQuietly(FileChannel ch, Exception failure) {
        try {
            ch.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** @return what a decoder that failed to start means: a failed read of the pack, or damage */
    private RuntimeException decodingFailure(BlobRef ref, Location loc, CheckedBlobStream.Damage damage, Exception failure) {
        if (failure instanceof CheckedBlobStream.PackReadFailed e) {
            return new StorageIOException("reading blob " + ref + " from " + packs.readers().path(loc.pack()), e.getCause());
        }
        if (failure instanceof IOException) {
            CorruptPackException c = damage.of("payload of blob " + ref + " does not decode with codec id " + loc.codecId());
            c.addSuppressed(failure);
            return c;
        }
        return (RuntimeException) failure;
    }

    boolean exists(BlobRef ref) {
        return appender.unindexed(ref) != null || parts.index().contains(ref.bytes());
    }

    /** @return where the blob is; a lost blob's error names the quarantined pack */
    Location locate(BlobRef ref) {
        Location loc = place(ref);
        if (loc == null) {
            Integer pack = lost.get(ref);
            if (pack != null) {
                throw new BlobNotFoundException(ref, "blob " + ref + " was lost: pack " + PackFormat.fileName(pack)
                        + " could not be repaired and is in " + parts.quarantine().packPath(pack) + " (see "
                        + parts.quarantine().notePath(pack).getFileName() + ")");
            }
            throw new BlobNotFoundException(ref);
        }
        return loc;
    }

    /** @return where the blob is: not yet indexed, or in the index; null when the store does not have it */
    private Location place(BlobRef ref) {
        Location loc = appender.unindexed(ref);
        return loc != null ? loc : parts.index().get(ref.bytes());
    }

    /**
     * @param key a blob's hash
     * @param loc a place to read it from
     * @return whether the blob reads back from there, healing from the pack's parity if need be
     */
    boolean readsAt(byte[] key, Location loc) {
        try {
            read(BlobRef.of(key), loc);
            return true;
        } catch (BlobStoreException unreadable) {
            return false;
        }
    }

    /** Remembers blobs lost with quarantined pack {@code pack}, for the errors of later gets. */
    void lost(Collection<BlobRef> refs, int pack) {
        for (BlobRef r : refs) {
            lost.put(r, pack);
        }
    }

    private byte[] read(BlobRef ref, Location loc) {
        return read(ref, loc, true);
    }

    /**
     * @param mayRetry whether a read that failed while a repair replaced the pack may start over
     *                 once on the new file: a heal whose channel the repair closed, or that read
     *                 the damaged file the repair had just replaced, is no verdict on the blob
     */
    private byte[] read(BlobRef ref, Location loc, boolean mayRetry) {
        ArchiveTier archive = parts.archive();
        if (archive != null && archive.isEvicted(loc.pack())) {
            return readArchived(ref, loc);
        }
        byte[] payload = new byte[Math.toIntExact(loc.storedSize())];
        FileChannel channel;
        try {
            channel = packs.readers().channel(loc.pack());
            packs.readers().readFully(loc.pack(), loc.payloadOffset(), payload, 0, payload.length);
        } catch (EOFException e) {
            throw new CorruptPackException(packs.readers().path(loc.pack()), loc.offset(),
                    "the file ends inside the entry of blob " + ref);
        } catch (NoSuchFileException e) {
            if (archive != null && archive.isEvicted(loc.pack())) {
                return readArchived(ref, loc); // evicted while this read began
            }
            throw new CorruptPackException(packs.readers().path(loc.pack()), loc.offset(), "the pack of blob " + ref
                    + " is missing: it cannot be read until the pack is restored");
        } catch (IOException e) {
            if (archive != null && archive.isEvicted(loc.pack())) {
                return readArchived(ref, loc); // evicted while this read began, its channel closed
            }
            throw new StorageIOException("reading blob " + ref + " from " + packs.readers().path(loc.pack()), e);
        }
        parts.meters().bytesRead.add(payload.length);
        CorruptPackException damage;
        try {
            return decodeChecked(ref, loc, payload);
        } catch (CorruptPackException e) {
            damage = e;
        }
        if (!parts.sealing().isSealed(loc.pack())) {
            return fromArchiveOr(ref, loc, damage);
        }
        // a sealed pack carries parity: rebuild the damaged bytes instead of failing the read
        byte[] healed;
        try {
            healed = new BlobHealer(packs.geometry()).heal(channel, loc.payloadOffset(), payload.length,
                    candidate -> {
                        try {
                            decodeChecked(ref, loc, candidate);
                            return true;
                        } catch (CorruptPackException stillBad) {
                            return false;
                        }
                    });
        } catch (IOException e) {
            if (mayRetry && replaced(loc.pack(), channel)) {
                return read(ref, loc, false);
            }
            damage.addSuppressed(e);
            return fromArchiveOr(ref, loc, damage);
        }
        if (healed == null) {
            if (mayRetry && replaced(loc.pack(), channel)) {
                return read(ref, loc, false);
            }
            return fromArchiveOr(ref, loc, damage);
        }
        parts.meters().healedReads.increment();
        LOG.warn("{}: rebuilt blob {} from parity; {}", packs.readers().path(loc.pack()), ref,
                repairs.mayRepair() ? "repairing the pack" : "the pack is left for repair (the store is read-only)");
        repairs.inBackground(loc.pack());
        return decodeChecked(ref, loc, healed);
    }

    /** Reads a blob of an evicted pack from the pack's archived copy: one ranged read, checked against its hash. */
    private byte[] readArchived(BlobRef ref, Location loc) {
        ArchiveTier archive = parts.archive();
        byte[] payload;
        try {
            payload = archive.read(loc.pack(), loc.payloadOffset(), Math.toIntExact(loc.storedSize()));
        } catch (ArchiveUnavailableException e) {
            throw new ArchiveException("blob " + ref + " is in " + PackFormat.fileName(loc.pack()) + ", evicted to "
                    + archive.location() + ", which cannot be read now: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageIOException("reading blob " + ref + " from the copy of " + PackFormat.fileName(loc.pack())
                    + " in " + archive.location(), e);
        }
        parts.meters().bytesRead.add(payload.length);
        if (archive.isLazy(loc.pack())) {
            repairs.fetchLater(loc.pack());
        }
        try {
            return decodeChecked(ref, loc, payload);
        } catch (CorruptPackException e) {
            throw new CorruptPackException(packs.readers().path(loc.pack()), loc.offset(), "blob " + ref + " as read"
                    + " from the copy of " + PackFormat.fileName(loc.pack()) + " in " + archive.location()
                    + " fails its hash check: the archived copy is damaged, and it is not served");
        }
    }

    /**
     * A blob damaged here and beyond parity: read from the pack's archived copy when the archive
     * holds one, checked against its hash, and the pack queued for repair (which restores it from
     * the copy); otherwise the damage.
     */
    private byte[] fromArchiveOr(BlobRef ref, Location loc, CorruptPackException damage) {
        ArchiveTier archive = parts.archive();
        if (archive == null || !archive.hasCopy(loc.pack()) || loc.pack() == appender.packCount() - 1) {
            throw damage;
        }
        byte[] blob;
        try {
            blob = decodeChecked(ref, loc, archive.read(loc.pack(), loc.payloadOffset(), Math.toIntExact(loc.storedSize())));
        } catch (IOException | BlobStoreException e) {
            damage.addSuppressed(e);
            throw damage;
        }
        parts.meters().healedReads.increment();
        LOG.warn("{}: blob {} read from the pack's archived copy in {}; {}", packs.readers().path(loc.pack()), ref,
                archive.location(), repairs.mayRepair() ? "repairing the pack" : "the pack is left for repair");
        repairs.inBackground(loc.pack());
        return blob;
    }

    /** @return whether pack {@code pack} is now read through another channel than {@code before}: a repair replaced it */
    private boolean replaced(int pack, FileChannel before) {
        try {
            return packs.readers().channel(pack) != before;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Decodes a payload and checks the blob's hash; damage of either kind is a {@link CorruptPackException}. */
    byte[] decodeChecked(BlobRef ref, Location loc, byte[] payload) {
        // the pack's path is only named in failures: building it costs a formatted string per read
        int flag = loc.codecId() == PackFormat.CODEC_NONE ? PackFormat.FLAG_BLOB : PackFormat.FLAG_COMPRESSED;
        byte[] blob;
        try {
            blob = Payloads.decode(packs.codecs(), flag, loc.codecId(), payload, packs.maxBlob());
        } catch (IOException e) {
            CorruptPackException c = new CorruptPackException(packs.readers().path(loc.pack()), loc.offset(),
                    "payload of blob " + ref + " does not decode with codec id " + loc.codecId());
            c.addSuppressed(e);
            throw c;
        }
        byte[] actual = Blake2b.hash(blob, 0, blob.length);
        if (!Arrays.equals(actual, 0, BlobRef.LENGTH, ref.bytes(), 0, BlobRef.LENGTH)) {
            throw new CorruptPackException(packs.readers().path(loc.pack()), loc.offset(), "blob " + ref
                    + " fails its hash check (the bytes hash to " + BlobRef.of(actual) + ")");
        }
        return blob;
    }
}
