package io.mailtap.cli;

import io.mailtap.alert.Alert;
import io.mailtap.decode.DecodeCounter;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.SkipReason;
import io.mailtap.flow.FlowCounter;
import io.mailtap.flow.FlowStats;
import io.mailtap.sensor.AlertDigest;
import io.mailtap.sensor.Replay;
import io.mailtap.sensor.ReplaySummary;
import io.mailtap.smtp.TransactionRecord;
import io.mailtap.text.WireText;
import io.mailtap.time.PacketTime;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The human summary of a replay. Every wire string goes through {@link WireText#forTerminal}. */
final class SummaryPrinter {
    private static final int RCPTS_SHOWN = 5;
    private final PrintWriter out;
    private final int findingsShown;

    /** @param findingsShown rows of the findings table; the rest are counted by severity */
    SummaryPrinter(PrintWriter out, int findingsShown) {
        this.out = out;
        this.findingsShown = Math.max(0, findingsShown);
    }

    void print(Replay.Report r, AlertDigest alerts, Path alertLog) {
        ReplaySummary s = r.summary();
        double secs = r.nanos() / 1e9;
        out.printf("mailtap replay: %d file%s, %,d packets in %.2f s%s%n", r.files().size(), r.files().size() == 1 ? "" : "s",
                r.packets(), secs, secs > 0 && r.packets() > 0 ? String.format(" (%,.0f packets/s)", r.packets() / secs) : "");
        out.printf("SMTP: %,d connections (%,d attempts only), %,d transactions, %,d MAIL FROM (%,d null sender), "
                        + "%,d RCPT TO, %,d AUTH (%,d failed), %,d TLS%n",
                s.connections(), s.attemptedOnly(), s.transactions(), s.mailFrom(), s.nullSender(), s.rcpt(),
                s.auth(), s.authFailed(), s.tls());
        printOneWay(s);
        if (!s.lines().isEmpty()) out.println();
        for (ReplaySummary.Line line : s.lines()) printTransaction(line);
        if (s.notShown() > 0) out.printf("... %,d more transactions in %s%n", s.notShown(), r.transactionLog());
        out.println();
        printFindings(alerts, alertLog);
        printSkipped(r.pipeline().decodeStats());
        printFlows(r.pipeline().flowStats());
        if (r.pipeline().internalErrors() > 0) {
            out.printf("Internal errors: %,d frames failed in the pipeline and were skipped (a bug: see the log)%n",
                    r.pipeline().internalErrors());
        }
        if (!r.limitsReached().isEmpty()) {
            out.printf("Parallel replay: one flow table might have reached %s; the output may differ from --threads 1%n",
                    String.join(", ", r.limitsReached()));
        }
        out.printf("Wrote %,d transaction%s to %s%n", r.transactionLines(), r.transactionLines() == 1 ? "" : "s", r.transactionLog());
        if (alertLog != null) {
            out.printf("Wrote %,d alert notification%s to %s%n", alerts.notifications(), alerts.notifications() == 1 ? "" : "s", alertLog);
        }
        out.flush();
    }

    private void printTransaction(ReplaySummary.Line line) {
        var c = line.conn();
        TransactionRecord t = line.record();
        out.printf("%s  %s -> %s  %s%s%n", PacketTime.iso(t.tsMicros()),
                endpoint(c.clientIpText(), c.clientPort()), endpoint(c.serverIpText(), c.serverPort()), c.uid(),
                c.vlan() != 0 ? "  vlan " + c.vlan() : "");
        List<String> facts = new ArrayList<>();
        facts.add("helo " + (t.helo() == null ? "-" : WireText.forTerminal(t.helo(), 80)));
        if (t.authMech() != null) {
            facts.add("auth " + WireText.forTerminal(t.authMech()) + " " + WireText.forTerminal(t.authUser(), 80)
                    + " (" + (t.authResult() == null ? "no result" : t.authResult())
                    + (t.authResultInferred() ? ", inferred" : "") + ")");
        }
        if (t.tls()) facts.add("TLS");
        if (t.gaps()) facts.add("data missing");
        if (t.oneWay() != null) facts.add("one-way: " + t.oneWay().replace('_', ' '));
        out.println("    " + String.join(" · ", facts));
        if (t.mailFrom() != null) {
            List<String> rcpts = t.rcptTo().stream().limit(RCPTS_SHOWN).map(x -> WireText.forTerminal(x, 80)).toList();
            int more = t.rcptTo().size() - rcpts.size() + t.rcptDropped();
            out.printf("    mail from %s%s · rcpt %s%s (%d accepted, %d rejected)%n",
                    WireText.forTerminal(t.mailFrom(), 80), t.nullSender() ? " [null sender]" : "",
                    rcpts.isEmpty() ? "-" : String.join(", ", rcpts), more > 0 ? " +" + more + " more" : "",
                    t.rcptAccepted(), t.rcptRejected());
        }
        out.printf("    message %s%s%n", t.messageStatus().label(),
                t.lastReply() == null ? "" : " · last reply " + WireText.forTerminal(t.lastReply(), 100));
    }

    /** A capture that misses one direction is said before anything read from it is trusted. */
    private void printOneWay(ReplaySummary s) {
        if (s.clientOnly() > 0) {
            out.printf("One-way: %,d connection%s with client->server bytes only (a one-way mirror?): no reply was seen; "
                            + "%,d AUTH result%s inferred from the client's next commands, message fates unknown%n",
                    s.clientOnly(), s.clientOnly() == 1 ? "" : "s", s.authInferred(), s.authInferred() == 1 ? "" : "s");
        }
        if (s.serverOnly() > 0) {
            out.printf("One-way: %,d connection%s with server->client bytes only: reply codes only, no command or argument%n",
                    s.serverOnly(), s.serverOnly() == 1 ? "" : "s");
        }
    }

    /** One row per alert (its latest notification): what an operator reads first. */
    private void printFindings(AlertDigest digest, Path alertLog) {
        List<Alert> alerts = digest.alerts();
        if (alerts.isEmpty()) {
            out.println("Findings: none");
            out.println();
            return;
        }
        out.printf("Findings: %,d%n", alerts.size());
        List<Alert> shown = alerts.subList(0, Math.min(findingsShown, alerts.size()));
        if (!shown.isEmpty()) {
            out.printf("  %-20s %-8s %-8s %-28s %-11s %6s  %s%n", "RULE", "SEVERITY", "STATUS", "KEY", "STATE", "COUNT", "SUMMARY");
        }
        for (Alert a : shown) {
            out.printf("  %-20s %-8s %-8s %-28s %-11s %6d  %s%n", a.rule().id(), a.severity().label(), a.status().label(),
                    WireText.forTerminal(a.key(), 28), WireText.forTerminal(a.state(), 11), a.count(), WireText.forTerminal(a.summary(), 200));
        }
        List<Alert> rest = alerts.subList(shown.size(), alerts.size());
        if (!rest.isEmpty()) {
            java.util.Map<String, Long> bySeverity = new java.util.TreeMap<>();
            for (Alert a : rest) bySeverity.merge(a.severity().label(), 1L, Long::sum);
            List<String> parts = new ArrayList<>();
            bySeverity.forEach((sev, n) -> parts.add(String.format("%,d %s", n, sev)));
            out.printf("  ... %,d more finding%s (%s)%s%n", rest.size(), rest.size() == 1 ? "" : "s", String.join(", ", parts),
                    alertLog == null ? "" : " in " + alertLog);
        }
        out.println();
    }

    private void printSkipped(DecodeStats d) {
        List<String> parts = new ArrayList<>();
        for (SkipReason reason : SkipReason.values()) {
            long n = d.skipped(reason);
            if (n > 0) parts.add(reason.label() + " " + n);
        }
        out.printf("Frames: %,d decoded as TCP, %,d skipped%s%n", d.get(DecodeCounter.DECODED_TCP), d.skippedTotal(),
                parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
    }

    private void printFlows(FlowStats f) {
        out.printf("Flows: %,d tracked (at most %,d at once), %,d evicted (table full), %,d out-of-order and %,d duplicate "
                        + "segments, %,d gaps (%,d bytes never seen)%n",
                f.get(FlowCounter.FLOWS_CREATED), f.get(FlowCounter.ACTIVE_PEAK), f.get(FlowCounter.EVICTED),
                f.get(FlowCounter.OUT_OF_ORDER_SEGMENTS), f.get(FlowCounter.DUPLICATE_SEGMENTS), f.gapsTotal(), f.gapBytesTotal());
    }

    static String endpoint(String ip, int port) {
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
