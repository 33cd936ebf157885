package org.blobsfile.api;

/** A pack file is damaged, or is not a v1 pack, at a known offset. */
public class CorruptPackException extends CorruptStoreException {
    private static final long serialVersionUID = 1L;

    private final transient java.nio.file.Path path;
    private final long offset;
    private final String reason;

    /**
     * @param path   the pack file
     * @param offset where in it the damage was found
     * @param reason what is wrong there
     */
    public CorruptPackException(java.nio.file.Path path, long offset, String reason) {
        super(path + " at offset " + offset + ": " + reason);
        this.path = path;
        this.offset = offset;
        this.reason = reason;
    }

    /** @return the pack file */
    public java.nio.file.Path path() {
        return path;
    }

    /** @return the offset of the damage */
    public long offset() {
        return offset;
    }

    /** @return what is wrong, without the location */
    public String reason() {
        return reason;
    }
}
