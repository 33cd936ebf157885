package org.blobsfile.api;

/**
 * An entry was written with a codec id that no codec on the class path handles. This is not
 * corruption: adding the named module makes the blob readable.
 */
public class UnsupportedCodecException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    private final int id;

    /**
     * @param id   the codec id found on disk
     * @param hint what the id is known as and which artifact provides it, or {@code null}
     */
    public UnsupportedCodecException(int id, String hint) {
        super("unsupported codec id " + id + (hint == null ? ": no codec with this id is on the class path" : " " + hint));
        this.id = id;
    }

    /** @return the codec id found on disk */
    public int id() {
        return id;
    }
}
