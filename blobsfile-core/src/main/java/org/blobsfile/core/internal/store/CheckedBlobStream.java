package org.blobsfile.core.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.CorruptPackException;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.hash.FastBlake2b;
import org.blobsfile.core.internal.index.Location;

/**
 * A blob read in pieces, hashed as it is read: the read that reaches the end compares the hash
 * with the reference before it returns -1, and throws instead when they differ, so a reader
 * that got to the end without an exception holds exactly the blob. Damage found on the way (a
 * payload that does not decode) fails the read that meets it. Either way the failure is an
 * {@link IOException} whose cause is the {@link CorruptPackException} that {@code get} would
 * throw for the same blob. Not thread-safe.
 */
final class CheckedBlobStream extends InputStream {
    /** Makes the exception that names the damage of the blob at its location. */
    interface Damage {
        /** @return the failure, naming the pack and offset */
        CorruptPackException of(String reason);
    }

    /** What the stream asks when the hash does not match, to tell damage from a blob moved under the read. */
    interface Moved {
        /** @return whether the blob is no longer where the stream reads it from */
        boolean since(Location read);
    }

    private final BlobRef ref;
    private final Location loc;
    private final InputStream blob;
    /** The stream's own channel on the pack, closed with the decoder. */
    private final java.io.Closeable pack;
    private final Damage damage;
    private final Moved moved;
    private final FastBlake2b digest = Blake2b.newDigest();
    private long produced;
    private boolean ended;
    private boolean closed;
    private IOException failed;

    /**
     * @param blob   the decoded blob's bytes
     * @param pack   what {@code blob} reads the pack through, closed with it
     * @param damage makes the exception a failed check throws
     * @param moved  tells a blob moved by maintenance meanwhile from a damaged one
     */
    CheckedBlobStream(BlobRef ref, Location loc, InputStream blob, java.io.Closeable pack, Damage damage, Moved moved) {
        this.ref = ref;
        this.loc = loc;
        this.blob = blob;
        this.pack = pack;
        this.damage = damage;
        this.moved = moved;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failed != null) {
            throw failed;
        }
        if (ended) {
            return -1;
        }
        if (closed) {
            throw new IOException("the stream of blob " + ref + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = blob.read(b, off, len);
        } catch (PackReadFailed e) {
            throw fail(e.getCause());
        } catch (IOException | RuntimeException e) {
            throw fail(damaged("its payload does not decode with codec id " + loc.codecId() + " (" + e.getMessage() + ")", e));
        }
        if (n < 0) {
            release(); // a decoder may hold native memory until closed, and a caller need not close
            byte[] actual = digest.digest();
            if (!Arrays.equals(actual, ref.bytes())) {
                throw fail(damaged("fails its hash check (the bytes hash to " + BlobRef.of(actual) + ")", null));
            }
            ended = true;
            return -1;
        }
        produced += n;
        if (loc.size() >= 0 && produced > loc.size()) {
            throw fail(damaged("decodes to more than its " + loc.size() + " bytes", null));
        }
        digest.update(b, off, n);
        return n;
    }

    private IOException damaged(String reason, Exception cause) {
        if (moved.since(loc)) {
            return new IOException("blob " + ref + " was moved by maintenance while it was read; read it again");
        }
        CorruptPackException c = damage.of("blob " + ref + " " + reason);
        if (cause != null) {
            c.addSuppressed(cause);
        }
        return new IOException(c.getMessage(), c);
    }

    private IOException fail(IOException e) {
        failed = e;
        release();
        return e;
    }

    private void release() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // the blob's outcome is what the caller hears of; a decoder that fails to close holds nothing more
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (java.io.Closeable p = pack) {
            blob.close();
        }
    }

    /** A read of the pack itself that failed: an I/O error, not damage; carried through the decoder as its cause. */
    static final class PackReadFailed extends IOException {
        private static final long serialVersionUID = 1L;

        PackReadFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
