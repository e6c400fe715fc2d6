package io.mailtap.cli;

import io.mailtap.alert.Alert;
import io.mailtap.decode.DecodeCounter;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.SkipReason;
import io.mailtap.flow.FlowCounter;
import io.mailtap.flow.FlowStats;
import io.mailtap.log.TransactionLogWriter;
import io.mailtap.sensor.AlertDigest;
import io.mailtap.sensor.Replay;
import io.mailtap.sensor.ReplaySummary;
import io.mailtap.smtp.TransactionRecord;
import io.mailtap.util.Printable;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The human summary of a replay. Every wire string goes through {@link Printable}. */
final class SummaryPrinter {
    private static final int RCPTS_SHOWN = 5;
    private final PrintWriter out;

    SummaryPrinter(PrintWriter out) {
        this.out = out;
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
        if (!s.lines().isEmpty()) out.println();
        for (ReplaySummary.Line line : s.lines()) printTransaction(line);
        if (s.notShown() > 0) out.printf("... %,d more transactions in %s%n", s.notShown(), r.transactionLog());
        out.println();
        printFindings(alerts);
        printSkipped(r.pipeline().decodeStats());
        printFlows(r.pipeline().flowStats());
        if (r.pipeline().internalErrors() > 0) {
            out.printf("Internal errors: %,d frames failed in the pipeline and were skipped (a bug: see the log)%n",
                    r.pipeline().internalErrors());
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
        out.printf("%s  %s -> %s  %s%s%n", TransactionLogWriter.isoMicros(t.tsMicros()),
                endpoint(c.clientIpText(), c.clientPort()), endpoint(c.serverIpText(), c.serverPort()), c.uid(),
                c.vlan() != 0 ? "  vlan " + c.vlan() : "");
        List<String> facts = new ArrayList<>();
        facts.add("helo " + (t.helo() == null ? "-" : Printable.brief(t.helo(), 80)));
        if (t.authMech() != null) {
            facts.add("auth " + Printable.of(t.authMech()) + " " + Printable.brief(t.authUser(), 80)
                    + " (" + (t.authResult() == null ? "no result" : t.authResult()) + ")");
        }
        if (t.tls()) facts.add("TLS");
        if (t.gaps()) facts.add("data missing");
        out.println("    " + String.join(" · ", facts));
        if (t.mailFrom() != null) {
            List<String> rcpts = t.rcptTo().stream().limit(RCPTS_SHOWN).map(x -> Printable.brief(x, 80)).toList();
            int more = t.rcptTo().size() - rcpts.size() + t.rcptDropped();
            out.printf("    mail from %s%s · rcpt %s%s (%d accepted, %d rejected)%n",
                    Printable.brief(t.mailFrom(), 80), t.nullSender() ? " [null sender]" : "",
                    rcpts.isEmpty() ? "-" : String.join(", ", rcpts), more > 0 ? " +" + more + " more" : "",
                    t.rcptAccepted(), t.rcptRejected());
        }
        out.printf("    message %s%s%n", t.messageStatus().label(),
                t.lastReply() == null ? "" : " · last reply " + Printable.brief(t.lastReply(), 100));
    }

    /** One row per alert (its latest notification): what an operator reads first. */
    private void printFindings(AlertDigest digest) {
        List<Alert> alerts = digest.alerts();
        if (alerts.isEmpty()) {
            out.println("Findings: none");
            out.println();
            return;
        }
        out.printf("Findings: %d%n", alerts.size());
        out.printf("  %-20s %-8s %-8s %-28s %-11s %6s  %s%n", "RULE", "SEVERITY", "STATUS", "KEY", "STATE", "COUNT", "SUMMARY");
        for (Alert a : alerts) {
            out.printf("  %-20s %-8s %-8s %-28s %-11s %6d  %s%n", a.rule().id(), a.severity().label(), a.status().label(),
                    Printable.brief(a.key(), 28), Printable.brief(a.state(), 11), a.count(), Printable.brief(a.summary(), 200));
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
