package org.blobsfile.api;

import java.nio.file.Path;

/**
 * One finding of {@link BlobStore#verify()}: where a pack is damaged and what is wrong there.
 * Immutable.
 *
 * @param pack   the pack file
 * @param offset where in it
 * @param shard  the Reed-Solomon shard the offset lies in (0 to 9 data, 10 and 11 parity), or -1
 *               when the pack is not sealed or the finding is about the whole pack
 * @param blob   the blob whose entry is damaged, or {@code null} when the damage is elsewhere
 *               (header, EOF entry, padding, parity)
 * @param what   one sentence saying what is wrong
 */
public record Damage(Path pack, long offset, int shard, BlobRef blob, String what) {
    @Override
    public String toString() {
        return pack.getFileName() + "@" + offset + (shard >= 0 ? " (shard " + shard + ")" : "")
                + (blob != null ? " blob " + blob : "") + ": " + what;
    }
}
