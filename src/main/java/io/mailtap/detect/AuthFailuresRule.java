package io.mailtap.detect;

import io.mailtap.settings.Leaf;
import io.mailtap.settings.Units;
import java.util.List;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

import static io.mailtap.settings.ValueTypes.*;

/**
 * {@code auth_failures}: at least {@code threshold} failed AUTH exchanges from one client host
 * within the window (password guessing; the accounts tried are named).
 */
final class AuthFailuresRule extends Rule {
    private final Settings cfg;
    private final KeyedLru<Client> clients;

    /** {@code detect.auth_failures}: at least {@code threshold} failed AUTH per client in the window. */
    record Settings(long windowMicros, int threshold) {
        Settings {
            if (windowMicros <= 0 || threshold <= 0) throw new IllegalArgumentException("window and threshold must be > 0");
        }
    }

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.AUTH_FAILURES, Severity.WARNING,
            "At least threshold failed AUTH from one client within window.",
            List.of(Leaf.live("window", duration(false), Units.parseDuration("10m"), "Sliding window (packet time)."),
                    Leaf.live("threshold", integer(1, 10_000_000), 10, "Failed AUTH exchanges in the window that fire the rule.")),
            v -> new Settings(v.micros("window"), v.integer("threshold")), AuthFailuresRule::new)
            .readme("≥ `threshold` (10) failed AUTH from one client within `window` (10m); the accounts tried are named.",
                    "client IP");

    AuthFailuresRule(Settings s, RuleContext ctx) {
        super(RuleId.AUTH_FAILURES, ctx);
        this.cfg = s;
        this.clients = new KeyedLru<>(ctx.maxTrackedKeys(), this.stats);
    }

    private final class Client implements OpenFinding.Latest {
        final String ip;
        final WindowCounts failures = new WindowCounts(cfg.windowMicros(), 1);
        final Sample users = new Sample();
        final Sample servers = new Sample();
        final Sample mechanisms = new Sample(3);
        OpenFinding alert;
        // the latest match, as its finding shows it
        final Sample lastUsers = new Sample();
        final Sample lastServers = new Sample();
        final Sample lastMechanisms = new Sample(3);
        Connection lastConn;
        String lastUser;
        long lastTs, lastFailures;
        int lastReplyCode;

        Client(String ip) { this.ip = ip; }

        @Override
        public Finding finding() { return describe(this).build(); }
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (!(e instanceof SmtpEvent.Auth a) || a.result() != SmtpEvent.AuthResult.FAILURE) return;
        String ip = a.conn().clientIpText();
        Client cl = clients.getOrCreate(ip, Client::new);
        cl.failures.add(a.tsMicros(), 0, 1);
        cl.users.add(a.user());
        cl.servers.add(a.conn().serverIpText() + ":" + a.conn().serverPort());
        cl.mechanisms.add(a.mechanism());
        long n = cl.failures.sum(a.tsMicros(), 0);
        if (n < cfg.threshold()) return;
        cl.lastConn = a.conn();
        cl.lastTs = a.tsMicros();
        cl.lastUser = a.user();
        cl.lastFailures = n;
        cl.lastReplyCode = a.replyCode();
        cl.lastUsers.copyFrom(cl.users);
        cl.lastServers.copyFrom(cl.servers);
        cl.lastMechanisms.copyFrom(cl.mechanisms);
        if (!repeated(cl.alert, cl.lastTs, n, cl.lastConn, cl)) cl.alert = describe(cl).emit();
    }

    /** The finding of {@code cl}'s latest match. */
    private Builder describe(Client cl) {
        long n = cl.lastFailures;
        return finding(cl.ip, cl.lastConn, cl.lastTs)
                .window(cfg.windowMicros(), n)
                .account(cl.lastUser)
                .summary(cl.ip + " failed AUTH " + n + " times in " + Evidence.span(cfg.windowMicros())
                        + (cl.lastUsers.isEmpty() ? "" : " (accounts tried: " + String.join(", ", cl.lastUsers.list()) + ")"))
                .ev("failures", n)
                .ev("threshold", cfg.threshold())
                .ev("sample_users", cl.lastUsers.list())
                .ev("sample_servers", cl.lastServers.list())
                .ev("mechanisms", cl.lastMechanisms.list())
                .ev("reply_code", cl.lastReplyCode);
    }

    @Override
    int trackedKeys() { return clients.size(); }
}
