package io.mailtap.detect;

import io.mailtap.smtp.SmtpEvent;

/**
 * {@code auth_failures}: at least {@code threshold} failed AUTH exchanges from one client host
 * within the window (password guessing; the accounts tried are named).
 */
final class AuthFailuresRule extends Rule {
    private final DetectSettings.AuthFailures cfg;
    private final KeyedLru<Client> clients;

    AuthFailuresRule(DetectSettings s, FindingSink sink, DetectStats stats) {
        super(RuleId.AUTH_FAILURES, s, sink, stats);
        this.cfg = s.authFailures();
        this.clients = new KeyedLru<>(s.maxTrackedKeys(), this.stats);
    }

    private final class Client {
        final WindowCounts failures = new WindowCounts(cfg.windowMicros(), 1);
        final Sample users = new Sample();
        final Sample servers = new Sample();
        final Sample mechanisms = new Sample(3);
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (!(e instanceof SmtpEvent.Auth a) || a.result() != SmtpEvent.AuthResult.FAILURE) return;
        String ip = a.conn().clientIpText();
        Client cl = clients.getOrCreate(ip, k -> new Client());
        cl.failures.add(a.tsMicros(), 0, 1);
        cl.users.add(a.user());
        cl.servers.add(a.conn().serverIpText() + ":" + a.conn().serverPort());
        cl.mechanisms.add(a.mechanism());
        long n = cl.failures.sum(a.tsMicros(), 0);
        if (n < cfg.threshold()) return;
        finding(ip, a.conn(), a.tsMicros())
                .window(cfg.windowMicros(), n)
                .account(a.user())
                .summary(ip + " failed AUTH " + n + " times in " + Text.span(cfg.windowMicros())
                        + (cl.users.isEmpty() ? "" : " (accounts tried: " + String.join(", ", cl.users.list()) + ")"))
                .ev("failures", n)
                .ev("threshold", cfg.threshold())
                .ev("sample_users", cl.users.list())
                .ev("sample_servers", cl.servers.list())
                .ev("mechanisms", cl.mechanisms.list())
                .ev("reply_code", a.replyCode())
                .emit();
    }

    @Override
    int trackedKeys() { return clients.size(); }
}
