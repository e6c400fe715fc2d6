/**
 * Prometheus metrics of the sensor: {@link io.mailtap.metrics.MailtapMetrics} registers the metric
 * contract (METRICS-CONTRACT.md) as Micrometer function counters and gauges over a
 * {@link io.mailtap.metrics.MetricsSource}, which sums the stages' single-writer stats once per
 * scrape into {@link io.mailtap.metrics.SensorTotals}; {@link io.mailtap.metrics.MetricsEndpoint}
 * serves them over HTTP or HTTPS (PEM files), optionally behind basic auth, with a health path.
 * Nothing here runs on the packet path, and every label value comes from a fixed set.
 */
package io.mailtap.metrics;
