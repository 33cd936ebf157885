package org.blobsfile.api.spi;

/**
 * One key and its value, as returned by a scan of a {@link BlobIndex}. The arrays belong to the
 * caller once returned.
 *
 * @param key   the key (a 32-byte blob hash)
 * @param value the value the store wrote for it
 */
public record IndexRecord(byte[] key, byte[] value) {
}
