package io.mailtap.sensor;

import io.mailtap.smtp.SmtpCounter;
import io.mailtap.flow.FlowCounter;
import io.mailtap.decode.DecodeCounter;
import io.mailtap.testutil.CorpusDir;
import io.mailtap.alert.AlertSink;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.SkipReason;
import io.mailtap.detect.RuleId;
import io.mailtap.flow.EndReason;
import io.mailtap.metrics.MailtapMetrics;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics contract over real stage counters: packets from the bundled lab captures (and the
 * shared corpus) go through PacketPipelines and a Detection; the scrape must expose every contract
 * metric, with the stage counters' values, and no label value outside the fixed sets.
 */
class SensorMetricsContractTest {
    private static final Path SAMPLES = Path.of("samples");

    @TempDir
    Path out;

    private record Run(List<PacketPipeline> pipelines, DetectionSlot slot, CountingSink sink, MailtapMetrics metrics) {}

    private Run replay(MailtapConfig cfg, List<Path> files) throws IOException {
        CountingSink sink = new CountingSink("webhook");
        Detection d = Detection.build(cfg, out, false, List.<AlertSink>of(sink));
        DetectionSlot slot = new DetectionSlot(new DetectionSlot.Generation(d, cfg, List.of(sink)));
        List<PacketPipeline> pipelines = new ArrayList<>();
        for (Path f : files) { // one pipeline per file: like workers, their counters are summed
            PacketPipeline p = new PacketPipeline(cfg.flowSettings(), cfg.smtpSettings(), d.engine());
            FileReplayer.Result r = FileReplayer.replay(f, null, p);
            assertThat(r.packets()).as("packets of %s", f).isPositive();
            p.finish();
            pipelines.add(p);
        }
        SensorMetrics source = new SensorMetrics(pipelines, slot);
        return new Run(pipelines, slot, sink, new MailtapMetrics(source, "test-1.0", "sensor-a", "site-1"));
    }

