package io.mailtap.sensor;

import io.mailtap.capture.PacketSource;
import io.mailtap.config.MailtapConfig;
import io.mailtap.metrics.MetricsEndpoint;
import io.mailtap.metrics.SensorTotals;
import io.mailtap.smtp.SmtpCounter;
import io.mailtap.txlog.OutputHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The live sensor's start and stop lines: what an operator reads to know what is being captured and
 * what a run saw. Kept apart so their wording (which runbooks and tests grep) is in one place.
 */
final class LifecycleLog {
    /** Logs under the sensor's name, as these lines always have. */
    private static final Logger LOG = LoggerFactory.getLogger(LiveSensor.class);

    private LifecycleLog() {}

    /** The one "running" line, then each configuration warning. */
    static void running(String version, MailtapConfig cfg, List<PacketSource> sources, String filter, int fanoutGroup,
                        FrameRing ring, MetricsEndpoint endpoint) {
        MailtapConfig.Capture cap = cfg.capture();
        LOG.info("mailtap " + version + " running: interface '" + cap.iface() + "' (link type " + sources.get(0).linkType() + ")"
                + ", filter '" + (filter == null ? "" : filter) + "'"
                + ", " + cap.workers() + (cap.workers() == 1 ? " worker" : " workers")
                + (sources.size() == 1 ? "" : " behind " + sources.size() + " capture threads (PACKET_FANOUT group " + fanoutGroup + ")")
                + " (ring " + ring.capacity() + " frames / " + (ring.arenaBytes() >> 20) + " MiB each)"
                + ", heartbeat " + cap.heartbeat().toMillis() + " ms"
                + ", metrics " + (endpoint == null ? "off" : endpoint.url())
                + ", output " + cfg.outputDir().toAbsolutePath().normalize());
        for (String w : cfg.warnings()) LOG.warn("config: {}", w);
    }

    static void stopping(int workers) {
        LOG.info("stopping: draining {} workers and flushing every flow", workers);
    }

    /** The run's totals: every drop point, the transactions and the outputs' write counts. */
    static void stopped(SensorTotals t, OutputHealth outputs) {
        LOG.info("stopped: {} packets received, dropped {} by the kernel, {} by the interface, {} at the rings; {} transactions; {}",
                t.captureReceived, t.captureDroppedKernel, t.captureDroppedInterface, t.captureDroppedRing,
                t.smtp.get(SmtpCounter.TRANSACTIONS), outputs.summary());
    }
}
