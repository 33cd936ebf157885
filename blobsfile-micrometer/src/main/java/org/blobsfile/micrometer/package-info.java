/**
 * Binds a {@link org.blobsfile.api.BlobStore} to a Micrometer
 * {@link io.micrometer.core.instrument.MeterRegistry}: {@link org.blobsfile.micrometer.BlobStoreMetrics}.
 */
package org.blobsfile.micrometer;