    @Test
    void everyContractMetricCarriesTheStageCounters() throws IOException {
        MailtapConfig cfg = ConfigLoader.load(SAMPLES.resolve("lab.yml"));
        Run run = replay(cfg, List.of(SAMPLES.resolve("incident-2-null-sender.pcap")));
        String text = run.metrics().scrape();
        Scrape s = Scrape.parse(text);

        s.assertFollowsContract(true);
        assertThat(text).contains("# TYPE mailtap_flows_started_total counter");

        PacketPipeline p = run.pipelines().get(0);
        SmtpStats smtp = p.smtpStats();
        assertThat(s.value("mailtap_build_info", "java", "" + Runtime.version().feature(), "version", "test-1.0",
                "sensor", "sensor-a", "site", "site-1")).isEqualTo(1);
        // sensor and site on every series, the JVM binders' too (not "instance": Prometheus owns that)
        assertThat(s.series).allSatisfy(x -> assertThat(x.labels()).containsEntry("sensor", "sensor-a")
                .containsEntry("site", "site-1").doesNotContainKey("instance"));
        assertThat(s.value("jvm_threads_live_threads", "sensor", "sensor-a", "site", "site-1")).isPositive();
        assertThat(s.value("mailtap_up")).isEqualTo(1);
        assertThat(s.value("mailtap_packets_total")).isEqualTo(1344).isEqualTo(p.decodeStats().get(DecodeCounter.FRAMES));
        assertThat(s.value("mailtap_bytes_total")).isEqualTo(162_824 - 24 - 16 * 1344); // wire bytes: file minus pcap headers
        assertThat(s.value("mailtap_packets_decoded_total")).isEqualTo(p.decodeStats().get(DecodeCounter.DECODED_TCP));
        assertThat(s.value("mailtap_packets_skipped_total", "reason", "not_ip"))
                .isEqualTo(p.decodeStats().skipped(SkipReason.NOT_IP)).isPositive(); // ARP
        assertThat(s.value("mailtap_flows_started_total")).isEqualTo(p.flowStats().get(FlowCounter.FLOWS_CREATED)).isPositive();
        assertThat(s.value("mailtap_flows_active")).isZero();
        assertThat(s.sum("mailtap_flows_ended_total")).isEqualTo(p.flowStats().endedTotal());
        assertThat(s.value("mailtap_flows_ended_total", "reason", "fin")).isEqualTo(p.flowStats().ended(EndReason.FIN));
        assertThat(s.sum("mailtap_smtp_connections_total")).isEqualTo(p.flowStats().endedTotal());
        assertThat(s.value("mailtap_tcp_payload_bytes_total")).isEqualTo(p.flowStats().get(FlowCounter.BYTES_DELIVERED)).isPositive();
        assertThat(s.value("mailtap_capture_loss_bytes_total")).isZero(); // the lab captures lose nothing

        // the facts of samples/README.md
        assertThat(s.value("mailtap_smtp_null_sender_total")).isEqualTo(60).isEqualTo(smtp.get(SmtpCounter.NULL_SENDER));
        assertThat(s.value("mailtap_smtp_mail_from_total")).isEqualTo(smtp.get(SmtpCounter.MAIL_FROM));
        assertThat(s.value("mailtap_smtp_transactions_total")).isEqualTo(smtp.get(SmtpCounter.TRANSACTIONS));
        assertThat(s.value("mailtap_smtp_sessions_total")).isEqualTo(smtp.get(SmtpCounter.SESSIONS));
        assertThat(s.value("mailtap_smtp_auth_total", "mechanism", "login", "result", "success")).isEqualTo(30);
        assertThat(s.value("mailtap_smtp_auth_total", "mechanism", "login", "result", "failure")).isEqualTo(10);
        assertThat(s.value("mailtap_smtp_auth_total", "mechanism", "plain", "result", "success")).isEqualTo(3);
        assertThat(s.value("mailtap_smtp_rcpt_total", "result", "rejected")).isEqualTo(smtp.get(SmtpCounter.RCPT_REJECTED)).isPositive();
        assertThat(s.value("mailtap_smtp_rcpt_total", "result", "accepted")).isEqualTo(smtp.get(SmtpCounter.RCPT_ACCEPTED));

        // counters no metric read before they were enum constants (and the per-class arrays)
        assertThat(s.value("mailtap_flows_established_total")).isEqualTo(p.flowStats().get(FlowCounter.ESTABLISHED)).isPositive();
        assertThat(s.value("mailtap_smtp_message_bytes_total")).isEqualTo(smtp.get(SmtpCounter.MESSAGE_BYTES)).isPositive();
        assertThat(s.value("mailtap_flows_active_peak")).isEqualTo(p.flowStats().get(FlowCounter.ACTIVE_PEAK)).isPositive();
        assertThat(s.value("mailtap_smtp_commands_total", "verb", "mail"))
                .isEqualTo(smtp.commands(io.mailtap.smtp.SmtpVerb.MAIL)).isPositive();
        assertThat(s.value("mailtap_smtp_replies_total", "class", "2xx")).isEqualTo(smtp.replies(2)).isPositive();

        // detection and alerts
        var alerts = run.slot().current().detection.tracker().stats();
        for (RuleId r : List.of(RuleId.NULL_SENDER_BURST, RuleId.AUTH_GUEST_ACCOUNT, RuleId.AUTH_FAILURES,
                RuleId.BLOCKLIST_REJECTION)) {
            String sev = cfg.rule(r).severity().label();
            assertThat(s.value("mailtap_alerts_raised_total", "rule", r.id(), "severity", sev))
                    .as("%s raised", r).isEqualTo(alerts.rule(r).opened()).isPositive();
            assertThat(s.value("mailtap_alerts_active", "rule", r.id())).isEqualTo(alerts.rule(r).open());
        }
        assertThat(s.sum("mailtap_alerts_notifications_total")).isEqualTo(alerts.notifications());
        assertThat(s.value("mailtap_alert_sink_delivered_total", "sink", "webhook"))
                .isEqualTo(run.sink().alerts.size()).isEqualTo(alerts.notifications());
        assertThat(s.value("mailtap_alert_sink_dropped_total", "sink", "webhook", "reason", "queue_full")).isZero();
        assertThat(s.value("mailtap_packet_time_seconds")).isCloseTo(p.nowMicros() / 1e6, org.assertj.core.data.Offset.offset(1e-3));
        // a rule's series exists at its configured severity even at 0
        assertThat(s.value("mailtap_alerts_raised_total", "rule", "open_relay", "severity", "critical")).isZero();
    }

