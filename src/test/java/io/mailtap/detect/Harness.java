package io.mailtap.detect;

import io.mailtap.alert.Alert;
import io.mailtap.alert.AlertTracker;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;

import java.util.List;

/**
 * A site for tests: 198.18.0.0/15 and 10.0.0.0/8 are ours, 198.18.10.5 is the mail server
 * (mail.example.org, domain example.org); 203.0.113.0/24 and 198.51.100.0/24 are the Internet.
 * Wires config → DetectionEngine → AlertTracker → CollectingSink the way the sensor does.
 */
public final class Harness {
    public static final String SITE = """
            sensor: { name: test-sensor }
            network:
              internal: [198.18.0.0/15, 10.0.0.0/8, "fd00::/8"]
              mail_servers: [198.18.10.5]
              public_helo: [mail.example.org]
              local_domains: [example.org]
            """;

    public static final String MAIL_SERVER = "198.18.10.5";
    public static final String FIREWALL = "198.18.10.1";
    public static final String WORKSTATION = "198.18.20.33";
    public static final String OUTSIDE_RELAY = "203.0.113.25";
    public static final String OUTSIDE_MX = "203.0.113.80";
    public static final String OUTSIDE_CLIENT = "198.51.100.7";

    public final MailtapConfig config;
    public final CollectingSink sink = new CollectingSink();
    public final AlertTracker tracker;
    public final DetectionEngine engine;
    public final SmtpScript wire;

    private Harness(MailtapConfig config) {
        this.config = config;
        this.tracker = new AlertTracker(config.alertSettings(), sink);
        this.engine = new DetectionEngine(DetectPlan.from(config.view()), tracker);
        this.wire = new SmtpScript(engine);
    }

    /** The test site plus {@code extraYaml} (more top-level sections, e.g. a detect block). */
    public static Harness site(String extraYaml) {
        return new Harness(ConfigLoader.parse(SITE + extraYaml));
    }

    public static Harness site() { return site(""); }

    /** A harness for exactly {@code yaml}. */
    public static Harness of(String yaml) {
        return new Harness(ConfigLoader.parse(yaml));
    }

    public List<Alert> alerts() { return sink.alerts; }

    public List<Alert> alerts(RuleId rule) { return sink.of(rule); }

    public DetectStats.RuleStats stats(RuleId rule) { return engine.stats().rule(rule); }

    /** Moves packet time forward by {@code seconds} and lets the engine see it (heartbeat). */
    public void idle(double seconds) {
        wire.advanceSeconds(seconds);
        engine.advanceTime(wire.now());
    }
}
