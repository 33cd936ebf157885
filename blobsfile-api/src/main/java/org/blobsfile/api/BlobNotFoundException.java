package org.blobsfile.api;

/** The store holds no blob with the requested reference. */
public class BlobNotFoundException extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    private final BlobRef ref;

    /** @param ref the reference that was asked for */
    public BlobNotFoundException(BlobRef ref) {
        this(ref, "blob " + ref + " not found");
    }

    /**
     * @param ref     the reference that was asked for
     * @param message why it is not there (for example, the pack that held it was quarantined)
     */
    public BlobNotFoundException(BlobRef ref, String message) {
        super(message);
        this.ref = ref;
    }

    /** @return the reference that was asked for */
    public BlobRef ref() {
        return ref;
    }
}
