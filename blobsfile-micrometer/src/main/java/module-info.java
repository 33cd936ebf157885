/**
 * Micrometer metrics for a BlobsFile store: its counters and levels as meters, and the latency of
 * its operations as timers. Needs the API and Micrometer alone; the core knows nothing of it.
 */
@SuppressWarnings("requires-transitive-automatic")
module org.blobsfile.micrometer {
    requires transitive org.blobsfile.api;
    // the binder's public type is a MeterBinder: its users compile against Micrometer too
    requires transitive micrometer.core;

    exports org.blobsfile.micrometer;
}