    @Test
    void countersStayMonotonicWhenADetectionGenerationIsReplaced() throws IOException {
        MailtapConfig cfg = ConfigLoader.load(SAMPLES.resolve("lab.yml"));
        Run run = replay(cfg, List.of(SAMPLES.resolve("incident-2-null-sender.pcap")));
        Scrape before = Scrape.parse(run.metrics().scrape());

        MailtapConfig warning = ConfigLoader.parse(Files.readString(SAMPLES.resolve("lab.yml"))
                + "\ndetect:\n  null_sender_burst:\n    severity: warning\n");
        CountingSink sink2 = new CountingSink("webhook");
        Detection d2 = Detection.build(warning, out, false, List.<AlertSink>of(sink2));
        DetectionSlot.Generation old = run.slot().replace(new DetectionSlot.Generation(d2, warning, List.of(sink2)));
        Scrape during = Scrape.parse(run.metrics().scrape());
        old.detection.close();
        run.slot().retired(old);
        Scrape after = Scrape.parse(run.metrics().scrape());

        for (Scrape s : List.of(during, after)) {
            s.assertFollowsContract(true);
            assertThat(s.value("mailtap_alerts_raised_total", "rule", "null_sender_burst", "severity", "critical"))
                    .isEqualTo(before.value("mailtap_alerts_raised_total", "rule", "null_sender_burst", "severity", "critical"));
            assertThat(s.value("mailtap_alerts_raised_total", "rule", "null_sender_burst", "severity", "warning")).isZero();
            assertThat(s.sum("mailtap_alerts_notifications_total")).isEqualTo(before.sum("mailtap_alerts_notifications_total"));
            assertThat(s.value("mailtap_alert_sink_delivered_total", "sink", "webhook"))
                    .isEqualTo(before.value("mailtap_alert_sink_delivered_total", "sink", "webhook"));
            assertThat(s.value("mailtap_alerts_active", "rule", "null_sender_burst")).as("the new tracker has none open").isZero();
        }
    }

    /** Every capture of the shared corpus, then the bundled samples: labels stay within the fixed sets. */
    @Test
    void labelCardinalityStaysBoundedOverTheWholeCorpus() throws IOException {
        Path corpus = corpusDir();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> st = Files.walk(corpus)) {
            st.map(Path::toString).filter(n -> n.endsWith(".truth.json")).sorted()
                    .forEach(n -> files.add(Path.of(n.substring(0, n.length() - ".truth.json".length()))));
        }
        assertThat(files).hasSizeGreaterThan(100);
        try (Stream<Path> st = Files.list(SAMPLES)) {
            st.filter(f -> f.toString().endsWith(".pcap")).sorted().forEach(files::add);
        }
        MailtapConfig cfg = ConfigLoader.load(SAMPLES.resolve("lab.yml"));
        Run run = replay(cfg, files);
        Scrape s = Scrape.parse(run.metrics().scrape());

        s.assertFollowsContract(true);
        long series = s.series.stream().filter(x -> x.name().startsWith("mailtap_")).count();
        // (the JVM binders' series are bounded by the JVM: memory pools, GC, thread states)
        // ~140 fixed-label series (every stage counter, 16 verbs, 4 reply classes, 22 anomaly kinds)
        // + 8 raised (one severity per rule) + 5 for the one sink + the hand-rendered ones: fixed by
        // the enums, whatever the traffic (+ 6 output reopen and 12 forwarding-sink series, + 6 Kafka delivery
        // series, + 3 per-rule detection counters for each of the 8 rules and 2 engine-wide ones)
        assertThat(series).isLessThanOrEqualTo(298);
        assertThat(s.value("mailtap_packets_total")).isGreaterThan(10_000);
        assertThat(s.sum("mailtap_packets_skipped_total")).isPositive();
        assertThat(s.value("mailtap_smtp_starttls_total", "result", "accepted")).isPositive();
        assertThat(s.sum("mailtap_smtp_auth_total")).isPositive();
    }

    static Path corpusDir() {
        return CorpusDir.get();
    }
}
