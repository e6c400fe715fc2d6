package io.mailtap.metrics;

/**
 * What the metrics endpoint reads: the sensor's stage counters, summed at scrape time. The live
 * sensor implements it over its workers, its capture thread and its detection stage; a test can
 * implement it over one {@code PacketPipeline}. Nothing here is called on the packet path.
 */
public interface MetricsSource {
    /**
     * Adds every counter the sensor has into {@code into} (a fresh object per scrape). Called on
     * the scrape thread; implementations read the stages' single-writer stats racily, which is
     * fine for monotonic counters (a value may be a moment stale, never torn on a 64-bit JVM).
     */
    void collect(SensorTotals into);

    /** {@code /-/healthy}: true while the capture thread (and the threads behind it) are alive. */
    boolean healthy();

    /** {@code /-/ready}: what keeps the sensor from doing its job besides health (an output that cannot be written). */
    default java.util.List<String> notReady() { return java.util.List.of(); }
}
